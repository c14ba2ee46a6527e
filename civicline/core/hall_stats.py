"""The hall's statistics for display walls: today's accepted and concluded cases, on-time rate
and overdue counts, by department.

Cost: computed from `CaseStore.iter_active(today)` (open cases and today's conclusions,
through a partial index) off the event loop, at most once per TTL. Cases accepted today are
open or concluded today, so they are all seen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from civicline.core.deadlines import DEFAULT_POLICY, compute_deadline, local_date
from civicline.core.models import Case
from civicline.core.policy import DeadlinePolicy
from civicline.core.ports import Clock
from civicline.core.stages import DeadlineState, Stage
from civicline.core.workdays import WorkCalendar

_OVERDUE = frozenset({DeadlineState.OVERDUE, DeadlineState.SERIOUSLY_OVERDUE})


@dataclass(slots=True)
class DepartmentStats:
    department: str
    accepted_today: int = 0
    concluded_today: int = 0
    concluded_on_time: int = 0
    overdue: int = 0  # open cases past their deadline
    seriously_overdue: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Share of today's conclusions within the deadline; None when nothing concluded."""
        if not self.concluded_today:
            return None
        return self.concluded_on_time / self.concluded_today

    def add(self, other: DepartmentStats) -> None:
        self.accepted_today += other.accepted_today
        self.concluded_today += other.concluded_today
        self.concluded_on_time += other.concluded_on_time
        self.overdue += other.overdue
        self.seriously_overdue += other.seriously_overdue


@dataclass(frozen=True, slots=True)
class HallStats:
    day: date
    computed_at: datetime
    departments: tuple[DepartmentStats, ...] = field(default=())

    def covering(self, departments: Sequence[str]) -> HallStats:
        """Only the given departments (all when empty)."""
        if not departments:
            return self
        wanted = set(departments)
        return HallStats(self.day, self.computed_at,
                         tuple(d for d in self.departments if d.department in wanted))

    def total(self) -> DepartmentStats:
        total = DepartmentStats("合计")
        for stats in self.departments:
            total.add(stats)
        return total


def compute_hall_stats(cases: Iterable[Case], now: datetime, calendar: WorkCalendar,
                       policy: DeadlinePolicy = DEFAULT_POLICY) -> HallStats:
    """One pass over the cases; counts include confidential cases (no case is identified)."""
    day = local_date(now)
    by_department: dict[str, DepartmentStats] = {}
    for case in cases:
        stats = by_department.get(case.department)
        if stats is None:
            stats = by_department[case.department] = DepartmentStats(case.department)
        if case.accepted_at is not None and local_date(case.accepted_at) == day:
            stats.accepted_today += 1
        concluded_today = (case.stage in (Stage.CONCLUDED, Stage.REJECTED)
                           and case.concluded_at is not None
                           and local_date(case.concluded_at) == day)
        if not concluded_today and case.stage.is_final:
            continue  # finished on another day: nothing to count today
        deadline = compute_deadline(case, now, calendar, policy)
        if concluded_today:
            stats.concluded_today += 1
            if deadline.state is DeadlineState.FINISHED_ON_TIME:
                stats.concluded_on_time += 1
        elif deadline.state in _OVERDUE:
            stats.overdue += 1
            if deadline.state is DeadlineState.SERIOUSLY_OVERDUE:
                stats.seriously_overdue += 1
    return HallStats(day, now, tuple(sorted(by_department.values(),
                                            key=lambda s: s.department)))


class HallStatsService:
    """Hall statistics cached for `ttl_seconds`; one computation at a time, off the loop."""

    def __init__(self, iter_cases: Callable[[], Iterator[Case]], calendar: WorkCalendar,
                 clock: Clock, *, ttl_seconds: float = 60.0,
                 policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
        self.iter_cases = iter_cases
        self.calendar = calendar
        self.clock = clock
        self.ttl_seconds = ttl_seconds
        self.policy = policy
        self._cached: tuple[float, HallStats] | None = None
        self._lock = asyncio.Lock()

    async def get(self, departments: Sequence[str] = ()) -> HallStats:
        async with self._lock:
            now = self.clock()
            cached = self._cached
            fresh = (cached is not None and time.monotonic() - cached[0] < self.ttl_seconds
                     and cached[1].day == local_date(now))
            if not fresh:
                stats = await asyncio.to_thread(
                    lambda: compute_hall_stats(self.iter_cases(), now, self.calendar,
                                               self.policy))
                self._cached = (time.monotonic(), stats)
            assert self._cached is not None  # noqa: S101 -- set just above, for mypy
            return self._cached[1].covering(departments)

    def invalidate(self) -> None:
        """Forget the cached figures (a test, or a screen that must show a change now)."""
        self._cached = None
