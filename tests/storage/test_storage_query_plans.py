"""The per-request queries use an index: a table scan there grows with every day's traffic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicline.storage.sms_state_sqlite import OPTED_OUT, RECORD_INBOUND
from civicline.storage.sqlite import Database

TABLE_SCAN = re.compile(r"\bSCAN (?!CONSTANT ROW)")  # reading a whole table or index
HOT_QUERIES = {
    "case by key": ("SELECT body FROM cases WHERE key=?", ("K",)),
    "number opted out (every send, every inbound message)": (OPTED_OUT, ("+8613700000000",)),
    "inbound insert-if-absent (every inbound message)": (
        RECORD_INBOUND, ("SM1", "+8613700000000", "0123456789abcdef", 1.8e9, 10.0)),
    "results of a day": ("SELECT body FROM cases WHERE concluded_on=? AND confidential=0",
                         ("2026-11-27",)),
}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path)
    yield database
    database.close()


def query_plan(db: Database, sql: str, params: tuple[object, ...]) -> str:
    """SQLite's plan for `sql`, its steps joined on one line (shared by other query tests)."""
    return " / ".join(row[-1] for row in db.reader.execute(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.mark.parametrize("name", sorted(HOT_QUERIES))
def test_hot_query_searches_an_index(db: Database, name: str) -> None:
    sql, params = HOT_QUERIES[name]
    plan = query_plan(db, sql, params)
    assert "SEARCH" in plan and not TABLE_SCAN.search(plan), plan


def test_a_scan_is_detected(db: Database) -> None:
    # The check above must be able to fail: no index leads with the text hash.
    plan = " / ".join(row[-1] for row in db.reader.execute(
        "EXPLAIN QUERY PLAN SELECT 1 FROM sms_inbound WHERE text_hash=?", ("0123",)))
    assert TABLE_SCAN.search(plan)
