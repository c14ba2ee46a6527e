"""The queue's tickets and calls in the embedded SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from civicline.core.queue import Call
from civicline.storage.sqlite import Database


def _call(row: tuple[int, str, str, str, str, int]) -> Call:
    return Call(int(row[0]), row[1], row[2], row[3], datetime.fromisoformat(row[4]),
                bool(row[5]))


_CALL_COLUMNS = "id, ticket, window, service, called_at, recall"


class SqliteQueueStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_ticket(self, day: date, category: str, issued_at: datetime) -> tuple[str, int]:
        def work(conn: sqlite3.Connection) -> tuple[str, int]:
            seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM queue_tickets "
                                   "WHERE day=? AND category=?",
                                   (day.isoformat(), category)).fetchone()[0])
            number = f"{category}{seq:03d}"
            conn.execute("INSERT INTO queue_tickets(day, number, category, seq, issued_at) "
                         "VALUES (?, ?, ?, ?, ?)",
                         (day.isoformat(), number, category, seq, issued_at.isoformat()))
            ahead = int(conn.execute("SELECT COUNT(*) FROM queue_tickets WHERE day=? AND "
                                     "category=? AND called_at IS NULL AND seq < ?",
                                     (day.isoformat(), category, seq)).fetchone()[0])
            return number, ahead
        return await self.db.write(work)

    async def next_waiting(self, day: date, categories: list[str], window: str,
                           called_at: datetime) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            marks = ",".join("?" * len(categories))
            row = conn.execute(
                f"SELECT number FROM queue_tickets WHERE day=? AND category IN ({marks}) "  # noqa: S608 -- placeholders only
                "AND called_at IS NULL ORDER BY issued_at, seq LIMIT 1",
                (day.isoformat(), *categories)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE queue_tickets SET called_at=?, window=? WHERE day=? AND "
                         "number=?", (called_at.isoformat(), window, day.isoformat(), row[0]))
            return str(row[0])
        return await self.db.write(work)

    async def add_call(self, day: date, ticket: str, window: str, service: str,
                       called_at: datetime, source: str) -> Call:
        def work(conn: sqlite3.Connection) -> Call:
            recall = conn.execute("SELECT 1 FROM queue_calls WHERE day=? AND ticket=? LIMIT 1",
                                  (day.isoformat(), ticket)).fetchone() is not None
            cursor = conn.execute(
                "INSERT INTO queue_calls(day, ticket, window, service, called_at, recall, "
                "source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), ticket, window, service, called_at.isoformat(), int(recall),
                 source))
            # A call reported by an external queue system also ends that ticket's wait here.
            conn.execute("UPDATE queue_tickets SET called_at=COALESCE(called_at, ?), "
                         "window=COALESCE(window, ?) WHERE day=? AND number=?",
                         (called_at.isoformat(), window, day.isoformat(), ticket))
            return Call(int(cursor.lastrowid or 0), ticket, window, service, called_at, recall)
        return await self.db.write(work)

    async def last_call_of_window(self, day: date, window: str) -> Call | None:
        row = self.db.reader.execute(
            f"SELECT {_CALL_COLUMNS} FROM queue_calls WHERE day=? AND window=? "  # noqa: S608 -- constant columns
            "ORDER BY id DESC LIMIT 1", (day.isoformat(), window)).fetchone()
        return None if row is None else _call(row)

    async def calls_after(self, day: date, after_id: int, limit: int = 100) -> list[Call]:
        return [_call(r) for r in self.db.reader.execute(
            f"SELECT {_CALL_COLUMNS} FROM queue_calls WHERE day=? AND id>? ORDER BY id "  # noqa: S608 -- constant columns
            "LIMIT ?", (day.isoformat(), after_id, limit))]

    async def recent_calls(self, day: date, limit: int) -> list[Call]:
        rows = self.db.reader.execute(
            f"SELECT {_CALL_COLUMNS} FROM queue_calls WHERE day=? ORDER BY id DESC LIMIT ?",  # noqa: S608 -- constant columns
            (day.isoformat(), limit)).fetchall()
        return [_call(r) for r in rows]

    async def waiting_counts(self, day: date) -> dict[str, int]:
        return {str(c): int(n) for c, n in self.db.reader.execute(
            "SELECT category, COUNT(*) FROM queue_tickets WHERE day=? AND called_at IS NULL "
            "GROUP BY category", (day.isoformat(),))}
