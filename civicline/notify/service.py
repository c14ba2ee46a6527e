"""The notify duties of one process: notifier, dispatcher lanes, sweeper, deadline scanner.

Every loop runs supervised (civicline.core.background): a failed write is logged at ERROR
and the loop restarted with backoff, never left dead in silence; rows a dead lane left in
`sending` are re-queued by the sweeper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from civicline.core.background import Background
from civicline.core.ports import Clock
from civicline.notify.dispatcher import Dispatcher
from civicline.notify.model import Receipt, ReceiptStatus
from civicline.notify.notifier import Notifier
from civicline.notify.ports import ChannelSender, ChannelState, OutboxStore
from civicline.notify.templates import Composer

log = logging.getLogger("civicline.notify")
SWEEP_EVERY_SECONDS = 30.0
DEADLINE_SCAN_EVERY_SECONDS = 3600.0
DEADLINE_FIRST_SCAN_SECONDS = 60.0
Housekeeping = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SweepPolicy:
    stuck_after_seconds: float = 300.0  # "sending" longer than this: re-queued
    receipt_timeout_hours: float = 72.0  # "sent" without a receipt this long: unknown


class Notify:
    """Owns the notify loops; `receipt` is where channels report deliveries."""

    def __init__(self, outbox: OutboxStore, notifier: Notifier, dispatcher: Dispatcher,
                 composer: Composer, clock: Clock, sweep_policy: SweepPolicy, *,
                 housekeeping: Sequence[Housekeeping] = (),
                 background: Background | None = None) -> None:
        self.outbox, self.notifier, self.dispatcher = outbox, notifier, dispatcher
        self.composer, self.clock, self.sweep_policy = composer, clock, sweep_policy
        self.housekeeping = list(housekeeping)  # channels' own pruning, run with each sweep
        self.background = background or Background()
        self._lanes: list[asyncio.Task[None]] = []

    @property
    def senders(self) -> Mapping[str, ChannelSender]:
        return self.dispatcher.senders

    @property
    def states(self) -> Mapping[str, ChannelState]:
        return self.dispatcher.states

    async def sweep(self) -> dict[str, int]:
        """One sweeper pass (also run by the worker at start)."""
        now = self.clock().timestamp()
        policy = self.sweep_policy
        swept = await self.outbox.sweep(now, now - policy.stuck_after_seconds,
                                        now - policy.receipt_timeout_hours * 3600)
        for task in self.housekeeping:
            await task(now)
        if any(swept.values()):
            log.info("outbox_swept", extra=swept)
            self.dispatcher.notify()
        return swept

    async def receipt(self, receipt: Receipt) -> bool:
        """Apply a delivery receipt; a temporary failure is retried within the retry window."""
        now = self.clock().timestamp()
        retry_at = None
        message = self.outbox.get(receipt.message_id) if receipt.message_id is not None \
            else None
        sender = self.senders.get(message.to.channel) if message is not None else None
        if receipt.status is ReceiptStatus.TEMPORARY and message is not None and \
                sender is not None:
            retry_at = self.dispatcher.retry_at(sender, message, now)
        known = await self.outbox.apply_receipt(receipt.message_id, receipt.provider,
                                                receipt.provider_id, receipt.status,
                                                receipt.error, now, retry_at)
        if known and message is not None and receipt.opted_out:
            state = self.states.get(message.to.channel)
            if state is not None:
                await state.opt_out(message.to.address,
                                    f"receipt:{receipt.provider}:{receipt.error[:5]}", now)
        if not known:
            log.warning("receipt_for_unknown_message",
                        extra={"message_id": receipt.message_id, "provider": receipt.provider})
        return known

    async def _sweeper(self) -> None:
        interval = min(SWEEP_EVERY_SECONDS, max(0.2, self.sweep_policy.stuck_after_seconds))
        while True:
            await self.sweep()
            await asyncio.sleep(interval)

    async def _deadline_scanner(self) -> None:
        # Not at start-up: a restarting process serves first; alerts are once a case a day.
        await asyncio.sleep(DEADLINE_FIRST_SCAN_SECONDS)
        while True:
            await self.notifier.scan_deadlines()
            await asyncio.sleep(DEADLINE_SCAN_EVERY_SECONDS)

    async def _notifier(self) -> None:
        await self.notifier.start_cursor()
        await self.notifier.run()

    async def start(self, *, notifier: bool = True, dispatcher: bool = True,
                    deadlines: bool = False) -> None:
        """Start the supervised loops this process runs."""
        if notifier:
            self.background.start("notify.notifier", self._notifier)
        if dispatcher:
            self._lanes = [self.background.start(name, duty)
                           for name, duty in self.dispatcher.lanes()]
            self.background.start("notify.sweeper", self._sweeper)
        if deadlines:
            self.background.start("notify.deadlines", self._deadline_scanner)

    def running(self) -> dict[str, bool]:
        """Each loop's name and whether it runs (for readiness)."""
        return self.background.running()

    async def close(self, drain_seconds: float = 5.0) -> None:
        """Stop: the lanes record the batch they have in hand (bounded), then all stop."""
        lanes = [lane for lane in self._lanes if not lane.done()]
        if lanes:
            self.dispatcher.stop()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(asyncio.gather(*lanes)), drain_seconds)
        await self.background.close()
        self._lanes.clear()
        for sender in self.senders.values():
            await sender.close()
