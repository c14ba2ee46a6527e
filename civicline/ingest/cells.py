"""Spreadsheet cell values to wire values: Excel numbers, dates and Chinese labels."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from civicline.core.events import SHANGHAI
from civicline.ingest.columns import header_key

LIST_SPLIT_RE = re.compile(r"[；;、\n]")
SEMICOLON_RE = re.compile(r"[；;]")
_LINES_RE = re.compile(r"\r?\n")
# 2024/5/1 9:30 and 2024-5-1 — how Excel writes dates into CSV in a Chinese locale
_LOOSE_TIME_RE = re.compile(
    r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_BREAKS_RE = re.compile(r"[\r\n\t]+")
_DAYS_RE = re.compile(r"^(\d+)\s*(?:个)?\s*(?:工作日|自然日|日|天)?$")


def text(value: object) -> str | None:
    """A cell as text; None when empty. Integral numbers lose Excel's `.0` (phone numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date | time):
        value = value.isoformat()
    result = str(value).strip()
    return result or None


def one_line(value: object) -> str | None:
    """Text with Excel's in-cell line breaks (Alt+Enter) and tabs turned into spaces."""
    raw = text(value)
    return None if raw is None else _BREAKS_RE.sub(" ", raw)


def timestamp(value: object) -> object:
    """A real Excel date cell or a loose date string as ISO 8601; other values pass unchanged."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return aware.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI).isoformat()
    raw = text(value)
    if raw is None:
        return None
    match = _LOOSE_TIME_RE.match(raw)
    if match is None:
        return raw
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI).isoformat()
    except ValueError:
        return raw  # an impossible date: let the validator name it


def label(value: object, table: dict[str, Any]) -> object:
    """A value looked up in a label table (wire name or Chinese); unknown text passes unchanged."""
    raw = text(value)
    if raw is None:
        return None
    return table.get(header_key(raw), raw)


def flag(value: object, table: dict[str, bool]) -> object:
    if isinstance(value, bool):
        return value
    return label(value, table)


def day_count(value: object) -> object:
    """`15`, `15.0`, `15个工作日` -> 15; anything else passes unchanged for the validator."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return None
    match = _DAYS_RE.match(raw)
    return int(match.group(1)) if match else raw


def query_code(value: object) -> object:
    """Excel turns 012345 into the number 12345: zero-pad numeric codes back to 6 digits."""
    raw = text(value)
    if raw is not None and raw.isascii() and raw.isdigit() and len(raw) < 6:
        return raw.zfill(6)
    return raw


def split_list(value: object, separators: re.Pattern[str] = LIST_SPLIT_RE,
               ) -> list[str] | None:
    """Split a list cell into items, dropping blanks."""
    raw = text(value)
    if raw is None:
        return None
    # One item per line wins when the cell has line breaks (as exports write lists), so
    # items may themselves contain ；or 、.
    splitter = _LINES_RE if "\n" in raw else separators
    return [part.strip() for part in splitter.split(raw) if part.strip()]
