"""The SMS channel's own state in the embedded SQLite file: opt-outs, subscriptions,
pick-a-number conversations and the inbound record (implements `civicline.sms.state`)."""

from __future__ import annotations

import sqlite3

import orjson

from civicline.storage.sqlite import Database

OPTED_OUT = "SELECT 1 FROM sms_opt_outs WHERE phone=?"
INBOUND_KEPT_SECONDS = 7 * 86400

# Insert-if-absent, one statement per inbound message (?1 provider id, ?2 number, ?3 text
# hash, ?4 now, ?5 window seconds; 0 compares no texts). Exactly once across processes:
# - the same provider id: the partial unique index sms_inbound_message refuses the second
#   row on any database and under any isolation (ON CONFLICT DO NOTHING: no row, rowcount 0);
# - the same text from the number within the window: the NOT EXISTS read and the insert run
#   in one write transaction, and SQLite has one writer at a time (BEGIN IMMEDIATE), so no
#   other process can insert between them. (PostgreSQL, later: the same statement under a
#   transaction-scoped advisory lock on the number, or SERIALIZABLE.)
# rowcount 1 means this call recorded it first, and only that caller replies.
RECORD_INBOUND = (
    "INSERT INTO sms_inbound(provider_message_id, phone, text_hash, at) "
    "SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS ("
    "SELECT 1 FROM sms_inbound WHERE ?5 > 0 AND phone = ?2 AND text_hash = ?3 "
    "AND at >= ?4 - ?5) "
    "ON CONFLICT DO NOTHING")
# Everything below the oldest row still kept: ids follow time, and no index leads with the
# time, so this reads only the rows it deletes.
PRUNE_INBOUND = ("DELETE FROM sms_inbound WHERE id < COALESCE("
                 "(SELECT id FROM sms_inbound WHERE at >= ?1 ORDER BY id LIMIT 1), "
                 "(SELECT MAX(id) + 1 FROM sms_inbound))")


class SqliteSmsState:
    """Opt-outs, subscriptions and conversation state of SMS numbers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- opt-outs and subscriptions ----------------------------------------------------------

    async def opt_out(self, phone: str, source: str, now: float) -> bool:
        """Record an opt-out; False when the number had already opted out."""
        def work(conn: sqlite3.Connection) -> bool:
            return conn.execute("INSERT INTO sms_opt_outs(phone, source, at) VALUES (?, ?, ?) "
                                "ON CONFLICT(phone) DO NOTHING", (phone, source, now)
                                ).rowcount > 0
        return await self.db.write(work)

    async def opt_in(self, phone: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            return conn.execute("DELETE FROM sms_opt_outs WHERE phone=?", (phone,)).rowcount > 0
        return await self.db.write(work)

    def is_opted_out(self, phone: str) -> bool:
        return self.db.reader.execute(OPTED_OUT, (phone,)).fetchone() is not None

    async def subscribe(self, phone: str, case_key: str, now: float) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO sms_subscriptions(phone, case_key, at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING", (phone, case_key, now)))

    async def unsubscribe_all(self, phone: str) -> int:
        def work(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM sms_subscriptions WHERE phone=?", (phone,)).rowcount
        return await self.db.write(work)

    def subscribers(self, case_key: str) -> list[str]:
        return [str(r[0]) for r in self.db.reader.execute(
            "SELECT phone FROM sms_subscriptions WHERE case_key=? ORDER BY phone", (case_key,))]

    # -- conversation state ------------------------------------------------------------------

    async def set_choices(self, phone: str, choices: list[str], expires_at: float) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO sms_conversations(phone, choices, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(phone) DO UPDATE SET choices=excluded.choices, "
            "expires_at=excluded.expires_at", (phone, orjson.dumps(choices).decode(), expires_at)))

    def choices(self, phone: str, now: float) -> list[str]:
        row = self.db.reader.execute("SELECT choices, expires_at FROM sms_conversations "
                                     "WHERE phone=?", (phone,)).fetchone()
        if row is None or float(row[1]) < now:
            return []
        return [str(c) for c in orjson.loads(row[0])]

    async def record_inbound(self, provider_message_id: str, phone: str, text_hash: str,
                             now: float, window_seconds: float) -> bool:
        """Record an inbound message unless it repeats one; True when this call recorded it
        (see RECORD_INBOUND)."""
        params = (provider_message_id, phone, text_hash, now, window_seconds)
        def work(conn: sqlite3.Connection) -> bool:
            return conn.execute(RECORD_INBOUND, params).rowcount > 0
        return await self.db.write(work)

    async def prune(self, now: float) -> None:
        """Forget inbound records older than a week."""
        await self.db.write(lambda c: c.execute(PRUNE_INBOUND, (now - INBOUND_KEPT_SECONDS,)))
