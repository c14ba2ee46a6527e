"""The notification outbox in the embedded SQLite file.

Every send is guarded by a conditional state change (queued → sending with a claim token,
inside a BEGIN IMMEDIATE transaction), so two workers, or a restarted one, never claim the
same message; results are written only under the claim that sent them.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from civicline.notify.model import (
    FINAL_STATES,
    ContactPoint,
    NewMessage,
    OutboxMessage,
    Outcome,
    OutcomeKind,
    ReceiptStatus,
    State,
)
from civicline.storage.sqlite import Database

_COLUMNS = ("id, dedupe_key, channel, address, template, version, variables, body, purpose, "
            "priority, state, provider, provider_id, attempts, cost, next_attempt_at, "
            "created_at, updated_at, sent_at, last_error, claim")


# A lane's due messages (one priority at a time) and a daily-cap count: both every send.
DUE = ("SELECT id FROM outbox WHERE channel=? AND state='queued' AND priority IN ({marks}) "
       "AND next_attempt_at <= ? ORDER BY priority, next_attempt_at, id LIMIT ?")
SENT_TODAY = ("SELECT COUNT(*) FROM outbox WHERE channel=? AND address=? AND template=? AND "
              "sent_day=?")


def _message(row: Sequence[Any]) -> OutboxMessage:
    return OutboxMessage(
        id=int(row[0]), dedupe_key=row[1], to=ContactPoint(row[2], row[3]), template=row[4],
        version=int(row[5]), variables=orjson.loads(row[6]), body=row[7], purpose=row[8],
        priority=int(row[9]), state=State(row[10]), provider=row[11], provider_id=row[12],
        attempts=int(row[13]), cost=int(row[14]), next_attempt_at=row[15],
        created_at=float(row[16]), updated_at=float(row[17]), sent_at=row[18],
        last_error=row[19], claim=row[20])


log = logging.getLogger("civicline.outbox")


class SqliteOutbox:
    """The outbox and the notifier's cursor."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- queueing ----------------------------------------------------------------------------

    async def enqueue(self, messages: Sequence[NewMessage], now: float) -> list[int | None]:
        """Insert new messages; a dedupe key already present gives None (nothing queued)."""
        def work(conn: sqlite3.Connection) -> list[int | None]:
            ids: list[int | None] = []
            for m in messages:
                cursor = conn.execute(
                    "INSERT INTO outbox(dedupe_key, channel, address, template, version, "
                    "variables, body, purpose, priority, state, next_attempt_at, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) "
                    "ON CONFLICT(dedupe_key) DO NOTHING",
                    (m.dedupe_key, m.to.channel, m.to.address, m.template, m.version,
                     orjson.dumps(m.variables).decode(), m.body, m.purpose, m.priority,
                     m.not_before if m.not_before is not None else now, now, now))
                ids.append(cursor.lastrowid if cursor.rowcount else None)
            return ids
        return await self.db.write(work)

    async def claim(self, channel: str, priorities: Sequence[int], now: float, limit: int,
                    claim: str) -> list[OutboxMessage]:
        """Move up to `limit` of `channel`'s due queued messages to sending under `claim`, in
        priority order."""
        marks = ",".join("?" * len(priorities))

        def work(conn: sqlite3.Connection) -> list[OutboxMessage]:
            rows = conn.execute(
                f"UPDATE outbox SET state='sending', claim=?, claimed_at=?, updated_at=? "  # noqa: S608 -- placeholders only
                f"WHERE id IN ({DUE.format(marks=marks)}) AND state='queued' "
                f"RETURNING {_COLUMNS}",
                (claim, now, now, channel, *priorities, now, limit)).fetchall()
            return sorted((_message(r) for r in rows), key=lambda m: (m.priority, m.id))
        return await self.db.write(work)

    async def finish(self, outcomes: Iterable[Outcome], now: float) -> int:
        """Record send results, each only under the claim that made it; returns rows changed."""
        batch = list(outcomes)

        def work(conn: sqlite3.Connection) -> int:
            changed = 0
            for o in batch:
                attempts = 1 if o.attempted else 0
                if o.kind is OutcomeKind.SENT:
                    # A receipt may already have moved it on; keep that state.
                    cursor = conn.execute(
                        "UPDATE outbox SET state=CASE WHEN state='sending' THEN 'sent' "
                        "ELSE state END, provider=?, provider_id=?, cost=?, sent_at=?, "
                        "sent_day=?, attempts=attempts+1, updated_at=?, claim='', "
                        "last_error='' WHERE id=? AND claim=?",
                        (o.provider, o.provider_id, o.cost, now, o.sent_day, now,
                         o.message_id, o.claim))
                else:
                    state = {OutcomeKind.RETRY: State.QUEUED, OutcomeKind.DEFER: State.QUEUED,
                             OutcomeKind.UNKNOWN: State.UNKNOWN,
                             OutcomeKind.PERMANENT: State.UNDELIVERABLE,
                             OutcomeKind.GAVE_UP: State.FAILED}[o.kind]
                    cursor = conn.execute(
                        "UPDATE outbox SET state=?, provider=CASE WHEN ?='' THEN provider "
                        "ELSE ? END, next_attempt_at=?, last_error=?, attempts=attempts+?, "
                        "updated_at=?, claim='' WHERE id=? AND claim=? AND state='sending'",
                        (state.value, o.provider, o.provider, o.next_attempt_at, o.error,
                         attempts, now, o.message_id, o.claim))
                changed += cursor.rowcount
            return changed
        return await self.db.write(work)

    # -- receipts and sweeping ---------------------------------------------------------------

    async def apply_receipt(self, message_id: int | None, provider: str, provider_id: str,
                            status: ReceiptStatus, error: str, now: float,
                            retry_at: float | None) -> bool:
        """Apply a delivery receipt by our id (preferred) or the provider's; False if unknown.

        Final states never move back, so a receipt that arrives twice changes nothing; one
        that arrives before the send's provider id is stored still finds the message by id.
        """
        def work(conn: sqlite3.Connection) -> bool:
            if message_id is not None:
                row = conn.execute("SELECT id, state FROM outbox WHERE id=?",
                                   (message_id,)).fetchone()
            else:
                row = conn.execute("SELECT id, state FROM outbox WHERE provider=? AND "
                                   "provider_id=?", (provider, provider_id)).fetchone()
            if row is None:
                return False
            state = State(row[1])
            if state in FINAL_STATES or status is ReceiptStatus.ACCEPTED:
                return True
            if status is ReceiptStatus.DELIVERED:
                new, next_at = State.DELIVERED, None
            elif status is ReceiptStatus.PERMANENT:
                new, next_at = State.UNDELIVERABLE, None
            elif retry_at is None:
                new, next_at = State.FAILED, None
            else:
                new, next_at = State.QUEUED, retry_at
            if state is State.SENDING and new is State.QUEUED:
                return True  # the send is still being recorded; it will retry by itself
            conn.execute(
                "UPDATE outbox SET state=?, next_attempt_at=COALESCE(?, next_attempt_at), "
                "last_error=CASE WHEN ?='' THEN last_error ELSE ? END, updated_at=?, "
                "provider_id=CASE WHEN provider_id='' THEN ? ELSE provider_id END "
                "WHERE id=?", (new.value, next_at, error, error, now, provider_id, row[0]))
            return True
        return await self.db.write(work)

    async def sweep(self, now: float, stuck_before: float, receipt_before: float
                    ) -> dict[str, int]:
        """Re-queue stuck sends and due unknowns; end receipt-less sends as unknown."""
        def work(conn: sqlite3.Connection) -> dict[str, int]:
            stuck = conn.execute(
                "UPDATE outbox SET state='queued', claim='', next_attempt_at=?, updated_at=?, "
                "last_error='requeued: stuck in sending' WHERE state='sending' AND "
                "claimed_at < ?", (now, now, stuck_before)).rowcount
            unknown = conn.execute(
                "UPDATE outbox SET state='queued', updated_at=? WHERE state='unknown' AND "
                "next_attempt_at IS NOT NULL AND next_attempt_at <= ?", (now, now)).rowcount
            expired = conn.execute(
                "UPDATE outbox SET state='unknown', next_attempt_at=NULL, updated_at=?, "
                "last_error='no receipt' WHERE state='sent' AND sent_at < ?",
                (now, receipt_before)).rowcount
            return {"stuck": stuck, "unknown_retried": unknown, "receipt_timeout": expired}
        return await self.db.write(work)

    # -- reading (operators, caps) -----------------------------------------------------------

    def get(self, message_id: int) -> OutboxMessage | None:
        row = self.db.reader.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id=?",  # noqa: S608 -- constant columns
                                     (message_id,)).fetchone()
        return None if row is None else _message(row)

    def recent(self, state: str | None = None, limit: int = 50) -> list[OutboxMessage]:
        sql = f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608 -- constant columns
        params: list[Any] = []
        if state:
            sql += " WHERE state=?"
            params.append(state)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_message(r) for r in self.db.reader.execute(sql, params)]

    def counts(self) -> dict[str, int]:
        return {str(s): int(n) for s, n in self.db.reader.execute(
            "SELECT state, COUNT(*) FROM outbox GROUP BY state")}

    def sent_today(self, channel: str, address: str, template: str, day: str) -> int:
        return int(self.db.reader.execute(SENT_TODAY, (channel, address, template, day)
                                          ).fetchone()[0])

    async def retry(self, message_id: int, now: float) -> bool:
        """Operator retry: a failed, undeliverable or unknown message goes back to queued."""
        def work(conn: sqlite3.Connection) -> bool:
            return conn.execute(
                "UPDATE outbox SET state='queued', next_attempt_at=?, updated_at=?, claim='' "
                "WHERE id=? AND state IN ('failed', 'undeliverable', 'unknown')",
                (now, now, message_id)).rowcount > 0
        return await self.db.write(work)

    # -- the notifier's cursor ---------------------------------------------------------------

    def cursor(self, name: str) -> int:
        row = self.db.reader.execute("SELECT seq FROM notify_cursor WHERE name=?",
                                     (name,)).fetchone()
        return 0 if row is None else int(row[0])

    async def save_cursor(self, name: str, seq: int) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO notify_cursor(name, seq) VALUES (?, ?) ON CONFLICT(name) DO UPDATE "
            "SET seq=MAX(seq, excluded.seq)", (name, seq)))

    def latest_event_seq(self) -> int:
        return int(self.db.reader.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM case_events").fetchone()[0])
