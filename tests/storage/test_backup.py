"""Backups taken while serving restore to the same data; bad backups are refused clearly."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from civicline.core.clock import FixedClock
from civicline.core.ingest import apply_batch_sync
from civicline.services import open_services
from civicline.storage.backup import BackupError, backup, check_backup, restore
from civicline.storage.sqlite import DB_FILE
from tests.conftest import make_settings
from tests.factories import NOW, make_event
from tests.test_cli import civicline

TABLES = ("cases", "case_events", "guides", "tokens", "outbox")


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}"))  # noqa: S608 -- constant names
                for table in TABLES}


def _seed(data_dir: Path, cases: int) -> None:
    services = open_services(make_settings(data_dir), FixedClock(NOW), with_search=False)
    try:
        events = [make_event(f"4409202611270{i:05d}") for i in range(cases)]
        apply_batch_sync(services.cases, events)
        services.tokens.create_sync("市场监督管理局", NOW)
    finally:
        asyncio.run(services.close())


def test_a_backup_restored_into_a_new_data_directory_holds_the_same_rows(
        tmp_path: Path) -> None:
    live, copy = tmp_path / "live", tmp_path / "copy"
    _seed(live, 50)
    pages: list[tuple[int, int]] = []
    written = backup(live, tmp_path / "backup.sqlite3", lambda done, total: pages.append(
        (done, total)))
    assert pages and pages[-1][0] == pages[-1][1]  # progress reached the end
    assert not written.with_name(written.name + ".partial").exists()
    restore(written, copy)
    assert _dump(copy / DB_FILE) == _dump(live / DB_FILE)
    assert len(_dump(copy / DB_FILE)["cases"]) == 50


def test_a_backup_taken_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    live = tmp_path / "live"
    _seed(live, 5)
    writer = sqlite3.connect(live / DB_FILE, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO meta(key, value) VALUES ('uncommitted', 'x')")
    try:
        written = backup(live, tmp_path)  # a directory: the file keeps its name
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert written == tmp_path / DB_FILE
    with sqlite3.connect(written) as conn:
        assert conn.execute("SELECT COUNT(*) FROM meta WHERE key='uncommitted'").fetchone() \
            == (0,)
    assert check_backup(written) > 0


@pytest.mark.parametrize(("content", "message"), [
    (b"not a database at all" * 100, "not an SQLite database"),
    (None, "no such file"),
])
def test_restoring_something_that_is_not_a_backup_is_refused_with_the_reason(
        tmp_path: Path, content: bytes | None, message: str) -> None:
    source = tmp_path / "backup.sqlite3"
    if content is not None:
        source.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore(source, tmp_path / "data")
    assert not (tmp_path / "data" / DB_FILE).exists()


def test_an_sqlite_file_of_another_program_is_not_restored(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes(text)")
    with pytest.raises(BackupError, match="not a civicline database"):
        check_backup(other)


def test_backing_up_onto_the_database_itself_is_refused(tmp_path: Path) -> None:
    _seed(tmp_path, 1)
    with pytest.raises(BackupError, match="overwrite the database itself"):
        backup(tmp_path, tmp_path / DB_FILE)


def test_the_commands_back_up_and_restore_and_restore_asks_before_replacing(
        tmp_path: Path) -> None:
    live, copy = tmp_path / "live", tmp_path / "copy"
    _seed(live, 3)
    made = civicline("backup", str(tmp_path / "b.sqlite3"), data_dir=live)
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip()) == tmp_path / "b.sqlite3"
    assert civicline("restore", str(tmp_path / "b.sqlite3"), data_dir=copy).returncode == 0
    again = civicline("restore", str(tmp_path / "b.sqlite3"), data_dir=copy)
    assert again.returncode == 2 and "--yes" in again.stderr
    assert civicline("restore", str(tmp_path / "b.sqlite3"), "--yes",
                     data_dir=copy).returncode == 0
    assert _dump(copy / DB_FILE) == _dump(live / DB_FILE)
    bad = civicline("restore", str(tmp_path / "missing.sqlite3"), data_dir=tmp_path / "x")
    assert bad.returncode == 1 and "no such file" in bad.stderr
