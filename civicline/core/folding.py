"""Folding events into a case's state. Pure functions: the same events give the same case.

Order is by `occurred_at`, then arrival; a late older event is folded in at its place, so it
can add facts but never move the case backwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from civicline.core.errors import InvalidInput
from civicline.core.events import CaseEvent
from civicline.core.models import Applicant, Case, TimelineEntry
from civicline.core.stages import PAUSING_STAGES, CaseResult, Stage


def event_order(item: tuple[CaseEvent, int]) -> tuple[float, int]:
    event, seq = item
    return (event.occurred_at.timestamp(), seq)


def check_new_case(event: CaseEvent) -> None:
    """The first event of a case must say what it is and whose it is."""
    for name in ("department", "item_name", "applicant"):
        if getattr(event, name) is None:
            raise InvalidInput("新办件的首个事件必须包含此字段", name)


def _stage_after(previous: Case | None, event: CaseEvent) -> Stage:
    """`resumed` returns the case to the step it paused in: what the citizen cares about."""
    if event.stage is not Stage.RESUMED or previous is None:
        return event.stage
    for entry in reversed(previous.timeline):
        if entry.stage not in PAUSING_STAGES and entry.stage is not Stage.RESUMED:
            return entry.stage
    return Stage.ACCEPTED


def apply_event(case: Case | None, event: CaseEvent, seq: int) -> Case:
    """The case after `event`, which must not be older than the case's last timeline entry."""
    entry = TimelineEntry(
        event_id=event.event_id,
        stage=event.stage,
        occurred_at=event.occurred_at,
        arrival_seq=seq,
        handler=event.handler,
        note=event.note or "",
        missing_materials=event.missing_materials or (),
    )
    stage = _stage_after(case, event)
    if case is None:
        # Events of a case can arrive out of order, so a case may start from any event that
        # carries its identity; folding re-runs from the earliest once the rest arrive.
        case = Case(
            case_no=event.case_no,
            stage=stage,
            department=event.department or "",
            item_name=event.item_name or "",
            accepted_at=None,
            updated_at=event.occurred_at,
            applicant=event.applicant or Applicant(name=""),
        )
    updates: dict[str, object] = {"stage": stage, "updated_at": event.occurred_at}
    for name in ("department", "item_name", "applicant", "query_code", "promised_days",
                 "confidential", "window", "office_phone", "fee", "pickup", "guide_id", "result"):
        value = getattr(event, name)
        if value is not None:
            updates[name] = value
    if event.stage is Stage.ACCEPTED and case.accepted_at is None:
        updates["accepted_at"] = event.occurred_at
    if event.handler is not None:
        updates["handlers"] = {**case.handlers, event.stage.value: event.handler}
    if event.stage is Stage.SUPPLEMENT_REQUESTED:
        updates["missing_materials"] = event.missing_materials or ()
    elif event.stage is Stage.RESUMED:
        updates["missing_materials"] = ()
    if event.stage in (Stage.CONCLUDED, Stage.REJECTED):
        updates["concluded_at"] = event.occurred_at
        if event.result is None and case.result is None:
            updates["result"] = (
                CaseResult.APPROVED if event.stage is Stage.CONCLUDED else CaseResult.NOT_APPROVED
            )
    updates["timeline"] = (*case.timeline, entry)
    return replace(case, **updates)  # type: ignore[arg-type]


def fold(events: Iterable[tuple[CaseEvent, int]]) -> Case:
    """Fold (event, arrival_seq) pairs in (occurred_at, arrival) order into one case."""
    ordered = sorted(events, key=event_order)
    if not ordered:
        raise ValueError("fold needs at least one event")
    case: Case | None = None
    for event, seq in ordered:
        case = apply_event(case, event, seq)
    assert case is not None  # noqa: S101 -- non-empty input
    return case


def is_in_order(case: Case, event: CaseEvent) -> bool:
    """True when `event` can be applied on top of `case` without refolding."""
    if not case.timeline:
        return True
    return event.occurred_at >= case.timeline[-1].occurred_at
