"""The outbound pipeline: notifier → durable outbox → dispatcher → fake provider → receipts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from civicline.core.clock import FixedClock
from civicline.notify.model import Outcome, OutcomeKind, Receipt, ReceiptStatus, State
from civicline.notify.notifier import CURSOR
from civicline.notify_wiring import AppNotify, open_notify
from civicline.services import Services, open_services
from civicline.sms.config import sms_settings
from civicline.sms.providers import build_providers
from civicline.sms.templates import TemplateError
from tests.conftest import make_settings
from tests.factories import NOW, SHANGHAI, make_event
from tests.fakes.sms_provider import PUBLIC_URL, FakeSmsProvider, sms_message, sms_overrides

CASE_NO = "440920261127000123"
CITIZEN = "13800001111"  # the applicant phone of tests.factories


@dataclass
class Pipeline:
    services: Services
    notify: AppNotify
    fake: FakeSmsProvider
    clock: FixedClock

    async def stage(self, stage: str = "accepted", **extra: Any) -> None:
        first = stage == "accepted"
        await self.services.ingest.ingest(
            [make_event(CASE_NO, stage, at=self.clock(), first=first, **extra)], None)
        await self.notify.notifier.process_pending()

    def states(self) -> list[State]:
        return [m.state for m in reversed(self.notify.outbox.recent())]


def _seconds_since_start(clock: FixedClock) -> float:
    return clock().timestamp() - NOW.timestamp()


async def _pipeline(tmp_path: Path, **sms: Any) -> AsyncIterator[Pipeline]:
    clock = FixedClock(NOW)
    fake = FakeSmsProvider()
    await fake.start()
    settings = make_settings(tmp_path / "data", server={"public_url": PUBLIC_URL},
                             sms=sms_overrides(fake.url, **sms))
    services = open_services(settings, clock, with_search=False)
    notify = open_notify(services, build_providers(settings, sms_settings(settings)))
    await notify.notifier.start_cursor()
    yield Pipeline(services, notify, fake, clock)
    await notify.close()
    await fake.close()
    await services.close()


@pytest.fixture
async def pipeline(tmp_path: Path) -> AsyncIterator[Pipeline]:
    async for built in _pipeline(tmp_path, failover_min_attempts=100):
        yield built


async def test_a_stage_change_sends_the_applicant_the_stage_template(pipeline: Pipeline
                                                                     ) -> None:
    await pipeline.stage("accepted")
    assert await pipeline.notify.dispatcher.run_once() == 2  # applicant and handler
    bodies = {r.to: r.body for r in pipeline.fake.received}
    assert "已受理" in bodies[CITIZEN] and "承诺" in bodies[CITIZEN]
    assert "新办件待处理" in bodies["13900002222"]
    assert pipeline.states() == [State.SENT, State.SENT]


async def test_re_reading_the_event_feed_queues_nothing_twice(pipeline: Pipeline) -> None:
    await pipeline.stage("accepted")
    await pipeline.notify.outbox.db.write(lambda c: c.execute(
        "UPDATE notify_cursor SET seq=0 WHERE name=?", (CURSOR,)))
    await pipeline.notify.notifier.process_pending()
    assert len(pipeline.notify.outbox.recent()) == 2


async def test_a_missing_template_variable_fails_when_queued_not_at_send() -> None:
    with pytest.raises(TemplateError, match="promised_date"):
        sms_message("case_accepted", CITIZEN, "ev", {"case_no": "1", "item_name": "x"})


@pytest.mark.parametrize(("label", "code", "state", "opted_out"), [
    ("an invalid number is undeliverable", 21211, State.UNDELIVERABLE, False),
    ("a Twilio opt-out is undeliverable and remembered", 21610, State.UNDELIVERABLE, True),
])
async def test_permanent_errors_are_not_retried(pipeline: Pipeline, label: str, code: int,
                                                state: State, opted_out: bool) -> None:
    pipeline.fake.behaviour.twilio_errors[CITIZEN] = code
    await pipeline.stage("accepted")
    await pipeline.notify.dispatcher.run_once()
    message = next(m for m in pipeline.notify.outbox.recent() if m.to.address == CITIZEN)
    assert (message.state, message.attempts) == (state, 1), label
    assert pipeline.notify.sms_state.is_opted_out(CITIZEN) is opted_out, label
    pipeline.clock.advance(hours=25)
    await pipeline.notify.sweep()
    assert await pipeline.notify.dispatcher.run_once() == 0, label


@pytest.mark.parametrize(("label", "status"), [("a 5xx", 503), ("a 429", 429)])
async def test_transient_errors_retry_with_backoff_until_sent(pipeline: Pipeline, label: str,
                                                              status: int) -> None:
    pipeline.fake.behaviour.status = status
    await pipeline.stage("accepted")
    await pipeline.notify.dispatcher.run_once()
    message = pipeline.notify.outbox.recent()[0]
    assert message.state is State.QUEUED and message.attempts == 1, label
    assert message.next_attempt_at is not None
    assert message.next_attempt_at > pipeline.clock().timestamp(), label
    assert await pipeline.notify.dispatcher.run_once() == 0  # not due yet
    pipeline.fake.behaviour.status = None
    pipeline.clock.advance(seconds=5)
    assert await pipeline.notify.dispatcher.run_once() == 2
    assert set(pipeline.states()) == {State.SENT}


async def test_transient_errors_past_24_hours_end_as_failed(pipeline: Pipeline) -> None:
    pipeline.fake.behaviour.status = 500
    await pipeline.stage("accepted")
    pipeline.clock.advance(hours=24)
    await pipeline.notify.dispatcher.run_once()
    assert set(pipeline.states()) == {State.FAILED}


async def test_citizen_reminders_wait_for_quiet_hours_to_end_but_urgent_alerts_do_not(
        pipeline: Pipeline) -> None:
    pipeline.clock.now = datetime(2026, 11, 27, 22, 30, tzinfo=SHANGHAI)
    await pipeline.stage("accepted")
    urgent = sms_message("staff_overdue", "13900002222", "deadline|x", {
        "case_no": CASE_NO, "item_name": "x", "days_over": "2", "deadline": "11月25日"})
    await pipeline.notify.outbox.enqueue([urgent], pipeline.clock().timestamp())
    await pipeline.notify.dispatcher.run_once()
    assert [r.body for r in pipeline.fake.received] == [urgent.body]
    held = [m for m in pipeline.notify.outbox.recent() if m.state is State.QUEUED]
    morning = datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI).timestamp()
    assert len(held) == 2 and all(m.next_attempt_at == morning for m in held)
    pipeline.clock.now = datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)
    assert await pipeline.notify.dispatcher.run_once() == 2


async def test_opt_out_is_honoured_at_send_time(pipeline: Pipeline) -> None:
    await pipeline.stage("accepted")
    await pipeline.notify.sms_state.opt_out(CITIZEN, "keyword", pipeline.clock().timestamp())
    await pipeline.notify.dispatcher.run_once()
    assert [r.to for r in pipeline.fake.received] == ["13900002222"]


async def test_the_daily_cap_per_number_and_template_holds_the_rest_until_tomorrow(
        tmp_path: Path) -> None:
    async for p in _pipeline(tmp_path, daily_cap_per_template=2):
        for i in range(3):
            message = sms_message("case_stage", CITIZEN, f"ev{i}", {
                "case_no": CASE_NO, "item_name": "x", "stage": "承办"})
            await p.notify.outbox.enqueue([message], p.clock().timestamp())
        await p.notify.dispatcher.run_once()
        assert len(p.fake.received) == 2
        assert p.states().count(State.QUEUED) == 1


async def test_a_provider_that_keeps_failing_fails_over_and_drifts_back(tmp_path: Path
                                                                         ) -> None:
    async for p in _pipeline(tmp_path, providers=["twilio", "gateway"], failover_min_attempts=2,
                             failover_cooldown_seconds=0.2):
        p.fake.behaviour.status = None
        dispatcher = p.notify.dispatcher
        mono = FixedClock(NOW)  # the dispatcher's monotonic clock, moved by hand
        dispatcher.monotonic = partial(_seconds_since_start, mono)
        health = p.notify.sms_sender.health  # type: ignore[union-attr]
        health["twilio"].record(False, 0.0)
        health["twilio"].record(False, 0.0)
        await p.stage("accepted")
        await dispatcher.run_once()
        assert {r.api for r in p.fake.received} == {"gateway"}
        mono.advance(seconds=1)  # past the cooldown: the first provider is tried again
        await p.stage("supplement_requested", missing_materials=["营业执照复印件"])
        await dispatcher.run_once()
        assert p.fake.received[-1].api == "twilio"


async def test_a_stalled_send_is_unknown_then_retried_not_failed(tmp_path: Path) -> None:
    async for p in _pipeline(tmp_path, send_timeout_seconds=0.3):
        p.fake.behaviour.stall_seconds = 1.0
        await p.stage("accepted")
        await p.notify.dispatcher.run_once()
        assert set(p.states()) == {State.UNKNOWN}
        p.fake.behaviour.stall_seconds = 0
        p.clock.advance(minutes=5)
        await p.notify.sweep()
        assert set(p.states()) == {State.QUEUED}


async def test_receipts_resolve_in_any_order_and_unknown_ones_are_harmless(pipeline: Pipeline
                                                                          ) -> None:
    await pipeline.stage("accepted")
    outbox = pipeline.notify.outbox
    claimed = await outbox.claim("sms", (0, 1), pipeline.clock().timestamp(), 10, "c1")
    first = claimed[0]
    # The receipt arrives before the send's result (and provider id) is recorded.
    assert await pipeline.notify.receipt(Receipt(first.id, "twilio", "SM1",
                                                 ReceiptStatus.DELIVERED))
    await outbox.finish([Outcome(first.id, "c1", OutcomeKind.SENT, "twilio", "SM1", 1,
                                 sent_day="2026-11-27")], pipeline.clock().timestamp())
    assert outbox.get(first.id) is not None
    assert outbox.get(first.id).state is State.DELIVERED  # type: ignore[union-attr]
    # Twice, and a permanent one after delivered: no change.
    assert await pipeline.notify.receipt(Receipt(first.id, "twilio", "SM1",
                                                 ReceiptStatus.PERMANENT))
    assert outbox.get(first.id).state is State.DELIVERED  # type: ignore[union-attr]
    assert not await pipeline.notify.receipt(Receipt(99999, "twilio", "SMx",
                                                     ReceiptStatus.DELIVERED))


async def test_sent_messages_without_a_receipt_for_72_hours_end_unknown(pipeline: Pipeline
                                                                        ) -> None:
    await pipeline.stage("accepted")
    await pipeline.notify.dispatcher.run_once()
    pipeline.clock.advance(hours=71)
    await pipeline.notify.sweep()
    assert set(pipeline.states()) == {State.SENT}
    pipeline.clock.advance(hours=2)
    await pipeline.notify.sweep()
    assert set(pipeline.states()) == {State.UNKNOWN}


async def test_a_conditional_claim_never_hands_one_message_to_two_workers(pipeline: Pipeline
                                                                          ) -> None:
    await pipeline.stage("accepted")
    now = pipeline.clock().timestamp()
    first = await pipeline.notify.outbox.claim("sms", (0, 1), now, 10, "worker-a")
    second = await pipeline.notify.outbox.claim("sms", (0, 1), now, 10, "worker-b")
    assert len(first) == 2 and second == []


async def test_deadline_scan_alerts_the_handler_of_an_overdue_case_once_a_day(
        tmp_path: Path) -> None:
    """Red alert to the responsible staff for an open overdue case; a rescan adds nothing."""
    from civicline.core.ingest import apply_batch_sync

    clock = FixedClock(NOW)
    services = open_services(make_settings(tmp_path / "d"), clock, with_search=False)
    try:
        apply_batch_sync(services.cases, [
            make_event(case_no="OVER-1", at=NOW - timedelta(days=30), promised_days=3),
            make_event(case_no="DONE-1", at=NOW - timedelta(days=30), promised_days=3),
            make_event(case_no="DONE-1", stage="concluded", first=False,
                       at=NOW - timedelta(days=20)),
            make_event(case_no="FRESH-1", at=NOW - timedelta(hours=2), promised_days=10),
        ])
        notify = open_notify(services, [])
        assert await notify.notifier.scan_deadlines() == 1
        assert await notify.notifier.scan_deadlines() == 1  # built again, but deduplicated
        rows = notify.outbox.recent(limit=10)
        assert [(m.template, str(m.to)) for m in rows] == [("staff_overdue", "sms:13900002222")]
    finally:
        await services.close()
