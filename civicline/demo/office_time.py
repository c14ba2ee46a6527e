"""Office time as one integer axis: working days of the hall times its opening seconds.

Position t = day_index * DAY_SECONDS + second_of_opening_hours, so adding seconds to t
always lands in office hours on a working day, and ISO strings come from two lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

from civicline.core.events import SHANGHAI

MORNING_SECONDS = 3 * 3600  # 9:00-12:00
AFTERNOON_SECONDS = 3 * 3600 + 1800  # 14:00-17:30
DAY_SECONDS = MORNING_SECONDS + AFTERNOON_SECONDS


def is_workday(day: date) -> bool:
    """Statutory working day; weekdays are assumed for years chinese_calendar has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=1)
def clock_strings() -> tuple[str, ...]:
    """'HH:MM:SS+08:00' for every second of opening hours, indexed by office second."""
    out = []
    for second in range(DAY_SECONDS):
        if second < MORNING_SECONDS:
            wall = 9 * 3600 + second
        else:
            wall = 14 * 3600 + second - MORNING_SECONDS
        out.append(f"{wall // 3600:02d}:{wall % 3600 // 60:02d}:{wall % 60:02d}+08:00")
    return tuple(out)


def office_second(moment: datetime) -> int:
    """Office seconds elapsed on moment's day at moment (-1 before opening, capped at close)."""
    wall = moment.hour * 3600 + moment.minute * 60 + moment.second
    if wall < 9 * 3600:
        return -1
    if wall < 12 * 3600:
        return wall - 9 * 3600
    if wall < 14 * 3600:
        return MORNING_SECONDS - 1
    return min(MORNING_SECONDS + wall - 14 * 3600, DAY_SECONDS - 1)


@dataclass(frozen=True, slots=True)
class OfficeAxis:
    """Working days of a window ending at `now`, and the last position not after `now`."""

    days: tuple[date, ...]
    prefixes: tuple[str, ...]  # "YYYY-MM-DDT" per day
    compact: tuple[str, ...]  # "YYYYMMDD" per day, for case numbers
    last: int  # greatest allowed position; -1 when no office time has passed

    def iso(self, t: int) -> str:
        """ISO 8601 string of position t."""
        day, second = divmod(t, DAY_SECONDS)
        return self.prefixes[day] + clock_strings()[second]


def office_axis(now: datetime, days_back: int) -> OfficeAxis:
    """The working days in (now - days_back days, now], with now given in any time zone."""
    local = now.astimezone(SHANGHAI) if now.tzinfo else now.replace(tzinfo=SHANGHAI)
    today = local.date()
    days = tuple(
        d for d in (today - timedelta(days=n) for n in range(days_back - 1, -1, -1))
        if is_workday(d)
    )
    last = len(days) * DAY_SECONDS - 1
    if days and days[-1] == today:
        last = (len(days) - 1) * DAY_SECONDS + office_second(local)
    return OfficeAxis(
        days=days,
        prefixes=tuple(d.isoformat() + "T" for d in days),
        compact=tuple(d.strftime("%Y%m%d") for d in days),
        last=last,
    )
