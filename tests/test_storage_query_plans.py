"""The per-request queries use an index: a table scan there grows with every day's traffic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicline.storage.outbox_sqlite import INBOUND_STATE
from civicline.storage.sqlite import Database

TABLE_SCAN = re.compile(r"\bSCAN (?!CONSTANT ROW)")  # reading a whole table or index
HOT_QUERIES = {
    "case by key": ("SELECT body FROM cases WHERE key=?", ("K",)),
    "inbound SMS seen before, number opted out": (INBOUND_STATE,
                                                  ("SM1", "+8613700000000", "h", 0.0)),
    "results of a day": ("SELECT body FROM cases WHERE concluded_on=? AND confidential=0",
                         ("2026-11-27",)),
}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path)
    yield database
    database.close()


@pytest.mark.parametrize("name", sorted(HOT_QUERIES))
def test_hot_query_searches_an_index(db: Database, name: str) -> None:
    sql, params = HOT_QUERIES[name]
    plan = " / ".join(row[-1] for row in db.reader.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "SEARCH" in plan and not TABLE_SCAN.search(plan), plan


def test_a_scan_is_detected(db: Database) -> None:
    # The check above must be able to fail: the partial index is skipped without its condition.
    plan = " / ".join(row[-1] for row in db.reader.execute(
        "EXPLAIN QUERY PLAN SELECT 1 FROM sms_inbound WHERE provider_message_id=?", ("SM1",)))
    assert TABLE_SCAN.search(plan)
