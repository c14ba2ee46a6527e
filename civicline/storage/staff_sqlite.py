"""The staff directory in the embedded SQLite file (see migration 007)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from civicline.notify.model import ContactPoint
from civicline.notify.recipients import StaffMember
from civicline.storage.sqlite import Database

_SELECT = "SELECT id, department, name, role, phone FROM staff"


@dataclass(frozen=True, slots=True)
class StaffChanges:
    added: int
    updated: int
    unchanged: int


class SqliteStaffDirectory:
    """Staff by department and role, each with their contact points in order."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def put_many(self, members: Sequence[StaffMember], now: float) -> StaffChanges:
        """Add or update members by (department, name); their contact points are replaced."""
        def work(conn: sqlite3.Connection) -> StaffChanges:
            added = updated = unchanged = 0
            for member in members:
                row = conn.execute("SELECT id FROM staff WHERE department=? AND name=?",
                                   (member.department, member.name)).fetchone()
                if row is not None and self._read(conn, int(row[0])) == member:
                    unchanged += 1
                    continue
                staff_id = int(conn.execute(
                    "INSERT INTO staff(department, name, role, phone, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(department, name) DO UPDATE SET "
                    "role=excluded.role, phone=excluded.phone, updated_at=excluded.updated_at "
                    "RETURNING id", (member.department, member.name, member.role, member.phone,
                                     now)).fetchone()[0])
                conn.execute("DELETE FROM staff_contacts WHERE staff_id=?", (staff_id,))
                conn.executemany(
                    "INSERT INTO staff_contacts(staff_id, position, channel, address) "
                    "VALUES (?, ?, ?, ?)",
                    [(staff_id, i, p.channel, p.address) for i, p in enumerate(member.contacts)])
                if row is None:
                    added += 1
                else:
                    updated += 1
            return StaffChanges(added, updated, unchanged)
        return await self.db.write(work)

    def members(self, department: str | None = None, role: str | None = None
                ) -> list[StaffMember]:
        """Members, optionally of one department and role, by department then name."""
        sql, params = _SELECT, []
        where = [(c, v) for c, v in (("department", department), ("role", role)) if v]
        if where:
            sql += " WHERE " + " AND ".join(f"{c}=?" for c, _ in where)
            params = [v for _, v in where]
        rows = self.db.reader.execute(sql + " ORDER BY department, name", params).fetchall()
        return [self._member(self.db.reader, row) for row in rows]

    def find(self, point: ContactPoint) -> list[StaffMember]:
        """Members reachable at `point` (listed, or by their phone on a phone channel)."""
        rows = self.db.reader.execute(
            f"{_SELECT} WHERE id IN (SELECT staff_id FROM staff_contacts WHERE channel=? AND "  # noqa: S608 -- constant columns
            "address=?) OR phone=? ORDER BY department, name",
            (point.channel, point.address, point.address)).fetchall()
        return [m for m in (self._member(self.db.reader, r) for r in rows)
                if point in m.contact_points()]

    def _read(self, conn: sqlite3.Connection, staff_id: int) -> StaffMember:
        row = conn.execute(f"{_SELECT} WHERE id=?", (staff_id,)).fetchone()
        return self._member(conn, row)

    @staticmethod
    def _member(conn: sqlite3.Connection, row: Sequence[object]) -> StaffMember:
        contacts = tuple(ContactPoint(str(c), str(a)) for c, a in conn.execute(
            "SELECT channel, address FROM staff_contacts WHERE staff_id=? ORDER BY position",
            (row[0],)))
        return StaffMember(str(row[1]), str(row[2]), str(row[3]), str(row[4]), contacts)
