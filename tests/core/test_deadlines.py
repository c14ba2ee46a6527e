"""Case deadlines: counting from acceptance, pauses, states, and conclusion."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicline.core.deadlines import DeadlineInfo, compute_deadline, local_date
from civicline.core.events import parse_event
from civicline.core.folding import fold
from civicline.core.models import Applicant, Case, TimelineEntry
from civicline.core.policy import DeadlinePolicy
from civicline.core.stages import DeadlineState, Stage
from civicline.core.workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()  # package facts only; every date below is in 2025/2026


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(day: str, clock: str = "10:00") -> datetime:
    """A Shanghai time on `day`."""
    return datetime.combine(d(day), time.fromisoformat(clock), tzinfo=SHANGHAI)


def make_case(promised_days: int, *steps: tuple[str, str]) -> Case:
    """Fold wire events (stage, "YYYY-MM-DD[THH:MM]") into a case, as the ingest path does."""
    events: list[dict[str, Any]] = []
    for i, (stage, when) in enumerate(steps):
        event: dict[str, Any] = {
            "event_id": f"e{i}",
            "case_no": "GA-2026-0001",
            "stage": stage,
            "occurred_at": when if "T" in when else f"{when}T10:00:00",
        }
        if i == 0:
            event |= {
                "department": "市公安局",
                "item_name": "户口迁移",
                "applicant": {"name": "张三"},
                "promised_days": promised_days,
            }
        events.append(event)
    return fold((parse_event(e), i) for i, e in enumerate(events))


def deadline_on(case: Case, today: str, **thresholds: int) -> DeadlineInfo:
    return compute_deadline(case, at(today, "15:00"), CALENDAR, DeadlinePolicy(**thresholds))


@pytest.mark.parametrize(
    ("accepted", "promised", "expected"),
    [
        ("2026-11-27", 1, "2026-11-30"),  # Friday + 1 → Monday
        ("2026-11-28", 1, "2026-11-30"),  # accepted online on a Saturday
        ("2026-11-02", 5, "2026-11-09"),
        ("2026-09-30", 2, "2026-10-09"),  # over National Day 2026 (Oct 1–7)
        ("2025-09-30", 1, "2025-10-09"),  # over National Day 2025 (Oct 1–8)
        ("2026-09-18", 1, "2026-09-20"),  # the adjusted working Sunday counts
        ("2026-11-27", 0, "2026-11-27"),  # same-day service (即办件)
        ("2026-11-28", 0, "2026-11-28"),  # ... even when accepted on a weekend
    ],
)
def test_deadline_counts_working_days_from_the_day_after_acceptance(
    accepted: str, promised: int, expected: str
) -> None:
    case = make_case(promised, ("accepted", accepted))
    assert deadline_on(case, accepted).deadline == d(expected)


def test_deadline_skips_the_spring_festival() -> None:
    # Feb 14 (Sat) is an adjusted working day, Feb 15–23 are off.
    case = make_case(3, ("accepted", "2026-02-13"))
    info = deadline_on(case, "2026-02-13")
    assert info.deadline == d("2026-02-25")
    assert info.working_days_left == 3


def test_acceptance_date_is_taken_in_shanghai_time() -> None:
    # 16:30 UTC on Sunday 29 November is 00:30 on Monday 30 November in Shanghai.
    case = make_case(1, ("accepted", "2026-11-29T16:30:00+00:00"))
    assert local_date(case.timeline[0].occurred_at) == d("2026-11-30")
    assert deadline_on(case, "2026-11-30").deadline == d("2026-12-01")


def test_clock_starts_at_the_first_entry_when_acceptance_is_missing() -> None:
    case = make_case(2, ("undertaken", "2026-11-27"), ("reviewed", "2026-11-30"))
    assert case.accepted_at is None
    assert deadline_on(case, "2026-11-30").deadline == d("2026-12-01")


def test_case_without_any_clock_is_not_computable() -> None:
    case = Case(
        case_no="X1",
        stage=Stage.UNDERTAKEN,
        department="d",
        item_name="i",
        accepted_at=None,
        updated_at=at("2026-11-27"),
        applicant=Applicant(name="a"),
        promised_days=5,
    )
    assert deadline_on(case, "2026-11-27") == DeadlineInfo(
        None, None, 0, DeadlineState.NORMAL, False
    )


# Accepted Monday 2 November 2026 with 5 promised days: deadline Monday 9 November.
@pytest.mark.parametrize(
    ("today", "left", "state"),
    [
        ("2026-11-02", 5, DeadlineState.NORMAL),
        ("2026-11-05", 2, DeadlineState.NORMAL),
        ("2026-11-06", 1, DeadlineState.DUE_SOON),
        ("2026-11-07", 1, DeadlineState.DUE_SOON),  # Saturday: Monday is still left
        ("2026-11-09", 0, DeadlineState.DUE_SOON),  # due today
        ("2026-11-10", -1, DeadlineState.OVERDUE),
        ("2026-11-12", -3, DeadlineState.OVERDUE),
        ("2026-11-13", -4, DeadlineState.SERIOUSLY_OVERDUE),
        ("2026-10-30", 5, DeadlineState.NORMAL),  # `now` before acceptance counts as acceptance
    ],
)
def test_state_follows_working_days_left(today: str, left: int, state: DeadlineState) -> None:
    info = deadline_on(make_case(5, ("accepted", "2026-11-02")), today)
    assert (info.deadline, info.working_days_left, info.state) == (d("2026-11-09"), left, state)
    assert info.working_days_used == 5 - left
    assert not info.paused


def test_weekend_after_a_missed_friday_deadline_is_already_overdue() -> None:
    case = make_case(4, ("accepted", "2026-11-02"))  # deadline Friday 6 November
    info = deadline_on(case, "2026-11-07")
    assert (info.working_days_left, info.state) == (-1, DeadlineState.OVERDUE)
    assert deadline_on(case, "2026-11-09").working_days_left == -1  # Monday: one day late


@pytest.mark.parametrize(
    ("today", "thresholds", "state"),
    [
        ("2026-11-04", {"due_soon_days": 3}, DeadlineState.DUE_SOON),  # 3 left
        ("2026-11-03", {"due_soon_days": 3}, DeadlineState.NORMAL),  # 4 left
        ("2026-11-10", {"seriously_overdue_days": 0}, DeadlineState.SERIOUSLY_OVERDUE),
        ("2026-11-16", {"seriously_overdue_days": 5}, DeadlineState.OVERDUE),  # 5 late
        ("2026-11-17", {"seriously_overdue_days": 5}, DeadlineState.SERIOUSLY_OVERDUE),
    ],
)
def test_thresholds_come_from_settings(
    today: str, thresholds: dict[str, int], state: DeadlineState
) -> None:
    case = make_case(5, ("accepted", "2026-11-02"))
    assert deadline_on(case, today, **thresholds).state is state


def test_supplement_pause_extends_deadline() -> None:
    # Paused Wed 4 Nov, resumed Mon 9 Nov: (Nov 4, Nov 9] holds Thu, Fri, Mon = 3 days.
    case = make_case(
        5,
        ("accepted", "2026-11-02"),
        ("supplement_requested", "2026-11-04"),
        ("resumed", "2026-11-09"),
    )
    info = deadline_on(case, "2026-11-09")
    assert info.deadline == d("2026-11-12")
    assert (info.working_days_left, info.working_days_used) == (3, 2)
    assert info.state is DeadlineState.NORMAL and not info.paused


@pytest.mark.parametrize(
    ("steps", "deadline"),
    [
        ([("suspended", "2026-11-04T09:00"), ("resumed", "2026-11-04T16:00")], "2026-11-09"),
        ([("supplement_requested", "2026-11-04"), ("resumed", "2026-11-05")], "2026-11-10"),
        # Friday to Monday is one working day, not three calendar days.
        ([("supplement_requested", "2026-11-06"), ("resumed", "2026-11-09")], "2026-11-10"),
        # Friday to Sunday: nothing.
        ([("supplement_requested", "2026-11-06"), ("resumed", "2026-11-08")], "2026-11-09"),
        # A second pausing entry while paused does not restart or double the pause.
        (
            [
                ("supplement_requested", "2026-11-04"),
                ("suspended", "2026-11-05"),
                ("resumed", "2026-11-06"),
            ],
            "2026-11-11",
        ),
        # Two separate pauses add up.
        (
            [
                ("supplement_requested", "2026-11-03"),
                ("resumed", "2026-11-04"),
                ("suspended", "2026-11-05"),
                ("resumed", "2026-11-06"),
            ],
            "2026-11-11",
        ),
        # A step after a pause without an explicit `resumed` ends the pause.
        ([("suspended", "2026-11-04"), ("reviewed", "2026-11-05")], "2026-11-10"),
    ],
)
def test_pauses_cost_the_working_days_after_the_pause_day(
    steps: list[tuple[str, str]], deadline: str
) -> None:
    case = make_case(5, ("accepted", "2026-11-02"), *steps)
    assert deadline_on(case, "2026-11-20").deadline == d(deadline)


def test_pause_before_acceptance_costs_nothing() -> None:
    case = make_case(
        5,
        ("supplement_requested", "2026-10-26"),  # 受理前补正
        ("resumed", "2026-10-30"),
        ("accepted", "2026-11-02"),
    )
    assert deadline_on(case, "2026-11-02").deadline == d("2026-11-09")


def test_open_pause_moves_the_deadline_and_freezes_days_left() -> None:
    case = make_case(5, ("accepted", "2026-11-02"), ("suspended", "2026-11-04"))
    # On the pause day: 2 used, 3 left, deadline still Monday 9 November.
    on_pause = deadline_on(case, "2026-11-04")
    assert on_pause == DeadlineInfo(d("2026-11-09"), 3, 2, DeadlineState.PAUSED, True)
    # A week later: deadline moved by the 5 paused working days, the counters did not.
    later = deadline_on(case, "2026-11-11")
    assert later == DeadlineInfo(d("2026-11-16"), 3, 2, DeadlineState.PAUSED, True)
    # Resuming that day gives the same picture, now running again.
    resumed = make_case(
        5, ("accepted", "2026-11-02"), ("suspended", "2026-11-04"), ("resumed", "2026-11-11")
    )
    assert deadline_on(resumed, "2026-11-11") == DeadlineInfo(
        d("2026-11-16"), 3, 2, DeadlineState.NORMAL, False
    )


def test_pause_after_the_deadline_freezes_the_overdue_count() -> None:
    case = make_case(1, ("accepted", "2026-11-02"), ("supplement_requested", "2026-11-05"))
    info = deadline_on(case, "2026-11-20")
    assert (info.state, info.working_days_left, info.paused) == (DeadlineState.PAUSED, -2, True)


@pytest.mark.parametrize(
    ("final", "on", "state", "left"),
    [
        ("concluded", "2026-11-06", DeadlineState.FINISHED_ON_TIME, 1),
        ("concluded", "2026-11-09", DeadlineState.FINISHED_ON_TIME, 0),
        ("concluded", "2026-11-10", DeadlineState.FINISHED_LATE, -1),
        ("rejected", "2026-11-12", DeadlineState.FINISHED_LATE, -3),
        ("withdrawn", "2026-11-20", DeadlineState.FINISHED_ON_TIME, None),
    ],
)
def test_final_case_is_judged_on_its_conclusion_date(
    final: str, on: str, state: DeadlineState, left: int | None
) -> None:
    case = make_case(5, ("accepted", "2026-11-02"), (final, on))
    info = deadline_on(case, "2026-12-31")  # long after: the answer no longer changes
    assert (info.deadline, info.state, info.working_days_left) == (d("2026-11-09"), state, left)
    assert not info.paused


def test_conclusion_during_a_pause_closes_it() -> None:
    case = make_case(
        5,
        ("accepted", "2026-11-02"),
        ("supplement_requested", "2026-11-04"),
        ("rejected", "2026-11-12"),  # 6 paused working days: Nov 5, 6, 9, 10, 11, 12
    )
    info = deadline_on(case, "2026-12-31")
    assert info.deadline == d("2026-11-17")
    assert (info.state, info.working_days_used, info.paused) == (
        DeadlineState.FINISHED_ON_TIME,
        2,
        False,
    )


# Property tests build cases directly: folding is not what is being tested here.
ACCEPTANCE = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30))


def direct_case(accepted: date, promised: int, pauses: list[tuple[int, int]]) -> Case:
    """A running case with pauses given as (start offset, length) in calendar days."""
    timeline = [TimelineEntry("a", Stage.ACCEPTED, at(accepted.isoformat()), 0)]
    cursor = accepted
    for offset, length in pauses:
        paused = cursor + timedelta(days=offset)
        cursor = paused + timedelta(days=length)
        timeline.append(TimelineEntry(f"p{paused}", Stage.SUSPENDED, at(paused.isoformat()), 0))
        timeline.append(TimelineEntry(f"r{cursor}", Stage.RESUMED, at(cursor.isoformat()), 0))
    return Case(
        case_no="X1",
        stage=Stage.UNDERTAKEN,
        department="d",
        item_name="i",
        accepted_at=timeline[0].occurred_at,
        updated_at=timeline[-1].occurred_at,
        applicant=Applicant(name="a"),
        promised_days=promised,
        timeline=tuple(timeline),
    )


PAUSES = st.lists(
    st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=30)),
    max_size=3,
)


@given(
    accepted=ACCEPTANCE,
    promised=st.integers(min_value=0, max_value=60),
    pauses=PAUSES,
    extra=st.tuples(st.integers(min_value=0, max_value=20), st.integers(0, 30)),
)
def test_adding_a_pause_never_brings_the_deadline_forward(
    accepted: date, promised: int, pauses: list[tuple[int, int]], extra: tuple[int, int]
) -> None:
    now = at("2026-12-31")
    before = compute_deadline(direct_case(accepted, promised, pauses), now, CALENDAR)
    after = compute_deadline(direct_case(accepted, promised, [*pauses, extra]), now, CALENDAR)
    assert before.deadline is not None and after.deadline is not None
    assert after.deadline >= before.deadline


@given(
    accepted=ACCEPTANCE,
    promised=st.integers(min_value=0, max_value=60),
    pauses=PAUSES,
    elapsed=st.integers(min_value=0, max_value=200),
)
def test_days_left_drops_by_exactly_one_per_working_day(
    accepted: date, promised: int, pauses: list[tuple[int, int]], elapsed: int
) -> None:
    case = direct_case(accepted, promised, pauses)
    # A working day on or after the last resumption, and the next one.
    today = CALENDAR.add_workdays(local_date(case.updated_at) + timedelta(days=elapsed), 1)
    tomorrow = CALENDAR.add_workdays(today, 1)
    first = compute_deadline(case, at(today.isoformat()), CALENDAR)
    second = compute_deadline(case, at(tomorrow.isoformat()), CALENDAR)
    assert first.working_days_left is not None and second.working_days_left is not None
    assert second.working_days_left == first.working_days_left - 1
    assert second.working_days_used == first.working_days_used + 1
    assert first.deadline == second.deadline
    assert first.working_days_used + first.working_days_left == promised
