"""The dispatcher: claims due messages from the outbox and hands them to their channel.

One lane per channel, so a slow or hanging channel never holds another's queue; within a
channel two priority lanes (replies and urgent alerts; everything else), so a citizen's
reply never waits behind a bulk reminder run. Each message is claimed by a conditional
state change before it is sent, and its result is written under that claim only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from civicline.core.ports import Clock
from civicline.notify.model import (
    PRIORITIES,
    OutboxMessage,
    Outcome,
    OutcomeKind,
    Purpose,
)
from civicline.notify.policy import SHANGHAI, backoff_seconds
from civicline.notify.ports import (
    ChannelSender,
    ChannelState,
    ErrorKind,
    OutboxStore,
    Route,
    SendError,
)
from civicline.notify.templates import OPT_OUT_CONFIRMATIONS

log = logging.getLogger("civicline.notify.dispatch")
QUIET_PURPOSES = frozenset({Purpose.REMINDER.value, Purpose.STAFF.value})
LANES: tuple[tuple[int, ...], ...] = tuple((p,) for p in PRIORITIES)
Duty = Callable[[], Awaitable[None]]


class Dispatcher:
    """Sends what the outbox holds, one lane per channel and priority."""

    def __init__(self, outbox: OutboxStore, senders: Sequence[ChannelSender],
                 states: Mapping[str, ChannelState], clock: Clock, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self.outbox = outbox
        self.senders = {s.channel: s for s in senders}
        self.states = dict(states)
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep  # pacing to a rate budget (tests pass one that moves a clock)
        self.rng = rng or random.Random()  # noqa: S311 -- jitter, not secrets
        self._wakes = {(channel, lane): asyncio.Event()
                       for channel in self.senders for lane in range(len(LANES))}
        self.attempts_started = 0  # for benchmarks and tests
        self.first_attempt_at: dict[int, float] = {}
        self.record_first_attempts = False
        self.stopping = False  # set by a graceful stop: finish the batch in hand, claim no more

    def stop(self) -> None:
        """Claim nothing more; the lanes return once their batch in hand is recorded."""
        self.stopping = True
        self.notify()

    def notify(self, channel: str | None = None) -> None:
        """Something was queued: wake the lanes now rather than at the next poll."""
        for (lane_channel, _), event in self._wakes.items():
            if channel is None or channel == lane_channel:
                event.set()

    def lanes(self) -> list[tuple[str, Duty]]:
        """(name, duty) of every lane, for the owner to run supervised."""
        return [(f"notify.dispatch.{channel}.p{lane}",
                 self._lane_duty(channel, lane))
                for channel in self.senders for lane in range(len(LANES))]

    def _lane_duty(self, channel: str, lane: int) -> Duty:
        async def duty() -> None:
            await self._lane(channel, lane)
        return duty

    async def _lane(self, channel: str, lane: int) -> None:
        sender, wake = self.senders[channel], self._wakes[(channel, lane)]
        while not self.stopping:
            wake.clear()
            done = await self._run_channel(sender, LANES[lane])
            if done == 0 and not self.stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), sender.policy.poll_seconds)

    async def run_once(self, priorities: tuple[int, ...] = PRIORITIES,
                       channel: str | None = None) -> int:
        """One batch per channel (or `channel`'s); returns how many messages were claimed."""
        senders = [self.senders[channel]] if channel else list(self.senders.values())
        return sum([await self._run_channel(s, priorities) for s in senders])

    async def _run_channel(self, sender: ChannelSender, priorities: tuple[int, ...]) -> int:
        claim = secrets.token_hex(8)
        batch = await self.outbox.claim(sender.channel, priorities, self.clock().timestamp(),
                                        sender.policy.concurrency, claim)
        if not batch:
            return 0
        counted: Counter[tuple[str, str]] = Counter()  # this batch's sends, for the daily cap
        outcomes = await asyncio.gather(*(self._handle(sender, m, counted) for m in batch))
        await self.outbox.finish(outcomes, self.clock().timestamp())
        return len(batch)

    # -- one message -------------------------------------------------------------------------

    async def _handle(self, sender: ChannelSender, message: OutboxMessage,
                      counted: Counter[tuple[str, str]]) -> Outcome:
        now = self.clock()
        held = self._held(sender, message, now, counted)
        if held is not None:
            return held
        route = sender.route(message, self.monotonic())
        wait = route.budget.reserve(route.cost, self.monotonic())
        if wait > 0:  # pacing to the provider's rate in its cost unit, not waiting for a state
            await self.sleep(wait)
        self.attempts_started += 1
        if self.record_first_attempts:
            self.first_attempt_at.setdefault(message.id, time.perf_counter())
        try:
            provider_id = await asyncio.wait_for(sender.send(message, route),
                                                 sender.policy.timeout_seconds)
        except TimeoutError:
            return self._failed(sender, message, route, SendError(ErrorKind.TIMEOUT,
                                                                  "timed out"))
        except SendError as exc:
            if exc.kind is ErrorKind.OPTED_OUT:
                await self._opt_out(message, f"provider:{route.provider}:{exc.code}")
            return self._failed(sender, message, route, exc)
        sender.settle(route, True, self.monotonic())
        log.info("notify_sent", extra={"message_id": message.id, "to": message.to.masked,
                                       "provider": route.provider, "cost": route.cost})
        return Outcome(message.id, message.claim, OutcomeKind.SENT, provider=route.provider,
                       provider_id=provider_id, cost=route.cost,
                       sent_day=now.astimezone(SHANGHAI).date().isoformat())

    async def _opt_out(self, message: OutboxMessage, source: str) -> None:
        state = self.states.get(message.to.channel)
        if state is not None:
            await state.opt_out(message.to.address, source, self.clock().timestamp())

    def _held(self, sender: ChannelSender, message: OutboxMessage, now: datetime,
              counted: Counter[tuple[str, str]]) -> Outcome | None:
        """Not attempted now: opted out, quiet hours or the daily cap."""
        state = self.states.get(message.to.channel)
        if message.template not in OPT_OUT_CONFIRMATIONS and state is not None and \
                state.is_opted_out(message.to.address):
            return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                           error="opted out", attempted=False)
        policy = sender.policy
        if message.purpose in QUIET_PURPOSES and policy.quiet is not None:
            until = policy.quiet.until(now)
            if until is not None:
                return Outcome(message.id, message.claim, OutcomeKind.DEFER,
                               next_attempt_at=until.timestamp(), error="quiet hours",
                               attempted=False)
        if policy.daily_cap_per_template is None:
            return None
        day = now.astimezone(SHANGHAI).date()
        key = (message.to.address, message.template)
        if self.outbox.sent_today(message.to.channel, *key, day.isoformat()) + counted[key] \
                >= policy.daily_cap_per_template:
            if message.purpose == Purpose.REPLY.value:
                return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                               error="daily cap", attempted=False)
            tomorrow = datetime.combine(day + timedelta(days=1), policy.cap_resets_at,
                                        tzinfo=SHANGHAI)
            return Outcome(message.id, message.claim, OutcomeKind.DEFER,
                           next_attempt_at=tomorrow.timestamp(), error="daily cap",
                           attempted=False)
        counted[key] += 1
        return None

    def _failed(self, sender: ChannelSender, message: OutboxMessage, route: Route,
                exc: SendError) -> Outcome:
        sender.settle(route, not exc.retryable, self.monotonic())
        log.warning("notify_send_failed", extra={"message_id": message.id,
                                                 "provider": route.provider,
                                                 "to": message.to.masked, "error": str(exc)})
        if not exc.retryable:
            return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                           provider=route.provider, error=str(exc))
        now = self.clock().timestamp()
        retry_at = self.retry_at(sender, message, now)
        if retry_at is None:
            return Outcome(message.id, message.claim, OutcomeKind.GAVE_UP,
                           provider=route.provider, error=str(exc))
        kind = OutcomeKind.UNKNOWN if exc.kind is ErrorKind.TIMEOUT else OutcomeKind.RETRY
        return Outcome(message.id, message.claim, kind, provider=route.provider,
                       next_attempt_at=retry_at, error=str(exc))

    def retry_at(self, sender: ChannelSender, message: OutboxMessage, now: float
                 ) -> float | None:
        """When to try again after a transient failure; None once past the retry window."""
        policy = sender.policy
        delay = backoff_seconds(message.attempts + 1, policy.retry_base_seconds,
                                policy.retry_cap_seconds, self.rng)
        if now + delay > message.created_at + policy.retry_max_hours * 3600:
            return None
        return now + delay
