"""Inbound de-duplication and opt-outs from memory, with SQLite as the shared record.

Two `Database` objects on one file stand for two processes: each has its own connections
and its own ledger, and they learn of each other only through the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from civicline.storage import inbound_sqlite
from civicline.storage.inbound_sqlite import LOAD_SECONDS, SYNC_SECONDS, InboundLedger
from civicline.storage.sms_state_sqlite import SqliteSmsState
from civicline.storage.sqlite import Database

NOW = 1_796_000_000.0
A, B = "+8613700000001", "+8613700000002"


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path)
    yield database
    database.close()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep three ids and three texts in memory."""
    monkeypatch.setattr(inbound_sqlite, "RECENT_MAX", 3)


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    first, second = Database(tmp_path), Database(tmp_path)
    yield first, second
    first.close()
    second.close()


async def test_one_process_answers_a_repeat_once(db: Database) -> None:
    ledger = InboundLedger(db)
    assert ledger.record("SM1", A, "h1", NOW, 10).first
    assert not ledger.record("SM1", B, "other", NOW + 3600, 10).first  # same id, any time
    assert not ledger.record("SM2", A, "h1", NOW + 10, 10).first  # same text, in window
    assert ledger.record("SM3", A, "h1", NOW + 10.5, 10).first  # window passed
    assert ledger.record("", B, "h2", NOW, 0).first
    assert ledger.record("", B, "h2", NOW, 0).first  # window 0: texts are not compared
    await ledger.flush()
    rows = db.reader.execute("SELECT provider_message_id, phone, origin FROM sms_inbound "
                             "ORDER BY id").fetchall()
    assert rows == [("SM1", A, ledger.origin), ("SM3", A, ledger.origin),
                    ("", B, ledger.origin), ("", B, ledger.origin)]


async def test_a_process_learns_what_another_recorded_when_it_syncs(
        databases: tuple[Database, Database]) -> None:
    ticks = Ticks()
    here, there = InboundLedger(databases[0], ticks), InboundLedger(databases[1], ticks)
    assert here.record("SM1", A, "h1", NOW, 10).first  # both have loaded the (empty) record
    assert there.record("SM9", B, "h9", NOW, 10).first
    assert there.record("SM2", B, "h2", NOW, 10).first
    await there.flush()
    ticks.value += SYNC_SECONDS
    assert not here.record("SM2", A, "new", NOW + 1, 10).first  # the id
    assert not here.record("SM4", B, "h2", NOW + 1, 10).first  # the number and text
    assert here.record("SM5", B, "h2", NOW + 11, 10).first


async def test_opt_outs_from_another_process_are_honoured_after_a_sync(
        databases: tuple[Database, Database]) -> None:
    ticks = Ticks()
    here, there = SqliteSmsState(databases[0]), SqliteSmsState(databases[1])
    here.inbound._monotonic = ticks  # the test moves this process's clock
    assert not (here.record_inbound("SM1", A, "h1", NOW, 10)).opted_out
    await there.opt_out(A, "receipt:twilio:21610", NOW)
    assert (there.record_inbound("SM2", A, "h2", NOW, 10)).opted_out  # its own, at once
    ticks.value += SYNC_SECONDS
    assert (here.record_inbound("SM3", A, "h3", NOW, 10)).opted_out
    await there.opt_in(A)
    ticks.value += SYNC_SECONDS
    assert not (here.record_inbound("SM4", A, "h4", NOW, 10)).opted_out
    await here.opt_out(B, "keyword", NOW)
    assert (here.record_inbound("SM5", B, "h5", NOW, 10)).opted_out  # no sync needed
    await here.flush_inbound()
    await there.flush_inbound()


async def test_a_restarted_process_loads_the_last_day(tmp_path: Path) -> None:
    db = Database(tmp_path)
    try:
        ledger = InboundLedger(db)
        ledger.record("SM-old", A, "h1", NOW - LOAD_SECONDS - 1, 10)
        ledger.record("SM-new", A, "h2", NOW - 60, 10)
        await ledger.flush()
    finally:
        db.close()
    db = Database(tmp_path)
    try:
        restarted = InboundLedger(db)
        assert not restarted.record("SM-new", B, "x", NOW, 10).first
        assert restarted.record("SM-old", B, "y", NOW, 10).first
        await restarted.flush()
    finally:
        db.close()


@pytest.mark.usefixtures("small")
async def test_memory_stays_bounded_and_forgets_the_oldest_first(db: Database) -> None:
    ledger = InboundLedger(db)
    for i in range(5):
        assert ledger.record(f"SM{i}", f"+86137000000{i:02d}", "h", NOW + i, 10).first
    assert list(ledger._ids) == ["SM2", "SM3", "SM4"]
    assert len(ledger._texts) == 3
    assert not ledger.record("SM4", B, "x", NOW + 5, 10).first
    assert ledger.record("SM0", B, "x", NOW + 5, 10).first  # forgotten in this process
    await ledger.flush()


async def test_the_sweeper_prunes_records_older_than_a_week(db: Database) -> None:
    outbox = SqliteSmsState(db)
    for i, age_days in enumerate((9, 8, 6, 0)):
        outbox.inbound.record(f"SM{i}", A, f"h{i}", NOW - age_days * 86400, 10)
    await outbox.flush_inbound()
    await outbox.prune(NOW)
    kept = [r[0] for r in db.reader.execute(
        "SELECT provider_message_id FROM sms_inbound ORDER BY id")]
    assert kept == ["SM2", "SM3"]
    await outbox.prune(NOW + 30 * 86400)  # a month on: nothing is recent
    assert db.reader.execute("SELECT COUNT(*) FROM sms_inbound").fetchone() == (0,)


@pytest.mark.usefixtures("small")
async def test_a_text_sent_again_after_its_window_becomes_the_newest(db: Database) -> None:
    ledger = InboundLedger(db)
    for i, text in enumerate(("a", "b", "c")):
        assert ledger.record("", A, text, NOW + i, 10).first
    assert ledger.record("", A, "a", NOW + 20, 10).first  # its window passed: new again
    assert ledger.record("", A, "d", NOW + 21, 10).first  # evicts "b", the oldest now
    assert not ledger.record("", A, "a", NOW + 22, 10).first
    assert ledger.record("", A, "b", NOW + 22, 10).first
    await ledger.flush()


async def test_a_process_alone_never_reads_its_own_records_back(db: Database) -> None:
    ticks = Ticks()
    ledger = InboundLedger(db, ticks)
    statements: list[str] = []
    db.reader.set_trace_callback(statements.append)
    for i in range(3):
        assert ledger.record(f"SM{i}", A, f"h{i}", NOW, 10).first
        await ledger.flush()
        ticks.value += SYNC_SECONDS  # each next message syncs first
    assert ledger.record("SM9", A, "h9", NOW, 10).first
    await ledger.flush()
    syncs = [s for s in statements if "sms_opt_out_changes" in s]
    assert len(syncs) == 4  # the load, then one sync before each later message
    assert not [s for s in statements if "origin !=" in s]
