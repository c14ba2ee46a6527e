"""The notifier: turns case events into outbox messages, from the durable event feed.

It reads `CaseStore.events_after(cursor)` from its own saved cursor (the bus only wakes it),
so no stage change is missed across a crash; the dedupe key (event + recipient + template)
makes re-reading after a crash queue nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from civicline.core.bus import CASE_TOPIC, EventBus
from civicline.core.deadlines import compute_deadline
from civicline.core.errors import BackendUnavailable
from civicline.core.masking import mask_phone
from civicline.core.models import Case
from civicline.core.policy import DeadlinePolicy
from civicline.core.ports import Clock, StoredEvent
from civicline.core.stages import DeadlineState, Stage
from civicline.core.workdays import WorkCalendar
from civicline.notify.model import NewMessage
from civicline.sms.config import SmsSettings
from civicline.sms.templates import PRIORITY, TemplateError, get_template
from civicline.storage.outbox_sqlite import SqliteOutbox
from civicline.storage.sms_state_sqlite import SqliteSmsState
from civicline.storage.sqlite import SqliteCaseStore

log = logging.getLogger("civicline.notify")
CURSOR = "case_events"
STAGE_TEMPLATES = {
    Stage.ACCEPTED: "case_accepted", Stage.SUPPLEMENT_REQUESTED: "case_supplement",
    Stage.CONCLUDED: "case_concluded", Stage.REJECTED: "case_rejected",
    Stage.SUSPENDED: "case_suspended",
}
MAX_EVENT_AGE = timedelta(hours=72)  # older events (imports of history) notify nobody


def parse_rules(rules: tuple[str, ...]) -> dict[Stage, frozenset[str]]:
    """"stage:recipient" entries → recipients by stage; errors name the bad entry."""
    found: dict[Stage, set[str]] = {}
    for rule in rules:
        stage, _, who = rule.partition(":")
        if who not in ("applicant", "handler", "subscribers"):
            raise ValueError(f"[sms] notify_rules: bad recipient in {rule!r}")
        found.setdefault(Stage(stage), set()).add(who)
    return {stage: frozenset(who) for stage, who in found.items()}


def build_message(template_code: str, recipient: str, dedupe: str, variables: dict[str, str]
                  ) -> NewMessage:
    """A message for the outbox; a missing variable raises TemplateError here, not at send."""
    template = get_template(template_code)
    return NewMessage(dedupe_key=f"{dedupe}|{recipient}|{template.code}", recipient=recipient,
                      template=template.code, version=template.version, variables=variables,
                      body=template.render(variables), purpose=template.purpose.value,
                      priority=PRIORITY[template.purpose])


class Notifier:
    def __init__(self, cases: SqliteCaseStore, outbox: SqliteOutbox, state: SqliteSmsState,
                 bus: EventBus,
                 sms: SmsSettings, calendar: WorkCalendar, deadlines: DeadlinePolicy,
                 clock: Clock, on_queued: Callable[[], None] = lambda: None) -> None:
        self.cases, self.outbox, self.state, self.bus = cases, outbox, state, bus
        self.rules = parse_rules(sms.notify_rules)
        self.calendar, self.deadlines, self.clock = calendar, deadlines, clock
        self.on_queued = on_queued
        self.poll_seconds = sms.poll_seconds

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
        found: list[NewMessage] = []
        recipients: list[tuple[str, str]] = []
        citizen_template = STAGE_TEMPLATES.get(event.stage, "case_stage")
        if "applicant" in who and case.applicant.phone:
            recipients.append((case.applicant.phone, citizen_template))
        if "subscribers" in who:
            recipients.extend((p, citizen_template) for p in self.state.subscribers(
                stored.case_key) if p != case.applicant.phone)
        handler = event.handler or case.handlers.get(event.stage.value)
        if "handler" in who and handler is not None and handler.phone:
            recipients.append((handler.phone, "staff_assigned"))
        for phone, template in recipients:
            try:
                found.append(build_message(template, phone, event.event_id, variables))
            except TemplateError as exc:
                log.error("notify_template_error", extra={"event": event.event_id,
                                                          "to": mask_phone(phone),
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
            if handler is None or not handler.phone:
                continue
            variables = self._variables(case, case.stage)
            days = info.working_days_left or 0
            if info.state is DeadlineState.DUE_SOON:
                template, variables["days_left"] = "staff_due_soon", str(max(days, 0))
            else:
                template, variables["days_over"] = "staff_overdue", str(abs(days))
            messages.append(build_message(template, handler.phone,
                                          f"deadline|{case.case_no}|{info.state}|{today}",
                                          variables))
        return messages
