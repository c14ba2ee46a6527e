"""The outbox and staff tables: every-send queries use an index; old SMS rows migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from civicline.notify.model import ContactPoint, State
from civicline.storage.outbox_sqlite import DUE, SENT_TODAY, SqliteOutbox
from civicline.storage.sqlite import DB_FILE, Database, migrations
from tests.storage.test_storage_query_plans import TABLE_SCAN, db, query_plan

__all__ = ["db"]  # the database fixture, shared with the storage query-plan tests

TEMP_SORT = "USE TEMP B-TREE"
HOT_QUERIES = {
    "a lane's due messages (every claim)": (DUE.format(marks="?"), ("sms", 0, 1.0, 32)),
    "sends today of a template to an address (every send)": (
        SENT_TODAY, ("sms", "+8613800000000", "case_accepted", "2026-11-27")),
    "staff by department and role (every staff alert)": (
        "SELECT id FROM staff WHERE department=? AND role=?", ("市场监督管理局", "科长")),
    "staff reachable at a contact point (acknowledgements)": (
        "SELECT staff_id FROM staff_contacts WHERE channel=? AND address=?", ("sms", "1")),
}


@pytest.mark.parametrize("name", sorted(HOT_QUERIES))
def test_every_send_query_searches_an_index_without_sorting(db: Database, name: str) -> None:
    sql, params = HOT_QUERIES[name]
    plan = query_plan(db, sql, params)
    assert "SEARCH" in plan and not TABLE_SCAN.search(plan) and TEMP_SORT not in plan, plan


async def test_sms_rows_from_before_contact_points_migrate_and_keep_their_dedupe_keys(
        tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
    for version, _, sql in migrations():
        if version <= 5:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
    conn.execute("PRAGMA user_version=5")
    conn.execute(
        "INSERT INTO outbox(dedupe_key, recipient, template, version, variables, body, purpose, "
        "priority, state, parts, created_at, updated_at, sent_day) VALUES ('ev1|13800001111|"
        "case_accepted', '13800001111', 'case_accepted', 1, '{}', '已受理', 'reminder', 1, "
        "'sent', 2, 1.0, 1.0, '2026-11-27')")
    conn.close()
    db = Database(tmp_path)
    try:
        outbox = SqliteOutbox(db)
        [message] = outbox.recent()
        assert (message.to, message.cost, message.state) == (
            ContactPoint("sms", "13800001111"), 2, State.SENT)
        assert message.dedupe_key == "ev1|sms:13800001111|case_accepted"
        assert outbox.sent_today("sms", "13800001111", "case_accepted", "2026-11-27") == 1
    finally:
        db.close()
