"""Inbound de-duplication and opt-outs, decided by the SQLite file alone.

Two `Database` objects on one file stand for two processes: each has its own connections
and its own writer thread, and they share nothing but the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicline.storage.sms_state_sqlite import SqliteSmsState
from civicline.storage.sqlite import Database, migrations

NOW = 1_796_000_000.0
A, B = "+8613700000001", "+8613700000002"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path)
    yield database
    database.close()


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    first, second = Database(tmp_path), Database(tmp_path)
    yield first, second
    first.close()
    second.close()


# (label, provider id, number, text hash, seconds after NOW, window, first?), in order.
SEQUENCE = [
    ("a new message is first", "SM1", A, "h1", 0.0, 10, True),
    ("the same id is a repeat at any time, from any number", "SM1", B, "other", 3600, 10,
     False),
    ("the same text from the number at the window's edge is a repeat", "SM2", A, "h1", 10, 10,
     False),
    ("the same text after the window is first again", "SM3", A, "h1", 10.5, 10, True),
    ("and is then a repeat within its own window", "SM4", A, "h1", 15, 10, False),
    ("the same text from another number is first", "SM5", B, "h1", 10.5, 10, True),
    ("without an id, a new text is first", "", B, "h2", 0, 0, True),
    ("window 0 compares no texts", "", B, "h2", 0, 0, True),
    ("an empty id is not an id: texts still decide", "", B, "h2", 1, 10, False),
]


async def test_a_repeat_is_recorded_once(db: Database) -> None:
    state = SqliteSmsState(db)
    for label, sid, phone, text_hash, after, window, first in SEQUENCE:
        assert await state.record_inbound(sid, phone, text_hash, NOW + after, window) is first, \
            label
    rows = db.reader.execute("SELECT provider_message_id, phone, text_hash FROM sms_inbound "
                             "ORDER BY id").fetchall()
    assert rows == [("SM1", A, "h1"), ("SM3", A, "h1"), ("SM5", B, "h1"), ("", B, "h2"),
                    ("", B, "h2")]


async def test_a_second_process_refuses_what_the_first_recorded(
        databases: tuple[Database, Database]) -> None:
    here, there = SqliteSmsState(databases[0]), SqliteSmsState(databases[1])
    assert await here.record_inbound("SM1", A, "h1", NOW, 10)
    assert not await there.record_inbound("SM1", B, "new", NOW + 1, 10)  # the id
    assert not await there.record_inbound("SM2", A, "h1", NOW + 1, 10)  # number and text
    assert await there.record_inbound("SM3", A, "h1", NOW + 11, 10)


@pytest.mark.parametrize("window", [0, 10])
async def test_one_message_racing_into_two_processes_is_first_exactly_once(
        databases: tuple[Database, Database], window: float) -> None:
    here, there = SqliteSmsState(databases[0]), SqliteSmsState(databases[1])
    for i in range(20):
        sid, text_hash = f"SM{i}", f"h{i}"
        results = await asyncio.gather(*(
            state.record_inbound(sid, A, text_hash, NOW + i * 100, window)
            for state in (here, there) for _ in range(4)))
        assert sorted(results) == [False] * 7 + [True], sid


async def test_opt_outs_from_another_process_count_at_once(
        databases: tuple[Database, Database]) -> None:
    here, there = SqliteSmsState(databases[0]), SqliteSmsState(databases[1])
    assert not here.is_opted_out(A)
    assert await there.opt_out(A, "receipt:twilio:21610", NOW)
    assert here.is_opted_out(A)
    assert not await here.opt_out(A, "keyword", NOW)  # already opted out
    assert await here.opt_in(A)
    assert not there.is_opted_out(A)


async def test_records_are_kept_across_a_restart_and_pruned_after_a_week(
        tmp_path: Path) -> None:
    db = Database(tmp_path)
    try:
        state = SqliteSmsState(db)
        for i, age_days in enumerate((9, 8, 6, 0)):
            assert await state.record_inbound(f"SM{i}", A, f"h{i}", NOW - age_days * 86400, 10)
    finally:
        db.close()
    db = Database(tmp_path)
    try:
        state = SqliteSmsState(db)
        assert not await state.record_inbound("SM0", B, "x", NOW, 10)  # still remembered
        await state.prune(NOW)
        kept = [r[0] for r in db.reader.execute(
            "SELECT provider_message_id FROM sms_inbound ORDER BY id")]
        assert kept == ["SM2", "SM3"]
        assert await state.record_inbound("SM0", B, "x", NOW, 10)  # forgotten once pruned
        await state.prune(NOW + 30 * 86400)  # a month on: nothing is recent
        assert db.reader.execute("SELECT COUNT(*) FROM sms_inbound").fetchone() == (0,)
    finally:
        db.close()


def test_the_migration_keeps_the_first_copy_of_an_id_recorded_twice(tmp_path: Path) -> None:
    # Under the old in-memory ledger two processes could both record one message.
    conn = sqlite3.connect(tmp_path / "civicline.sqlite3", isolation_level=None)
    for version, _name, sql in migrations():
        if version <= 5:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version}")
    conn.executemany("INSERT INTO sms_inbound(provider_message_id, phone, text_hash, at, origin)"
                     " VALUES (?, ?, 'h', ?, ?)",
                     [("SM1", A, NOW, 1), ("SM1", A, NOW + 0.1, 2), ("", B, NOW, 1),
                      ("", B, NOW, 2)])
    conn.close()
    db = Database(tmp_path)
    try:
        rows = db.reader.execute("SELECT provider_message_id, phone, at FROM sms_inbound "
                                 "ORDER BY id").fetchall()
        assert rows == [("SM1", A, NOW), ("", B, NOW), ("", B, NOW)]
        assert not db.reader.execute("SELECT 1 FROM sqlite_master WHERE name IN "
                                     "('sms_opt_out_changes', 'sms_opt_outs_added')").fetchall()
    finally:
        db.close()
