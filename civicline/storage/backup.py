"""Online backup and restore of the embedded SQLite store, with SQLite's backup API.

The backup API copies a consistent snapshot page by page while the service keeps serving
(readers never block; a writer that commits mid-copy makes SQLite restart the copy), so
`civicline backup` needs no downtime. A restore copies the file back *into* the live
database through the same API, so connections that stay open see the restored content.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from civicline.storage.sqlite import DB_FILE, migrations

PAGES_PER_STEP = 1024  # ~4 MB a step: progress is shown, the writer is never held for long

Progress = Callable[[int, int], None]  # (pages copied, total pages)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@contextlib.contextmanager
def _connection(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _copy(source: sqlite3.Connection, target: sqlite3.Connection,
          progress: Progress | None) -> None:
    def report(status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)
    source.backup(target, pages=PAGES_PER_STEP, progress=report)


def backup(data_dir: Path, dest: Path, progress: Progress | None = None) -> Path:
    """Write a consistent copy of the data directory's database to `dest` (a file, or a
    directory that gets the database's file name); returns the file written."""
    source_file = data_dir / DB_FILE
    if not source_file.is_file():
        raise BackupError(f"no database at {source_file}")
    target = dest / DB_FILE if dest.is_dir() else dest
    if target.resolve() == source_file.resolve():
        raise BackupError("the backup would overwrite the database itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with _connection(source_file) as source, _connection(partial) as copy:
        _copy(source, copy, progress)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    partial.replace(target)  # a backup that stopped half way never looks whole
    return target


def check_backup(path: Path) -> int:
    """The schema version of a backup file; raises BackupError when it is not a civicline
    database this version can run."""
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    try:
        with _connection(path) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (quick_check failed)")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database: {exc}") from None
    if not {"cases", "case_events", "guides"} <= tables:
        raise BackupError(f"{path} is not a civicline database")
    newest = migrations()[-1][0]
    if version > newest:
        raise BackupError(f"{path} has schema version {version}, newer than this "
                          f"civicline ({newest}): upgrade civicline first")
    return version


def restore(source: Path, data_dir: Path, progress: Progress | None = None) -> int:
    """Replace the data directory's database with the backup `source`; returns its schema
    version (older ones are migrated when the service next opens the store)."""
    version = check_backup(source)
    data_dir.mkdir(parents=True, exist_ok=True)
    with _connection(source) as backup_conn, _connection(data_dir / DB_FILE) as live:
        _copy(backup_conn, live, progress)
    return version
