"""Ingest: apply department events to cases exactly once, in order, then publish them.

A repeated `event_id` changes nothing. An event older than the case's latest is folded in at
its place (order by occurred_at, then arrival), so a late event never moves a case backwards.
Each event gets its own outcome; one bad event never costs the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from civicline.core.bus import CASE_TOPIC, BusMessage, EventBus
from civicline.core.errors import InvalidInput
from civicline.core.events import CaseEvent, parse_event
from civicline.core.folding import apply_event, check_new_case, fold, is_in_order
from civicline.core.models import Case
from civicline.core.normalize import case_key
from civicline.core.ports import CaseStore, CaseWriteTx

log = logging.getLogger("civicline.ingest")


class OutcomeStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # same event_id seen before: nothing changed
    REJECTED = "rejected"  # invalid: `reason` says why
    FORBIDDEN = "forbidden"  # another department's case


@dataclass(frozen=True, slots=True)
class EventOutcome:
    index: int
    event_id: str | None
    status: OutcomeStatus
    reason: str = ""
    field: str = ""
    case_no: str = ""
    late: bool = False  # folded in before newer events

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"index": self.index, "event_id": self.event_id,
                                "status": self.status.value}
        if self.case_no:
            body["case_no"] = self.case_no
        if self.reason:
            body["reason"] = self.reason
        if self.field:
            body["field"] = self.field
        if self.late:
            body["late"] = True
        return body


@dataclass(frozen=True, slots=True)
class _Applied:
    outcomes: list[EventOutcome]
    changes: list[tuple[Case, CaseEvent, bool]]  # (case after, event, late) in apply order


def _check(case: Case | None, event: CaseEvent, department: str | None
           ) -> tuple[OutcomeStatus, str, str] | None:
    """Why `event` may not be applied (status, reason, field), or None when it may."""
    if case is not None and department is not None and case.department != department:
        return OutcomeStatus.FORBIDDEN, "该令牌无权写入其他部门的办件", ""
    try:
        if case is None:
            check_new_case(event)
        elif event.department not in (None, case.department):
            raise InvalidInput("不能更改办件所属部门", "department")
    except InvalidInput as exc:
        return OutcomeStatus.REJECTED, exc.reason, exc.field
    if case is None and department is not None and event.department != department:
        return OutcomeStatus.FORBIDDEN, "该令牌无权写入其他部门的办件", ""
    return None


def _apply_batch(tx: CaseWriteTx, parsed: Sequence[tuple[int, CaseEvent]],
                 department: str | None) -> _Applied:
    """Runs inside one store transaction. `department` None means an operator (file import)."""
    seen = tx.existing_event_ids([event.event_id for _, event in parsed])
    keys = [case_key(event.case_no) for _, event in parsed]
    found = tx.get_cases(keys)
    cases: dict[str, Case | None] = {key: found.get(key) for key in keys}
    outcomes: list[EventOutcome] = []
    changes: list[tuple[Case, CaseEvent, bool]] = []
    for (index, event), key in zip(parsed, keys, strict=True):
        if event.event_id in seen:
            outcomes.append(EventOutcome(index, event.event_id, OutcomeStatus.DUPLICATE,
                                         case_no=key))
            continue
        case = cases[key]
        problem = _check(case, event, department)
        if problem is not None:
            outcomes.append(EventOutcome(index, event.event_id, problem[0], reason=problem[1],
                                         field=problem[2], case_no=key))
            continue
        seq = tx.next_seq()
        late = case is not None and not is_in_order(case, event)
        if late:
            assert case is not None  # noqa: S101 -- late implies an existing case
            updated = fold([*tx.load_events(key), (event, seq)])
        else:
            updated = apply_event(case, event, seq)
        tx.insert_event(key, event, seq)
        seen.add(event.event_id)
        cases[key] = updated
        changes.append((updated, event, late))
        outcomes.append(EventOutcome(index, event.event_id, OutcomeStatus.ACCEPTED,
                                     case_no=key, late=late))
    written = {case.case_no: case for case, _, _ in changes}
    for case in written.values():
        tx.put_case(case)
    return _Applied(outcomes, changes)


def _parse_all(raw_events: Sequence[Any]
               ) -> tuple[list[tuple[int, CaseEvent]], list[EventOutcome]]:
    """Validate each wire event (already-typed events pass through); rejects get an outcome."""
    parsed: list[tuple[int, CaseEvent]] = []
    rejected: list[EventOutcome] = []
    for index, raw in enumerate(raw_events):
        try:
            parsed.append((index, raw if isinstance(raw, CaseEvent) else parse_event(raw)))
        except InvalidInput as exc:
            event_id = raw.get("event_id") if isinstance(raw, dict) else None
            rejected.append(EventOutcome(
                index, event_id if isinstance(event_id, str) else None,
                OutcomeStatus.REJECTED, reason=exc.reason, field=exc.field))
    return parsed, rejected


class IngestService:
    """Validates, applies and publishes department events."""

    def __init__(self, cases: CaseStore, bus: EventBus) -> None:
        self.cases = cases
        self.bus = bus

    async def ingest(self, raw_events: Sequence[Any], department: str | None
                     ) -> list[EventOutcome]:
        """Apply a batch of wire events for `department` (None: operator import, any department)."""
        parsed, outcomes = _parse_all(raw_events)
        if parsed:
            applied = await self.cases.write(lambda tx: _apply_batch(tx, parsed, department))
            outcomes.extend(applied.outcomes)
            await self.publish(applied.changes)
        outcomes.sort(key=lambda o: o.index)
        return outcomes

    async def publish(self, changes: list[tuple[Case, CaseEvent, bool]]) -> None:
        """One bus message per accepted event, in apply order (which is per-case order)."""
        if not changes:
            return
        await self.bus.publish([
            BusMessage(CASE_TOPIC, case_key(case.case_no), {
                "case_no": case.case_no,
                "event_id": event.event_id,
                "event_stage": event.stage.value,
                "stage": case.stage.value,
                "department": case.department,
                "occurred_at": event.occurred_at.isoformat(),
                "late": late,
                "confidential": case.confidential,
            })
            for case, event, late in changes
        ])
        log.info("events_applied", extra={"count": len(changes)})


def apply_batch_sync(store: Any, raw_events: Sequence[Any]) -> list[EventOutcome]:
    """Operator path for bulk loads (demo, CLI import) without an event loop or bus."""
    parsed, outcomes = _parse_all(raw_events)
    if parsed:
        applied: _Applied = store.write_sync(lambda tx: _apply_batch(tx, parsed, None))
        outcomes.extend(applied.outcomes)
    outcomes.sort(key=lambda o: o.index)
    return outcomes
