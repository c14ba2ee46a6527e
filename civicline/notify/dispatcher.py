"""The dispatcher: claims due messages from the outbox and hands them to providers.

Two lanes (replies and urgent alerts; everything else) so a citizen's reply never waits
behind a bulk reminder run. Each message is claimed by a conditional state change before it
is sent, and its result is written under that claim only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from civicline.core.masking import mask_phone
from civicline.core.ports import Clock
from civicline.notify.model import OutboxMessage, Outcome, OutcomeKind
from civicline.notify.policy import (
    SHANGHAI,
    PartBudget,
    ProviderHealth,
    backoff_seconds,
    parse_hhmm,
    quiet_until,
)
from civicline.notify.ports import ErrorKind, Provider, SendError, SendRequest
from civicline.sms.config import SmsSettings
from civicline.sms.segments import count_parts
from civicline.sms.templates import TEMPLATES, Purpose
from civicline.storage.outbox_sqlite import SqliteOutbox
from civicline.storage.sms_state_sqlite import SqliteSmsState

log = logging.getLogger("civicline.notify.dispatch")
QUIET_PURPOSES = frozenset({Purpose.REMINDER.value, Purpose.STAFF.value})
OPT_OUT_EXEMPT = frozenset({"stop_confirm", "start_confirm"})  # the one confirmation
LANES: tuple[tuple[int, ...], ...] = ((0,), (1,))


class Dispatcher:
    """Sends what the outbox holds; run() until cancelled."""

    def __init__(self, outbox: SqliteOutbox, state: SqliteSmsState,
                 providers: Sequence[Provider], sms: SmsSettings, clock: Clock, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.outbox = outbox
        self.state = state
        self.providers = list(providers)
        self.sms = sms
        self.clock = clock
        self.monotonic = monotonic
        self.rng = rng or random.Random()  # noqa: S311 -- jitter, not secrets
        self.wake = asyncio.Event()
        self.quiet_start, self.quiet_end = parse_hhmm(sms.quiet_start), parse_hhmm(sms.quiet_end)
        self.health = {p.name: ProviderHealth(sms.failover_window_seconds,
                                              sms.failover_error_rate, sms.failover_min_attempts,
                                              sms.failover_cooldown_seconds)
                       for p in self.providers}
        rates = {"twilio": sms.twilio_parts_per_second, "gateway": sms.gateway_parts_per_second,
                 "console": sms.console_parts_per_second}
        self.budgets = {p.name: PartBudget(rates.get(p.name, 10.0),
                                           max(rates.get(p.name, 10.0), 10.0))
                        for p in self.providers}
        self._lane_wakes = [asyncio.Event() for _ in LANES]
        self.attempts_started = 0  # for benchmarks and tests
        self.first_attempt_at: dict[int, float] = {}
        self.record_first_attempts = False
        self.stopping = False  # set by a graceful stop: finish the batch in hand, claim no more

    def stop(self) -> None:
        """Claim nothing more; the lanes return once their batch in hand is recorded."""
        self.stopping = True
        self.notify()

    def notify(self) -> None:
        """Something was queued: wake the lanes now rather than at the next poll."""
        for event in self._lane_wakes:
            event.set()

    async def run(self) -> None:
        if not self.providers:
            raise ValueError("[sms] providers: the dispatcher needs at least one provider")
        await asyncio.gather(*(self._lane(i, prio) for i, prio in enumerate(LANES)))

    async def _lane(self, index: int, priorities: tuple[int, ...]) -> None:
        wake = self._lane_wakes[index]
        while not self.stopping:
            wake.clear()
            done = await self.run_once(priorities)
            if done == 0 and not self.stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self.sms.poll_seconds)

    async def run_once(self, priorities: tuple[int, ...] = (0, 1)) -> int:
        """Claim one batch and send it; returns how many messages were claimed."""
        claim = secrets.token_hex(8)
        batch = await self.outbox.claim(priorities, self.clock().timestamp(),
                                        self.sms.send_concurrency, claim)
        if not batch:
            return 0
        counted: Counter[tuple[str, str]] = Counter()  # this batch's sends, for the daily cap
        outcomes = await asyncio.gather(*(self._handle(m, counted) for m in batch))
        await self.outbox.finish(outcomes, self.clock().timestamp())
        return len(batch)

    # -- one message -------------------------------------------------------------------------

    async def _handle(self, message: OutboxMessage, counted: Counter[tuple[str, str]]
                      ) -> Outcome:
        now = self.clock()
        held = self._held(message, now, counted)
        if held is not None:
            return held
        provider = self._choose(self.monotonic())
        parts = count_parts(message.body, provider.counting, self.sms.signature).parts
        budget = self.budgets[provider.name]
        wait = budget.wait_for(parts, self.monotonic())
        while wait > 0:  # pacing to the provider's rate in parts, not waiting for a state
            await asyncio.sleep(wait)
            wait = budget.wait_for(parts, self.monotonic())
        template = TEMPLATES.get(message.template)
        request = SendRequest(message.id, message.recipient, message.body,
                              template.gateway_code if template else message.template,
                              message.variables)
        self.attempts_started += 1
        if self.record_first_attempts:
            self.first_attempt_at.setdefault(message.id, time.perf_counter())
        try:
            provider_id = await asyncio.wait_for(provider.send(request),
                                                 self.sms.send_timeout_seconds)
        except TimeoutError:
            return self._failed(message, provider, SendError(ErrorKind.TIMEOUT, "timed out"))
        except SendError as exc:
            return await self._failed_async(message, provider, exc)
        self.health[provider.name].record(True, self.monotonic())
        log.info("sms_sent", extra={"message_id": message.id, "to": mask_phone(message.recipient),
                                    "provider": provider.name, "parts": parts})
        return Outcome(message.id, message.claim, OutcomeKind.SENT, provider=provider.name,
                       provider_id=provider_id, parts=parts,
                       sent_day=now.astimezone(SHANGHAI).date().isoformat())

    def _held(self, message: OutboxMessage, now: datetime,
              counted: Counter[tuple[str, str]]) -> Outcome | None:
        """Not attempted now: opted out, quiet hours or the daily cap."""
        if message.template not in OPT_OUT_EXEMPT and self.state.is_opted_out(
                message.recipient):
            return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                           error="opted out", attempted=False)
        if message.purpose in QUIET_PURPOSES:
            until = quiet_until(now, self.quiet_start, self.quiet_end)
            if until is not None:
                return Outcome(message.id, message.claim, OutcomeKind.DEFER,
                               next_attempt_at=until.timestamp(), error="quiet hours",
                               attempted=False)
        day = now.astimezone(SHANGHAI).date()
        key = (message.recipient, message.template)
        if self.outbox.sent_today(*key, day.isoformat()) + counted[key] >= \
                self.sms.daily_cap_per_template:
            if message.purpose == Purpose.REPLY.value:
                return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                               error="daily cap", attempted=False)
            tomorrow = datetime.combine(day + timedelta(days=1), self.quiet_end,
                                        tzinfo=SHANGHAI)
            return Outcome(message.id, message.claim, OutcomeKind.DEFER,
                           next_attempt_at=tomorrow.timestamp(), error="daily cap",
                           attempted=False)
        counted[key] += 1
        return None

    def _choose(self, now: float) -> Provider:
        for provider in self.providers:
            if self.health[provider.name].available(now):
                return provider
        return min(self.providers, key=lambda p: self.health[p.name].down_until)

    async def _failed_async(self, message: OutboxMessage, provider: Provider, exc: SendError
                            ) -> Outcome:
        if exc.kind is ErrorKind.OPTED_OUT:
            await self.state.opt_out(message.recipient, f"provider:{provider.name}:{exc.code}",
                                      self.clock().timestamp())
        return self._failed(message, provider, exc)

    def _failed(self, message: OutboxMessage, provider: Provider, exc: SendError) -> Outcome:
        self.health[provider.name].record(not exc.retryable, self.monotonic())
        log.warning("sms_send_failed", extra={"message_id": message.id, "provider": provider.name,
                                              "to": mask_phone(message.recipient),
                                              "error": str(exc)})
        if not exc.retryable:
            return Outcome(message.id, message.claim, OutcomeKind.PERMANENT,
                           provider=provider.name, error=str(exc))
        now = self.clock().timestamp()
        delay = backoff_seconds(message.attempts + 1, self.sms.retry_base_seconds,
                                3600.0, self.rng)
        if now + delay > message.created_at + self.sms.retry_max_hours * 3600:
            return Outcome(message.id, message.claim, OutcomeKind.GAVE_UP,
                           provider=provider.name, error=str(exc))
        kind = OutcomeKind.UNKNOWN if exc.kind is ErrorKind.TIMEOUT else OutcomeKind.RETRY
        return Outcome(message.id, message.claim, kind, provider=provider.name,
                       next_attempt_at=now + delay, error=str(exc))
