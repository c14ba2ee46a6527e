"""`civicline staff import FILE [--dry-run]` and `civicline staff list`: the staff directory."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from civicline.core.masking import mask_phone
from civicline.ingest.report import ImportProblem
from civicline.ingest.staff_files import read_staff
from civicline.notify.recipients import StaffMember
from civicline.services import open_services
from civicline.settings import Settings
from civicline.storage.staff_sqlite import SqliteStaffDirectory


def _read(path: Path) -> tuple[list[StaffMember], int]:
    """The members a file holds and how many errors it has (each printed where it is)."""
    members: list[StaffMember] = []
    errors = 0
    for _, item in read_staff(path):
        if isinstance(item, ImportProblem):
            print(f"{'警告' if item.warning else '错误'}: {item.location}: {item.message}",
                  file=sys.stderr)
            errors += 0 if item.warning else 1
        else:
            members.append(item)
    return members, errors


def staff_import(settings: Settings, path: Path, *, dry_run: bool) -> int:
    """Store the file's good rows (like guide and case imports); report the others.

    Returns 0, 1 when any row had an error, 2 when the file is missing.
    """
    if not path.exists():
        print(f"错误: 找不到文件 {path}", file=sys.stderr)
        return 2
    members, errors = _read(path)
    if dry_run:
        print(f"checked {len(members)} staff from {path}; {errors} error(s)", file=sys.stderr)
        return 1 if errors else 0
    services = open_services(settings, with_search=False)
    try:
        changes = asyncio.run(SqliteStaffDirectory(services.db).put_many(
            members, services.clock().timestamp()))
    finally:
        asyncio.run(services.close())
    print(f"imported {len(members)} staff from {path}: {changes.added} added, "
          f"{changes.updated} updated, {changes.unchanged} unchanged; {errors} error(s)",
          file=sys.stderr)
    return 1 if errors else 0


def staff_list(settings: Settings, department: str | None = None, role: str | None = None
               ) -> int:
    """Members by department (contact points masked)."""
    services = open_services(settings, with_search=False)
    try:
        members = SqliteStaffDirectory(services.db).members(department, role)
    finally:
        asyncio.run(services.close())
    for m in members:
        points = " ".join(p.masked for p in m.contact_points())
        print(f"{m.department}\t{m.name}\t{m.role}\t{mask_phone(m.phone) if m.phone else '-'}"
              f"\t{points}")
    print(f"{len(members)} staff", file=sys.stderr)
    return 0
