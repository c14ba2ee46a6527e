"""Messenger channels' state in the embedded SQLite file (migration 009): implements
civicline.channels.messenger.state.MessengerState."""

from __future__ import annotations

import sqlite3

import orjson

from civicline.storage.sqlite import Database

DELIVERIES_KEPT_SECONDS = 86400.0  # platforms retry within seconds; a day is ample


class SqliteMessengerState:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def first_delivery(self, channel: str, message_id: str, now: float) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            first = conn.execute(
                "INSERT INTO messenger_deliveries(channel, message_id, at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING", (channel, message_id, now)).rowcount > 0
            if first and hash(message_id) % 256 == 0:  # prune now and then, not every time
                conn.execute("DELETE FROM messenger_deliveries WHERE at < ?",
                             (now - DELIVERIES_KEPT_SECONDS,))
            return first
        return await self.db.write(work)

    async def opt_out(self, channel: str, address: str, source: str, now: float) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM messenger_subscriptions WHERE channel=? AND address=?",
                         (channel, address))
            return conn.execute(
                "INSERT INTO messenger_opt_outs(channel, address, source, at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (channel, address, source, now)).rowcount > 0
        return await self.db.write(work)

    async def opt_in(self, channel: str, address: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            return conn.execute("DELETE FROM messenger_opt_outs WHERE channel=? AND address=?",
                                (channel, address)).rowcount > 0
        return await self.db.write(work)

    async def is_opted_out(self, channel: str, address: str) -> bool:
        return self.db.reader.execute(
            "SELECT 1 FROM messenger_opt_outs WHERE channel=? AND address=?",
            (channel, address)).fetchone() is not None

    async def subscribe(self, channel: str, address: str, case_key: str, now: float) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO messenger_subscriptions(channel, case_key, address, at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", (channel, case_key, address, now)))

    async def unsubscribe_all(self, channel: str, address: str) -> int:
        def work(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM messenger_subscriptions WHERE channel=? AND "
                                "address=?", (channel, address)).rowcount
        return await self.db.write(work)

    async def subscribers(self, channel: str, case_key: str) -> list[str]:
        return [str(r[0]) for r in self.db.reader.execute(
            "SELECT address FROM messenger_subscriptions WHERE channel=? AND case_key=? "
            "ORDER BY address", (channel, case_key))]

    async def set_verified_phone(self, channel: str, address: str, phone: str, now: float
                                 ) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO messenger_verified_phones(channel, address, phone, at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET phone=excluded.phone, at=excluded.at",
            (channel, address, phone, now)))

    async def verified_phone(self, channel: str, address: str) -> str | None:
        row = self.db.reader.execute(
            "SELECT phone FROM messenger_verified_phones WHERE channel=? AND address=?",
            (channel, address)).fetchone()
        return None if row is None else str(row[0])

    async def set_choices(self, channel: str, address: str, choices: list[str],
                          expires_at: float) -> None:
        await self.db.write(lambda c: c.execute(
            "INSERT INTO messenger_choices(channel, address, choices, expires_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET choices=excluded.choices, "
            "expires_at=excluded.expires_at",
            (channel, address, orjson.dumps(choices).decode(), expires_at)))

    async def choices(self, channel: str, address: str, now: float) -> list[str]:
        row = self.db.reader.execute(
            "SELECT choices, expires_at FROM messenger_choices WHERE channel=? AND address=?",
            (channel, address)).fetchone()
        if row is None or float(row[1]) < now:
            return []
        return [str(c) for c in orjson.loads(row[0])]
