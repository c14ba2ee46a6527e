"""The embedded store: one SQLite file in WAL mode implementing every storage port.

Reads run on the caller's thread through one read connection (a primary-key lookup takes
tens of microseconds, less than a thread hop would). Writes run on one writer thread with
its own connection, in `BEGIN IMMEDIATE` transactions, so ingest never blocks lookups and
several processes on one machine can share the file safely.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import orjson

from civicline.core.errors import BackendUnavailable
from civicline.core.events import CaseEvent
from civicline.core.models import Case, Guide, guide_from_dict, guide_to_dict, with_version
from civicline.core.normalize import case_key
from civicline.core.ports import CaseWriteTx, Disclosure, StoredEvent
from civicline.storage.codec import decode_case, decode_event, encode_case, encode_event

T = TypeVar("T")
log = logging.getLogger("civicline.storage")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DB_FILE = "civicline.sqlite3"


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    found = []
    for entry in resources.files("civicline.storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations (tracked in PRAGMA user_version); returns the new version."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for version, name, sql in migrations():
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        # Read again under the write lock: another process starting on the same file at
        # the same moment may have applied it while this one waited.
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version <= current:
            conn.execute("COMMIT")
            continue
        log.info("migration_apply", extra={"migration": name})
        try:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        current = version
    return current


class Database:
    """Connections and the writer thread; the port classes below share one Database."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_FILE
        self._writer_conn = _connect(self.path)
        migrate(self._writer_conn)
        self.reader = _connect(self.path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._write_lock = threading.Lock()

    def write_sync(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one immediate transaction on the writer connection."""
        with self._write_lock:
            conn = self._writer_conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`write_sync` on the one writer thread, off the event loop; a locked or unwritable
        database raises BackendUnavailable."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, self.write_sync, work)
        except sqlite3.OperationalError as exc:
            raise BackendUnavailable(str(exc)) from exc

    def get_meta(self, key: str) -> str | None:
        row = self.reader.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta_sync(self, key: str, value: str) -> None:
        self.write_sync(lambda c: c.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value)))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.reader.close()
        self._writer_conn.close()


class _CaseTx:
    """CaseWriteTx over the writer connection, inside one transaction.

    Writes are collected and flushed with executemany: every execute releases the GIL, and
    with the event loop thread busy each release can cost this thread a switch interval.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.written: list[str] = []  # case keys, for the readers' cache
        self._events: list[tuple[str, str, int, bytes]] = []
        self._cases: dict[str, tuple[str, str, str, int, str | None, str, bytes]] = {}
        row = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM case_events").fetchone()
        self._seq = int(row[0])

    def flush(self) -> None:
        if self._events:
            self.conn.executemany(
                "INSERT INTO case_events(event_id, case_key, seq, body) VALUES (?, ?, ?, ?)",
                self._events)
            self._events.clear()
        if self._cases:
            self.conn.executemany(
                "INSERT INTO cases(key, department, stage, confidential, concluded_on,"
                " updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                " department=excluded.department, stage=excluded.stage,"
                " confidential=excluded.confidential, concluded_on=excluded.concluded_on,"
                " updated_at=excluded.updated_at, body=excluded.body",
                list(self._cases.values()))
            self.written.extend(self._cases)
            self._cases.clear()

    def existing_event_ids(self, event_ids: Sequence[str]) -> set[str]:
        wanted = set(event_ids)
        found = {row[0] for row in self._events if row[0] in wanted}  # not yet flushed
        ids = list(event_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT event_id FROM case_events WHERE event_id IN ({marks})",  # noqa: S608 -- placeholders only
                chunk))
        return found

    def get_cases(self, keys: Sequence[str]) -> dict[str, Case]:
        """Several cases in one statement per 500 keys (one GIL release, not one per case)."""
        found = {key: decode_case(row[6]) for key in keys if (row := self._cases.get(key))}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update((key, decode_case(body)) for key, body in self.conn.execute(
                f"SELECT key, body FROM cases WHERE key IN ({marks})", chunk))  # noqa: S608 -- placeholders only
        return found

    def load_events(self, key: str) -> list[tuple[CaseEvent, int]]:
        self.flush()
        return [(decode_event(body), int(seq)) for seq, body in self.conn.execute(
            "SELECT seq, body FROM case_events WHERE case_key=? ORDER BY seq", (key,))]

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def insert_event(self, key: str, event: CaseEvent, seq: int) -> None:
        self._events.append((event.event_id, key, seq, encode_event(event)))

    def put_case(self, case: Case) -> None:
        key = case_key(case.case_no)
        concluded_on = (case.concluded_at.astimezone(SHANGHAI).date().isoformat()
                        if case.concluded_at else None)
        self._cases[key] = (key, case.department, case.stage.value, int(case.confidential),
                            concluded_on, case.updated_at.isoformat(), encode_case(case))


class SqliteCaseStore:
    """Cases in SQLite, with a bounded cache of decoded cases in front of the reader.

    Citizens re-check the same cases, and decoding a case costs more than fetching it.
    Writes through this store evict what they change once they commit; in a multi-process
    deployment the bus carries the same evictions (`invalidate`).
    """

    def __init__(self, db: Database, cache_size: int = 10_000) -> None:
        self.db = db
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Case] = OrderedDict()

    def get_sync(self, key: str) -> Case | None:
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        row = self.db.reader.execute("SELECT body FROM cases WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        case = decode_case(row[0])
        if self.cache_size:
            self._cache[key] = case
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return case

    async def get(self, key: str) -> Case | None:
        try:
            return self.get_sync(key)
        except sqlite3.OperationalError as exc:
            raise BackendUnavailable(str(exc)) from exc

    def invalidate(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._cache.pop(key, None)

    def invalidate_all(self) -> None:
        self._cache.clear()

    def _in_tx(self, work: Callable[[CaseWriteTx], T], txs: list[_CaseTx]
               ) -> Callable[[sqlite3.Connection], T]:
        """`work` on a _CaseTx whose collected rows are written before the commit."""
        def run(conn: sqlite3.Connection) -> T:
            txs.append(_CaseTx(conn))
            result = work(txs[-1])
            txs[-1].flush()
            return result
        return run

    async def write(self, work: Callable[[CaseWriteTx], T]) -> T:
        txs: list[_CaseTx] = []
        try:
            return await self.db.write(self._in_tx(work, txs))
        finally:
            self.invalidate(key for tx in txs for key in tx.written)

    def write_sync(self, work: Callable[[CaseWriteTx], T]) -> T:
        txs: list[_CaseTx] = []
        try:
            return self.db.write_sync(self._in_tx(work, txs))
        finally:
            self.invalidate(key for tx in txs for key in tx.written)

    async def concluded_on(self, day: date, departments: Sequence[str] | None = None,
                           limit: int = 200, offset: int = 0) -> list[Case]:
        sql = "SELECT body FROM cases WHERE concluded_on=? AND confidential=0"
        params: list[object] = [day.isoformat()]
        if departments:
            sql += f" AND department IN ({','.join('?' * len(departments))})"
            params.extend(departments)
        sql += " ORDER BY updated_at DESC, key LIMIT ? OFFSET ?"
        params.extend([limit, offset])
        return [decode_case(r[0]) for r in self.db.reader.execute(sql, params)]

    def sample_sync(self) -> Case | None:
        """An open, non-confidential case, for the demo banner."""
        row = self.db.reader.execute(
            "SELECT body FROM cases INDEXED BY cases_open WHERE confidential=0 AND stage NOT IN "
            "('concluded', 'rejected', 'withdrawn') ORDER BY key DESC LIMIT 1").fetchone()
        return None if row is None else decode_case(row[0])

    async def count(self) -> int:
        return int(self.db.reader.execute("SELECT COUNT(*) FROM cases").fetchone()[0])

    def iter_all(self, batch: int = 1000) -> Iterator[Case]:
        conn = _connect(self.db.path)
        try:
            last = ""
            while True:
                rows = conn.execute("SELECT key, body FROM cases WHERE key > ? ORDER BY key "
                                    "LIMIT ?", (last, batch)).fetchall()
                if not rows:
                    return
                for _key, body in rows:
                    yield decode_case(body)
                last = rows[-1][0]
        finally:
            conn.close()

    async def events_after(self, seq: int, limit: int = 500) -> list[StoredEvent]:
        return [StoredEvent(int(row_seq), str(key), decode_event(body))
                for row_seq, key, body in self.db.reader.execute(
                    "SELECT seq, case_key, body FROM case_events WHERE seq > ? ORDER BY seq "
                    "LIMIT ?", (seq, limit))]

    def iter_active(self, day: date | None = None, batch: int = 1000) -> Iterator[Case]:
        conn = _connect(self.db.path)
        try:
            open_sql = ("SELECT key, body FROM cases INDEXED BY cases_open WHERE stage NOT IN "
                        "('concluded', 'rejected', 'withdrawn') AND key > ? ORDER BY key LIMIT ?")
            last = ""
            while rows := conn.execute(open_sql, (last, batch)).fetchall():
                for _key, body in rows:
                    yield decode_case(body)
                last = rows[-1][0]
            if day is not None:
                for (body,) in conn.execute("SELECT body FROM cases WHERE concluded_on=?",
                                            (day.isoformat(),)):
                    yield decode_case(body)
        finally:
            conn.close()


class SqliteGuideStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Decoded guides by id with their version: decoding dominates a guide read, and the
        # version column tells whether a cached one is still current (any process may write).
        self._decoded: dict[str, Guide] = {}

    def get_sync(self, guide_id: str) -> Guide | None:
        row = self.db.reader.execute(
            "SELECT version FROM guides WHERE id=? AND removed=0", (guide_id,)).fetchone()
        if row is None:
            return None
        cached = self._decoded.get(guide_id)
        if cached is not None and cached.version == row[0]:
            return cached
        body = self.db.reader.execute("SELECT body FROM guides WHERE id=?",
                                      (guide_id,)).fetchone()
        if body is None:
            return None
        guide = guide_from_dict(orjson.loads(body[0]))
        if len(self._decoded) >= 5000:  # bounded: a hall has hundreds; benchmarks 20,000
            self._decoded.clear()
        self._decoded[guide_id] = guide
        return guide

    async def get(self, guide_id: str) -> Guide | None:
        return self.get_sync(guide_id)

    def ids_sync(self) -> list[str]:
        return [str(r[0]) for r in self.db.reader.execute(
            "SELECT id FROM guides WHERE removed=0 ORDER BY id")]

    @staticmethod
    def _put(conn: sqlite3.Connection, guide: Guide, at: datetime) -> Guide:
        row = conn.execute("SELECT MAX(version) FROM guide_versions WHERE id=?",
                           (guide.id,)).fetchone()
        stored = with_version(guide, int(row[0] or 0) + 1, at)
        body = orjson.dumps(guide_to_dict(stored))
        conn.execute("INSERT INTO guide_versions(id, version, updated_at, body) "
                     "VALUES (?, ?, ?, ?)", (stored.id, stored.version, at.isoformat(), body))
        conn.execute(
            "INSERT INTO guides(id, version, department, title, removed, updated_at, body) "
            "VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "version=excluded.version, department=excluded.department, title=excluded.title,"
            " removed=0, updated_at=excluded.updated_at, body=excluded.body",
            (stored.id, stored.version, stored.department, stored.title, at.isoformat(), body))
        return stored

    def put_sync(self, guide: Guide, at: datetime) -> Guide:
        return self.db.write_sync(lambda conn: self._put(conn, guide, at))

    async def put(self, guide: Guide, at: datetime) -> Guide:
        return await self.db.write(lambda conn: self._put(conn, guide, at))

    async def remove(self, guide_id: str, at: datetime) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("UPDATE guides SET removed=1, updated_at=? WHERE id=? AND "
                                  "removed=0", (at.isoformat(), guide_id))
            return cursor.rowcount > 0
        return await self.db.write(work)

    async def history(self, guide_id: str) -> list[Guide]:
        return [guide_from_dict(orjson.loads(r[0])) for r in self.db.reader.execute(
            "SELECT body FROM guide_versions WHERE id=? ORDER BY version", (guide_id,))]

    async def list_guides(self, department: str | None = None, life_event: str | None = None
                   ) -> list[Guide]:
        sql, params = "SELECT body FROM guides WHERE removed=0", []
        if department:
            sql += " AND department=?"
            params.append(department)
        guides = [guide_from_dict(orjson.loads(r[0])) for r in
                  self.db.reader.execute(sql + " ORDER BY id", params)]
        if life_event:
            guides = [g for g in guides if life_event in g.life_events]
        return guides

    async def departments(self) -> list[tuple[str, int]]:
        return [(str(d), int(n)) for d, n in self.db.reader.execute(
            "SELECT department, COUNT(*) FROM guides WHERE removed=0 GROUP BY department "
            "ORDER BY department")]

    def iter_all(self) -> Iterator[Guide]:
        conn = _connect(self.db.path)
        try:
            for (body,) in conn.execute("SELECT body FROM guides WHERE removed=0 ORDER BY id"):
                yield guide_from_dict(orjson.loads(body))
        finally:
            conn.close()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_ID_CHARS = 12  # a token's id: the start of its hash (never the token itself)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    department: str
    label: str
    created_at: str
    revoked_at: str | None


class SqliteTokenStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _create(conn: sqlite3.Connection, department: str, at: datetime, label: str) -> str:
        token = "cl_" + secrets.token_urlsafe(32)
        conn.execute(
            "INSERT INTO tokens(hash, department, label, created_at) VALUES (?, ?, ?, ?)",
            (hash_token(token), department, label, at.isoformat()))
        return token

    def create_sync(self, department: str, at: datetime, label: str = "") -> str:
        return self.db.write_sync(lambda conn: self._create(conn, department, at, label))

    async def create(self, department: str, at: datetime, label: str = "") -> str:
        return await self.db.write(lambda conn: self._create(conn, department, at, label))

    async def department_of(self, token: str) -> str | None:
        row = self.db.reader.execute(
            "SELECT department FROM tokens WHERE hash=? AND revoked_at IS NULL",
            (hash_token(token),)).fetchone()
        return None if row is None else str(row[0])

    def list_sync(self) -> list[TokenInfo]:
        """Every token, newest first, by the id operators name it with (no secret)."""
        return [TokenInfo(str(h)[:TOKEN_ID_CHARS], str(d), str(label), str(created),
                          None if revoked is None else str(revoked))
                for h, d, label, created, revoked in self.db.reader.execute(
                    "SELECT hash, department, label, created_at, revoked_at FROM tokens "
                    "ORDER BY created_at DESC")]

    def revoke_sync(self, token_or_id: str, at: datetime) -> list[TokenInfo]:
        """Revoke the token given whole, or by its id (a unique hash prefix from `list`);
        returns what was revoked (nothing when unknown, ambiguous or already revoked)."""
        value = token_or_id.strip()
        if value.startswith("cl_"):
            matches = [t for t in self.list_sync() if hash_token(value).startswith(t.id)]
        elif len(value) >= 6 and all(c in "0123456789abcdef" for c in value):
            matches = [t for t in self.list_sync() if t.id.startswith(value[:TOKEN_ID_CHARS])]
        else:
            matches = []
        if len(matches) != 1 or matches[0].revoked_at is not None:
            return []
        prefix = matches[0].id
        self.db.write_sync(lambda conn: conn.execute(
            "UPDATE tokens SET revoked_at=? WHERE substr(hash, 1, ?)=? AND revoked_at IS NULL",
            (at.isoformat(), TOKEN_ID_CHARS, prefix)))
        return matches


class SqliteAuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, disclosure: Disclosure) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO audit(at, case_key, channel, sender, reason) VALUES (?, ?, ?, ?, ?)",
            (disclosure.at.isoformat(), disclosure.case_no, disclosure.channel,
             disclosure.sender, disclosure.reason)))

    async def recent(self, case_no: str, limit: int = 50) -> list[Disclosure]:
        return [Disclosure(datetime.fromisoformat(at), key, channel, sender, reason)
                for at, key, channel, sender, reason in self.db.reader.execute(
                    "SELECT at, case_key, channel, sender, reason FROM audit WHERE case_key=? "
                    "ORDER BY id DESC LIMIT ?", (case_no, limit))]


class SqliteCodeAttempts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_failure(self, key: str, at: datetime) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO code_failures(case_key, at) VALUES (?, ?)",
            (key, at.astimezone(SHANGHAI).isoformat())))

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        # ISO strings of one offset (+08:00 from the clock) sort chronologically.
        return [datetime.fromisoformat(r[0]) for r in self.db.reader.execute(
            "SELECT at FROM code_failures WHERE case_key=? AND at>=? ORDER BY at",
            (key, since.astimezone(SHANGHAI).isoformat()))]
