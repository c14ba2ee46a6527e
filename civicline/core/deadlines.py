"""Case deadlines in working days, following administrative-approval practice (承诺时限).

Rules, all on Asia/Shanghai calendar dates (a naive datetime is taken as Shanghai time):

* The clock starts on the acceptance date A: `case.accepted_at`, else the first timeline
  entry. Promised days count from the working day after A, so the base deadline is
  `add_workdays(A, promised_days)`; with 0 promised days (即办件) it is A itself.
* A `supplement_requested` (补正) or `suspended` (特别程序) entry opens a pause; further pausing
  entries while paused change nothing. The pause ends at the next entry of any other stage
  (normally `resumed`; a later step or the conclusion also proves work went on).
  A pause from date P to date R costs the working days in (P, R] — as for legal periods, the
  day a pause starts is not counted in it; the day work resumes is. Pausing and resuming on
  the same day costs nothing; dates are clamped to [A, today] (or [A, conclusion date]).
* deadline = add_workdays(A, promised_days + paused working days).
* working_days_left = working days in (today, deadline], negative once the deadline has passed
  (= minus the working days in (deadline, today]); a date after the deadline is at least one
  day overdue, so a weekend right after a missed Friday deadline already reads -1.
* States of an open case: left > due_soon_days → NORMAL; 0 <= left <= due_soon_days →
  DUE_SOON (0 is "due today"); -seriously_overdue_days <= left < 0 → OVERDUE; overdue by more
  than seriously_overdue_days working days → SERIOUSLY_OVERDUE.
* While paused: PAUSED; `deadline` is where it would be if work resumed today (it moves by a
  working day per paused working day) and `working_days_left` is frozen at its value on the
  pause date, which is also what it will read on the resume date.
* A final case (concluded/rejected/withdrawn) is measured on its conclusion date C:
  FINISHED_ON_TIME when C <= deadline, else FINISHED_LATE; `working_days_left` is the value on
  C (negative: how late). A withdrawn case is always FINISHED_ON_TIME with no days left figure.
* working_days_used = working days in (A, today] (or up to C, or up to the pause date) minus
  paused working days, never below 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from civicline.core.models import Case
from civicline.core.policy import DeadlinePolicy
from civicline.core.stages import DeadlineState, Stage
from civicline.core.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class DeadlineInfo:
    """Where a case stands against its promised time limit."""

    deadline: date | None  # the promised conclusion date, with paused days added
    working_days_left: int | None  # negative when overdue; None when not computable
    working_days_used: int
    state: DeadlineState
    paused: bool


DEFAULT_POLICY = DeadlinePolicy()

def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of `moment` (naive times are already Shanghai time)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(SHANGHAI).date()


def compute_deadline(
    case: Case,
    now: datetime,
    calendar: WorkCalendar,
    policy: DeadlinePolicy = DEFAULT_POLICY,
) -> DeadlineInfo:
    """The case's deadline and state at `now`; O(timeline entries). Rules: module docstring."""
    final = case.stage.is_final
    if case.accepted_at is not None:
        start = local_date(case.accepted_at)
    elif case.timeline:
        start = local_date(case.timeline[0].occurred_at)
    else:
        paused = case.stage.pauses_clock and not final
        return DeadlineInfo(None, None, 0, _state_without_clock(case), paused)
    end = max(local_date(_conclusion_time(case)) if final else local_date(now), start)

    paused_days = 0
    pause_from: date | None = None
    for entry in case.timeline:
        if entry.stage.pauses_clock:
            if pause_from is None:
                pause_from = _clamp(local_date(entry.occurred_at), start, end)
        elif pause_from is not None:
            resumed = _clamp(local_date(entry.occurred_at), start, end)
            paused_days += calendar.workdays_between(pause_from, resumed)
            pause_from = None

    if pause_from is not None and not final:
        before = calendar.add_workdays(start, case.promised_days + paused_days)
        used = calendar.workdays_between(start, pause_from) - paused_days
        paused_days += calendar.workdays_between(pause_from, end)
        return DeadlineInfo(
            deadline=calendar.add_workdays(start, case.promised_days + paused_days),
            working_days_left=_days_left(calendar, pause_from, before),
            working_days_used=max(used, 0),
            state=DeadlineState.PAUSED,
            paused=True,
        )
    if pause_from is not None:  # a final case concluded while paused: the pause ends there
        paused_days += calendar.workdays_between(pause_from, end)

    deadline = calendar.add_workdays(start, case.promised_days + paused_days)
    left = _days_left(calendar, end, deadline)
    used = max(calendar.workdays_between(start, end) - paused_days, 0)
    if case.stage is Stage.WITHDRAWN:
        return DeadlineInfo(deadline, None, used, DeadlineState.FINISHED_ON_TIME, False)
    if final:
        state = DeadlineState.FINISHED_ON_TIME if end <= deadline else DeadlineState.FINISHED_LATE
    elif left > policy.due_soon_days:
        state = DeadlineState.NORMAL
    elif left >= 0:
        state = DeadlineState.DUE_SOON
    elif left >= -policy.seriously_overdue_days:
        state = DeadlineState.OVERDUE
    else:
        state = DeadlineState.SERIOUSLY_OVERDUE
    return DeadlineInfo(deadline, left, used, state, False)


def _days_left(calendar: WorkCalendar, today: date, deadline: date) -> int:
    left = calendar.workdays_between(today, deadline)
    # After the deadline, a non-working day still reads as overdue, never "due today".
    return min(left, -1) if today > deadline else left


def _clamp(d: date, low: date, high: date) -> date:
    return min(max(d, low), high)


def _conclusion_time(case: Case) -> datetime:
    # Folding sets concluded_at for concluded/rejected only; a withdrawal is its last entry.
    if case.concluded_at is not None:
        return case.concluded_at
    for entry in reversed(case.timeline):
        if entry.stage.is_final:
            return entry.occurred_at
    return case.updated_at


def _state_without_clock(case: Case) -> DeadlineState:
    if case.stage.is_final:
        return DeadlineState.FINISHED_ON_TIME
    return DeadlineState.PAUSED if case.stage.pauses_clock else DeadlineState.NORMAL
