"""The working-day calendar: Chinese statutory holidays, adjusted weekends and local overrides.

Precedence for one date: the overrides file, then the `chinese_calendar` package, then plain
Monday–Friday. A year that neither the package nor the overrides file mentions falls back to
Monday–Friday with one warning per calendar; a year the overrides file mentions is taken as
fully described by it (Monday–Friday plus its listed exceptions), so list a year's whole
schedule when you add it.

Answers come from per-year tables built on first use (a flag per day and a sorted list of the
year's working-day ordinals), so lookups are a dict hit plus a bisect.
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import chinese_calendar

from civicline.core.errors import ConfigError

logger = logging.getLogger("civicline.workdays")

# Repo-level config/workdays.toml, used when DeadlineSettings.calendar_file is empty.
DEFAULT_OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "config" / "workdays.toml"

_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = ("holidays", "workdays")


@dataclass(frozen=True, slots=True)
class _Year:
    first_ordinal: int  # ordinal of 1 January
    flags: bytes  # 1 for a working day, indexed by day of year (0-based)
    days: tuple[int, ...]  # ordinals of the year's working days, ascending


class WorkCalendar:
    """Decides working days and counts them; safe to share between threads."""

    def __init__(self, overrides: Path | None = None) -> None:
        """Load the optional overrides TOML file; raises ConfigError naming the bad key/value."""
        self._overrides: dict[date, bool] = {}
        if overrides is not None:
            try:
                text = Path(overrides).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise ConfigError(f"workday calendar file not found: {overrides}") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"workday calendar file {overrides}: unreadable: {exc}") from None
            self._overrides = _parse_overrides(text, str(overrides))
        self._override_years = frozenset(d.year for d in self._overrides)
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_toml_text(cls, text: str, source: str = "<text>") -> WorkCalendar:
        """A calendar from overrides given as TOML text (tests, admin previews)."""
        calendar = cls()
        calendar._overrides = _parse_overrides(text, source)
        calendar._override_years = frozenset(d.year for d in calendar._overrides)
        return calendar

    @classmethod
    def from_config(cls, calendar_file: str = "") -> WorkCalendar:
        """A calendar for DeadlineSettings.calendar_file; empty means config/workdays.toml."""
        if calendar_file:
            return cls(Path(calendar_file))
        return cls(DEFAULT_OVERRIDES_FILE if DEFAULT_OVERRIDES_FILE.is_file() else None)

    def is_workday(self, d: date) -> bool:
        """True when `d` is a working day."""
        year = self._year(d.year)
        return year.flags[d.toordinal() - year.first_ordinal] == 1

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n=0: `start`; n<0: the |n|-th before it)."""
        origin = start.toordinal()
        y = start.year
        year = self._year(y)
        if n > 0:
            idx = bisect_right(year.days, origin)  # first working day after start
            while idx + n > len(year.days):
                n -= len(year.days) - idx
                y += 1
                year = self._year(y)
                idx = 0
            return date.fromordinal(year.days[idx + n - 1])
        if n < 0:
            k = -n
            idx = bisect_left(year.days, origin)  # working days strictly before start
            while idx < k:
                k -= idx
                y -= 1
                year = self._year(y)
                idx = len(year.days)
            return date.fromordinal(year.days[idx - k])
        return start

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]; negative if end < start."""
        if end < start:
            return -self.workdays_between(end, start)
        first = self._year(start.year)
        if start.year == end.year:
            return bisect_right(first.days, end.toordinal()) - bisect_right(
                first.days, start.toordinal()
            )
        count = len(first.days) - bisect_right(first.days, start.toordinal())
        for y in range(start.year + 1, end.year):
            count += len(self._year(y).days)
        return count + bisect_right(self._year(end.year).days, end.toordinal())

    def prepare_years(self, today: date | None = None) -> None:
        """Build the tables for last, this and next year now, not on a citizen's lookup."""
        year = (today or date.today()).year
        for y in (year - 1, year, year + 1):
            self._year(y)

    def _year(self, y: int) -> _Year:
        year = self._years.get(y)
        if year is None:
            with self._lock:
                year = self._years.get(y)
                if year is None:
                    year = self._build_year(y)
                    self._years[y] = year
        return year

    def _build_year(self, y: int) -> _Year:
        first = date(y, 1, 1).toordinal()
        length = date(y, 12, 31).toordinal() - first + 1
        flags = bytearray(length)
        fell_back = False
        for i in range(length):
            d = date.fromordinal(first + i)
            override = self._overrides.get(d)
            if override is not None:
                flags[i] = override
                continue
            try:
                flags[i] = chinese_calendar.is_workday(d)
            except NotImplementedError:
                # The package only knows years the State Council has published.
                fell_back = True
                flags[i] = d.weekday() < 5
        if fell_back and y not in self._override_years:
            logger.warning("workday_calendar_fallback", extra={"year": y})
        days = tuple(first + i for i, flag in enumerate(flags) if flag)
        return _Year(first_ordinal=first, flags=bytes(flags), days=days)


def _parse_overrides(text: str, source: str) -> dict[date, bool]:
    """Validate overrides TOML into {date: is_workday}; errors name the file, key and value."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"workday calendar file {source}: not valid TOML: {exc}") from None
    for key in raw:
        if key not in _KEYS:
            raise ConfigError(
                f"workday calendar file {source}: {key}: unknown key "
                f"(known keys: {', '.join(_KEYS)})"
            )
    result: dict[date, bool] = {}
    for key in _KEYS:
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise ConfigError(
                f"workday calendar file {source}: {key}: expected a list of dates, got {values!r}"
            )
        for value in values:
            d = _parse_date(value, key, source)
            is_workday = key == "workdays"
            if result.get(d, is_workday) != is_workday:
                raise ConfigError(
                    f"workday calendar file {source}: {key}: {d.isoformat()!r} is listed in "
                    "both holidays and workdays"
                )
            result[d] = is_workday
    return result


def _parse_date(value: Any, key: str, source: str) -> date:
    # TOML local dates arrive as `date`; a datetime (also a date subclass) is a mistake.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(
        f'workday calendar file {source}: {key}: bad date {value!r} (expected "YYYY-MM-DD")'
    )
