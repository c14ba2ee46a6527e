"""Inbound SMS de-duplication and opt-outs: answered from memory, recorded in SQLite.

A database read per inbound message cost more than the rest of the reply, so each process
answers "have we had this message?" and "has this number opted out?" from memory. The
table stays the record: new messages are written in group commits, and a process catches
up with what other processes recorded, and with opt-out changes, before it answers once
`SYNC_SECONDS` have passed since it last did (so an idle process is always current).

Within one process a repeat is never answered twice. Across processes sharing the file, a
repeat that reaches a second process within about `SYNC_SECONDS` of the first can be; a
crash loses at most the last `COMMIT_SECONDS` of records.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import orjson

from civicline.notify.ports import Inbound
from civicline.storage.sqlite import Database

log = logging.getLogger("civicline.sms.inbound")

SYNC_SECONDS = 0.5
COMMIT_SECONDS = 0.02  # records wait this long to share one commit
RECENT_MAX = 50_000  # message ids, and (number, text) pairs, kept in memory
LOAD_SECONDS = 24 * 3600.0  # how far back a starting process loads the record

# One statement per commit, the rows as a JSON array: executemany re-takes the GIL per
# row, and each take waits for the event loop's thread to let go of it.
_INSERT = ("INSERT INTO sms_inbound(provider_message_id, phone, text_hash, at, origin) "
           "SELECT value->>0, value->>1, value->>2, value->>3, ?2 FROM json_each(?1)")
_HEAD = ("SELECT (SELECT COALESCE(MAX(id), 0) FROM sms_inbound), "
         "(SELECT n FROM sms_opt_out_changes WHERE id = 1)")
_OTHERS_SINCE = ("SELECT provider_message_id, phone, text_hash, at FROM sms_inbound "
                 "WHERE id > ? AND id <= ? AND origin != ? ORDER BY id")
# Newest first by id (ids follow time); the caller stops at the first row too old.
_LOAD_RECENT = ("SELECT provider_message_id, phone, text_hash, at FROM sms_inbound "
                "WHERE id <= ? ORDER BY id DESC LIMIT ?")

_FIRST, _FIRST_OPTED_OUT = Inbound(True, False), Inbound(True, True)
_REPEAT, _REPEAT_OPTED_OUT = Inbound(False, False), Inbound(False, True)

_K = TypeVar("_K", bound=Hashable)
_Row = tuple[str, str, str, float]


def _remember(recent: OrderedDict[_K, float], key: _K, at: float) -> None:
    # Ordered dicts: evicting the oldest key of a plain dict walks the slots of every key
    # evicted before it.
    if recent.setdefault(key, at) is not at:  # known already: now the newest
        recent[key] = at
        recent.move_to_end(key)
    if len(recent) > RECENT_MAX:
        recent.popitem(last=False)


class InboundLedger:
    """This process's view of recent inbound messages and of the numbers that opted out."""

    def __init__(self, db: Database, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        # Tells our rows from other processes' rows (an integer: it is stored on every row).
        self.origin = secrets.randbits(62) + 1
        self._monotonic = monotonic
        self._ids: OrderedDict[str, float] = OrderedDict()
        # Keyed "number text-hash": one string per message, not a tuple holding two.
        self._texts: OrderedDict[str, float] = OrderedDict()
        self._opted_out: set[str] = set()
        self._last_id: int | None = None  # the newest row seen; None until loaded
        self._opt_out_changes = -1
        self._synced_at = -math.inf
        self._pending: list[_Row] = []
        self._commit: asyncio.Task[None] | None = None

    def record(self, provider_message_id: str, phone: str, text_hash: str, now: float,
               window_seconds: float) -> Inbound:
        """Record a message unless it repeats one (same provider id, or the same text from
        the number within `window_seconds`; 0 turns that off), and tell whether its number
        had opted out."""
        if self._monotonic() - self._synced_at >= SYNC_SECONDS:
            self.sync(now)
        opted_out = phone in self._opted_out
        text_key = f"{phone} {text_hash}"
        last = self._texts.get(text_key)
        if (provider_message_id and provider_message_id in self._ids) or (
                window_seconds > 0 and last is not None and last >= now - window_seconds):
            return _REPEAT_OPTED_OUT if opted_out else _REPEAT
        self._remember_keys(provider_message_id, text_key, now)
        self._pending.append((provider_message_id, phone, text_hash, now))
        if self._commit is None:
            self._commit = asyncio.create_task(self._write())
        return _FIRST_OPTED_OUT if opted_out else _FIRST

    def note_opt_out(self, phone: str, opted_out: bool) -> None:
        """This process changed the number's opt-out (already committed)."""
        if opted_out:
            self._opted_out.add(phone)
        else:
            self._opted_out.discard(phone)

    def sync(self, now: float) -> None:
        """Catch up with the record: other processes' messages and opt-out changes."""
        reader = self.db.reader
        # The newest id first: rows are committed in id order (one writer at a time), so
        # every row up to it is visible to the reads that follow.
        last_id, opt_out_changes = reader.execute(_HEAD).fetchone()
        if self._last_id is None:
            since = now - LOAD_SECONDS
            recent = itertools.takewhile(lambda row: row[3] >= since, reader.execute(
                _LOAD_RECENT, (last_id, RECENT_MAX)))
            for row in reversed(list(recent)):
                self._remember(row)
        elif last_id > self._last_id:
            for row in reader.execute(_OTHERS_SINCE, (self._last_id, last_id, self.origin)):
                self._remember(row)
        self._last_id = last_id
        if opt_out_changes != self._opt_out_changes:
            self._opted_out = {str(r[0]) for r in reader.execute("SELECT phone FROM sms_opt_outs")}
            self._opt_out_changes = opt_out_changes
        self._synced_at = self._monotonic()

    def _remember(self, row: _Row) -> None:
        provider_message_id, phone, text_hash, at = row
        self._remember_keys(provider_message_id, f"{phone} {text_hash}", at)

    def _remember_keys(self, provider_message_id: str, text_key: str, at: float) -> None:
        if provider_message_id:
            _remember(self._ids, provider_message_id, at)
        _remember(self._texts, text_key, at)

    async def _write(self) -> None:
        """Write pending records in group commits: what arrives within COMMIT_SECONDS goes
        in one transaction (a commit per SMS kept the writer busier than the replies)."""
        try:
            while self._pending:
                await asyncio.sleep(COMMIT_SECONDS)
                rows, self._pending = self._pending, []
                try:
                    payload = orjson.dumps(rows).decode()

                    def insert(conn: sqlite3.Connection, payload: str = payload
                               ) -> tuple[int, int]:
                        cursor = conn.execute(_INSERT, (payload, self.origin))
                        last = int(cursor.lastrowid or 0)
                        return last - cursor.rowcount + 1, last
                    self._skip_own(*await self.db.write(insert))
                except Exception:
                    # Memory still de-duplicates in this process; the record is best effort.
                    log.exception("sms_inbound_record_failed", extra={"rows": len(rows)})
        finally:
            self._commit = None

    def _skip_own(self, first: int, last: int) -> None:
        """Our rows just got ids first..last (one statement: consecutive). When they follow
        the last row seen, no sync needs to read them back; alone on the file (the usual
        embedded case) a sync then reads nothing at all."""
        if self._last_id is not None and first == self._last_id + 1:
            self._last_id = last

    async def flush(self) -> None:
        """Wait until pending records are written (tests, shutdown)."""
        while self._commit is not None:
            await asyncio.shield(self._commit)
