"""Async writes of the SQLite store go through Database.write: one writer, no lost versions."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest

from civicline.core.errors import BackendUnavailable
from civicline.storage.sqlite import Database, SqliteGuideStore, SqliteTokenStore
from tests.factories import NOW, make_guide


async def test_concurrent_guide_puts_each_get_the_next_version(tmp_path: Path) -> None:
    db = Database(tmp_path)
    try:
        store = SqliteGuideStore(db)
        titles = [f"第 {n} 版" for n in range(20)]
        stored = await asyncio.gather(*(
            store.put(dataclasses.replace(make_guide("G-1"), title=title), NOW)
            for title in titles))
        assert sorted(g.version for g in stored) == list(range(1, 21))
        history = await store.history("G-1")
        assert [g.version for g in history] == list(range(1, 21))
        current = await store.get("G-1")
        assert current is not None and current.version == 20
    finally:
        db.close()


async def test_a_token_created_off_the_loop_is_found_by_its_department(tmp_path: Path) -> None:
    db = Database(tmp_path)
    try:
        tokens = SqliteTokenStore(db)
        first, second = await asyncio.gather(tokens.create("税务局", NOW, "窗口"),
                                             tokens.create("市场局", NOW))
        assert first != second
        assert await tokens.department_of(first) == "税务局"
        assert await tokens.department_of(second) == "市场局"
        assert tokens.create_sync("公安局", NOW).startswith("cl_")
    finally:
        db.close()


async def test_a_write_that_fails_in_sqlite_is_reported_as_backend_unavailable(
        tmp_path: Path) -> None:
    db = Database(tmp_path)

    def fail(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database is locked")

    try:
        with pytest.raises(BackendUnavailable, match="database is locked"):
            await db.write(fail)
        # The failed transaction was rolled back: the writer takes the next one.
        await SqliteGuideStore(db).put(make_guide("G-2"), NOW)
    finally:
        db.close()
