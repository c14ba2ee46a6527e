"""The notifier: turns case events into outbox messages, from the durable event feed.

It reads `CaseStore.events_after(cursor)` from its own saved cursor (the bus only wakes it),
so no stage change is missed across a crash; the dedupe key (event + contact point +
template) makes re-reading after a crash queue nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from civicline.core.bus import CASE_TOPIC, EventBus
from civicline.core.deadlines import compute_deadline
from civicline.core.errors import BackendUnavailable
from civicline.core.models import Case
from civicline.core.policy import DeadlinePolicy
from civicline.core.ports import CaseStore, Clock, StoredEvent
from civicline.core.stages import DeadlineState, Stage
from civicline.core.workdays import WorkCalendar
from civicline.notify.model import ContactPoint, NewMessage, Purpose
from civicline.notify.ports import ChannelState, OutboxStore, RenderError
from civicline.notify.recipients import (
    DEFAULT_FALLBACK,
    PHONE_CHANNELS,
    Applicant,
    FallbackPolicy,
    StaffMember,
    people,
    plan,
)
from civicline.notify.templates import Composer, purpose_of

log = logging.getLogger("civicline.notify")
CURSOR = "case_events"
STAGE_TEMPLATES = {
    Stage.ACCEPTED: "case_accepted", Stage.SUPPLEMENT_REQUESTED: "case_supplement",
    Stage.CONCLUDED: "case_concluded", Stage.REJECTED: "case_rejected",
    Stage.SUSPENDED: "case_suspended",
}
MAX_EVENT_AGE = timedelta(hours=72)  # older events (imports of history) notify nobody


class _NoStaff:
    def members(self, department: str | None = None, role: str | None = None
                ) -> list[StaffMember]:
        return []


NO_STAFF = _NoStaff()  # an applicant resolves without the staff directory


def parse_rules(rules: tuple[str, ...]) -> dict[Stage, frozenset[str]]:
    """"stage:recipient" entries → recipients by stage; errors name the bad entry."""
    found: dict[Stage, set[str]] = {}
    for rule in rules:
        stage, _, who = rule.partition(":")
        if who not in ("applicant", "handler", "subscribers"):
            raise ValueError(f"notify_rules: bad recipient in {rule!r}")
        try:
            found.setdefault(Stage(stage), set()).add(who)
        except ValueError:
            raise ValueError(f"notify_rules: unknown stage in {rule!r}") from None
    return {stage: frozenset(who) for stage, who in found.items()}


@dataclass(frozen=True, slots=True)
class NotifierPolicy:
    """Who hears what, and how often the feed is polled when the bus is quiet."""

    rules: Mapping[Stage, frozenset[str]]
    poll_seconds: float = 1.0


def first_point(phone: str, policy: FallbackPolicy) -> ContactPoint | None:
    """Where a phone number from a case record is tried first under `policy`."""
    steps = plan([ContactPoint(c, phone) for c in PHONE_CHANNELS], policy) if phone else []
    return steps[0].point if steps else None


class Notifier:
    def __init__(self, cases: CaseStore, outbox: OutboxStore,
                 states: Mapping[str, ChannelState], bus: EventBus, composer: Composer,
                 calendar: WorkCalendar, deadlines: DeadlinePolicy, clock: Clock,
                 policy: NotifierPolicy, on_queued: Callable[[], None] = lambda: None) -> None:
        self.cases, self.outbox, self.states, self.bus = cases, outbox, dict(states), bus
        self.composer = composer
        self.rules = policy.rules
        self.fallback = dict(DEFAULT_FALLBACK)
        self.calendar, self.deadlines, self.clock = calendar, deadlines, clock
        self.on_queued = on_queued
        self.poll_seconds = policy.poll_seconds
    async def start_cursor(self) -> None:
        """On the very first run start at the end of the feed: history notifies nobody."""
        if self.outbox.cursor(CURSOR) == 0:
            await self.outbox.save_cursor(CURSOR, self.outbox.latest_event_seq())

    async def run(self) -> None:
        subscription = self.bus.subscribe({CASE_TOPIC}, buffer=1000)
        woken = asyncio.Event()

        async def listen() -> None:
            with contextlib.suppress(Exception):  # an overflow only means "read the feed"
                async for _ in subscription:
                    woken.set()
            woken.set()
        listener = asyncio.create_task(listen())
        try:
            while True:
                woken.clear()
                try:
                    while await self.process_pending():
                        pass
                except BackendUnavailable:
                    log.warning("notify_store_unavailable")  # the next wake or poll retries
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), self.poll_seconds)
                if listener.done():  # resubscribe after an overflow
                    subscription = self.bus.subscribe({CASE_TOPIC}, buffer=1000)
                    listener = asyncio.create_task(listen())
        finally:
            listener.cancel()
            await subscription.close()

    async def process_pending(self, limit: int = 500) -> int:
        """Queue messages for the next events after the cursor; returns events read."""
        cursor = self.outbox.cursor(CURSOR)
        events = await self.cases.events_after(cursor, limit)
        if not events:
            return 0
        messages: list[NewMessage] = []
        for stored in events:
            messages.extend(await self._messages_for(stored))
        if messages:
            queued = await self.outbox.enqueue(messages, self.clock().timestamp())
            if any(q is not None for q in queued):
                self.on_queued()
        await self.outbox.save_cursor(CURSOR, events[-1].seq)
        return len(events)

    async def _messages_for(self, stored: StoredEvent) -> list[NewMessage]:
        event = stored.event
        who = self.rules.get(event.stage, frozenset())
        if not who or self.clock() - event.occurred_at > MAX_EVENT_AGE:
            return []
        case = await self.cases.get(stored.case_key)
        if case is None:
            return []
        variables = self._variables(case, event.stage)
        recipients: list[tuple[ContactPoint, str]] = []
        citizen_template = STAGE_TEMPLATES.get(event.stage, "case_stage")
        citizen_policy = self.fallback[purpose_of(citizen_template)]
        applicant = self._applicant_point(case, citizen_policy)
        if "applicant" in who and applicant is not None:
            recipients.append((applicant, citizen_template))
        if "subscribers" in who:
            recipients.extend((point, citizen_template) for point in self._subscribers(
                stored.case_key) if point != applicant)
        handler = event.handler or case.handlers.get(event.stage.value)
        staff = first_point(handler.phone, self.fallback[Purpose.STAFF]) if handler else None
        if "handler" in who and staff is not None:
            recipients.append((staff, "staff_assigned"))
        return self._compose(recipients, event.event_id, variables)

    def _applicant_point(self, case: Case, policy: FallbackPolicy) -> ContactPoint | None:
        applicant = people(Applicant(case), NO_STAFF)
        steps = plan(applicant[0].points, policy) if applicant else []
        return steps[0].point if steps else None

    def _subscribers(self, case_key: str) -> list[ContactPoint]:
        return [ContactPoint(channel, address) for channel, state in self.states.items()
                for address in state.subscribers(case_key)]

    def _compose(self, recipients: list[tuple[ContactPoint, str]], dedupe: str,
                 variables: dict[str, str]) -> list[NewMessage]:
        found: list[NewMessage] = []
        for point, template in recipients:
            try:
                found.append(self.composer.message(point, template, variables, dedupe))
            except RenderError as exc:
                log.error("notify_template_error", extra={"event": dedupe, "to": point.masked,
                                                          "error": str(exc)})
        return found

    def _variables(self, case: Case, stage: Stage) -> dict[str, str]:
        info = compute_deadline(case, self.clock(), self.calendar, self.deadlines)
        deadline = info.deadline.strftime("%Y年%m月%d日") if info.deadline else "—"
        return {
            "case_no": case.case_no, "item_name": case.item_name, "stage": stage.label,
            "promised_date": deadline, "deadline": deadline,
            "materials": "、".join(case.missing_materials) or "详见补正告知书",
            "window": case.window or "办事窗口",
            "result": case.result.label if case.result else stage.label,
            "pickup": case.pickup, "office_phone": case.office_phone or "窗口",
        }

    async def scan_deadlines(self) -> int:
        """Yellow (due soon) and red (overdue) alerts to handlers, at most one a case a day."""
        now = self.clock()
        # Open cases only, decoded and judged in a worker thread: the loop keeps serving.
        messages = await asyncio.to_thread(self._deadline_messages, now)
        if messages:
            await self.outbox.enqueue(messages, now.timestamp())
            self.on_queued()
        return len(messages)

    def _deadline_messages(self, now: datetime) -> list[NewMessage]:
        today = now.date().isoformat()
        messages: list[NewMessage] = []
        for case in self.cases.iter_active():
            info = compute_deadline(case, now, self.calendar, self.deadlines)
            if info.state not in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE,
                                  DeadlineState.SERIOUSLY_OVERDUE):
                continue
            handler = case.handlers.get(case.stage.value) or next(iter(case.handlers.values()),
                                                                  None)
            due_soon = info.state is DeadlineState.DUE_SOON
            template = "staff_due_soon" if due_soon else "staff_overdue"
            point = first_point(handler.phone, self.fallback[purpose_of(template)]) \
                if handler else None
            if point is None:
                continue
            variables = self._variables(case, case.stage)
            days = info.working_days_left or 0
            if due_soon:
                variables["days_left"] = str(max(days, 0))
            else:
                variables["days_over"] = str(abs(days))
            messages += self._compose([(point, template)],
                                      f"deadline|{case.case_no}|{info.state}|{today}",
                                      variables)
        return messages
