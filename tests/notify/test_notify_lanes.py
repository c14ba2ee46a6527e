"""Lanes: one per channel and priority, supervised; a slow channel or a costly message never
holds anyone else's messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from civicline.core.background import Background
from civicline.core.clock import FixedClock
from civicline.notify.dispatcher import Dispatcher
from civicline.notify.model import ContactPoint, State
from civicline.notify.notifier import Notifier, NotifierPolicy
from civicline.notify.policy import SendPolicy
from civicline.notify.ports import ChannelSender
from civicline.notify.service import Notify, SweepPolicy
from civicline.notify.templates import Composer
from civicline.notify_wiring import open_notify
from civicline.services import Services, open_services
from civicline.storage.outbox_sqlite import SqliteOutbox
from tests.conftest import make_settings
from tests.factories import NOW
from tests.fakes.sms_provider import sms_message
from tests.notify.fake_senders import RecordingSender

GUARD_SECONDS = 10.0  # only guards against a hang; every wait below is for an event


def _notify(services: Services, senders: Sequence[ChannelSender],
            sweep: SweepPolicy | None = None, background: Background | None = None
            ) -> Notify:
    outbox = SqliteOutbox(services.db)
    composer = Composer({s.channel: s.render for s in senders})
    dispatcher = Dispatcher(outbox, senders, {}, services.clock)
    notifier = Notifier(services.cases, outbox, {}, services.bus, composer, services.calendar,
                        services.settings.deadlines.policy, services.clock,
                        NotifierPolicy({}, 0.05))
    return Notify(outbox, notifier, dispatcher, composer, services.clock, sweep or SweepPolicy(),
                  background=background)


async def _queue(notify: Notify, channel: str, address: str, dedupe: str) -> int:
    message = notify.composer.message(ContactPoint(channel, address), "reply",
                                      {"content": dedupe}, dedupe)
    [message_id] = await notify.outbox.enqueue([message], notify.clock().timestamp())
    assert message_id is not None
    return message_id


def _state(notify: Notify, message_id: int) -> State:
    message = notify.outbox.get(message_id)
    assert message is not None
    return message.state


async def test_a_hanging_channel_never_holds_another_channels_queue(
        services: Services) -> None:
    slow = RecordingSender("slow", SendPolicy(poll_seconds=0.05, timeout_seconds=600),
                           hang=asyncio.Event())
    fast = RecordingSender("fast")
    notify = _notify(services, [slow, fast])
    stuck = await _queue(notify, "slow", "a", "s1")
    await notify.start(notifier=False, dispatcher=True)
    await asyncio.wait_for(slow.entered.wait(), GUARD_SECONDS)
    # Queued after the slow channel's send hung: the fast channel's own lane sends it.
    sent = await _queue(notify, "fast", "b", "f1")
    notify.dispatcher.notify("fast")
    await asyncio.wait_for(fast.arrived.wait(), GUARD_SECONDS)
    await notify.close(drain_seconds=0.2)
    assert [m.id for m in fast.sent] == [sent] and slow.sent == []
    assert (_state(notify, sent), _state(notify, stuck)) == (State.SENT, State.SENDING)
    assert slow.closed and fast.closed


async def test_a_lane_whose_write_fails_is_logged_restarted_and_its_claim_swept_back(
        services: Services, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    restarting = asyncio.Event()

    async def backoff(seconds: float) -> None:  # the supervisor's pause, not waited out
        restarting.set()

    sender = RecordingSender("fast")
    notify = _notify(services, [sender], SweepPolicy(stuck_after_seconds=60),
                     Background(sleep=backoff))
    await services.db.write(lambda c: c.execute(
        "CREATE TRIGGER refuse_sent BEFORE UPDATE OF state ON outbox WHEN NEW.state='sent' "
        "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"))
    message_id = await _queue(notify, "fast", "a", "m1")
    with caplog.at_level(logging.ERROR, logger="civicline.background"):
        await notify.start(notifier=False, dispatcher=True)
        await asyncio.wait_for(restarting.wait(), GUARD_SECONDS)
    assert any(r.getMessage() == "background_task_failed" and r.levelno == logging.ERROR
               for r in caplog.records)
    assert notify.running()["notify.dispatch.fast.p0"]  # restarted, not dead
    assert _state(notify, message_id) is State.SENDING
    await services.db.write(lambda c: c.execute("DROP TRIGGER refuse_sent"))
    sender.arrived.clear()
    clock.advance(minutes=2)
    assert (await notify.sweep())["stuck"] == 1  # no restart of the process needed
    await asyncio.wait_for(sender.arrived.wait(), GUARD_SECONDS)
    await notify.close()
    assert _state(notify, message_id) is State.SENT
    assert len(sender.sent) == 2  # the first send's result was lost with the failed write


async def test_a_message_costing_more_than_the_burst_is_sent_and_holds_nobody(
        tmp_path: Path) -> None:
    """Issue 18: a 12-part SMS under a 10-part burst used to wait for ever, and its lane."""
    settings = make_settings(tmp_path / "data", sms={"providers": ["console"],
                                                     "console_parts_per_second": 10.0})
    services = open_services(settings, FixedClock(NOW), with_search=False)
    notify = open_notify(services)
    mono = [100.0]
    waits: list[float] = []

    async def pace(seconds: float) -> None:  # the dispatcher's pacing, on a fake clock
        waits.append(seconds)
        mono[0] += seconds

    notify.dispatcher.monotonic = lambda: mono[0]
    notify.dispatcher.sleep = pace
    long_text = "长" * 800  # UCS-2: 12 parts of 67
    messages = [sms_message("reply", "13800001111", "big", {"content": long_text}),
                sms_message("reply", "13800002222", "small", {"content": "短信"})]
    await notify.outbox.enqueue(messages, NOW.timestamp())
    try:
        assert await notify.dispatcher.run_once() == 2
        rows = {m.to.address: m for m in notify.outbox.recent()}
        assert {a: m.cost for a, m in rows.items()} == {"13800001111": 12, "13800002222": 1}
        # The console provider reports delivery at once; either state means it went out.
        assert {m.state for m in rows.values()} <= {State.SENT, State.DELIVERED}
        # The big one went with a full bucket; the small one waited only for its own part
        # while the bucket repaid the two parts it was overdrawn by.
        assert waits == [pytest.approx(0.3)]
    finally:
        await notify.close()
        await services.close()
