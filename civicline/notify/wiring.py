"""Build the notify parts from the core services: outbox, notifier, dispatcher, sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from civicline.notify.dispatcher import Dispatcher
from civicline.notify.model import ReceiptStatus
from civicline.notify.notifier import Notifier
from civicline.notify.policy import backoff_seconds
from civicline.notify.ports import Provider
from civicline.services import Services
from civicline.sms.config import SmsSettings, sms_settings
from civicline.storage.outbox_sqlite import SqliteOutbox
from civicline.storage.sms_state_sqlite import SqliteSmsState

log = logging.getLogger("civicline.notify")
SWEEP_EVERY_SECONDS = 30.0
DEADLINE_SCAN_EVERY_SECONDS = 3600.0
DEADLINE_FIRST_SCAN_SECONDS = 60.0


@dataclass
class Notify:
    outbox: SqliteOutbox
    sms_state: SqliteSmsState
    notifier: Notifier
    dispatcher: Dispatcher
    sms: SmsSettings
    services: Services
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _dispatch: asyncio.Task[None] | None = None

    async def sweep(self) -> dict[str, int]:
        """One sweeper pass (also run by the worker at start)."""
        now = self.services.clock().timestamp()
        swept = await self.outbox.sweep(now, now - self.sms.stuck_after_seconds,
                                        now - self.sms.receipt_timeout_hours * 3600)
        await self.sms_state.prune(now)
        if any(swept.values()):
            log.info("outbox_swept", extra=swept)
            self.dispatcher.notify()
        return swept

    async def receipt(self, message_id: int | None, provider: str, provider_id: str,
                      status: ReceiptStatus, error: str = "") -> bool:
        """Apply a delivery receipt; a temporary failure is retried within the retry window."""
        now = self.services.clock().timestamp()
        retry_at = None
        message = self.outbox.get(message_id) if message_id is not None else None
        if status is ReceiptStatus.TEMPORARY and message is not None:
            delay = backoff_seconds(message.attempts + 1, self.sms.retry_base_seconds, 3600.0,
                                    self.dispatcher.rng)
            if now + delay <= message.created_at + self.sms.retry_max_hours * 3600:
                retry_at = now + delay
        known = await self.outbox.apply_receipt(message_id, provider, provider_id, status,
                                                error, now, retry_at)
        if known and message is not None and error.startswith("21610"):
            await self.sms_state.opt_out(message.recipient, f"receipt:{provider}:21610", now)
        if not known:
            log.warning("receipt_for_unknown_message",
                        extra={"message_id": message_id, "provider": provider})
        return known

    async def _sweeper(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # the sweeper outlives one bad pass
                log.exception("outbox_sweep_failed")
            await asyncio.sleep(min(SWEEP_EVERY_SECONDS, max(0.2, self.sms.stuck_after_seconds)))

    async def _deadline_scanner(self) -> None:
        # Not at start-up: a restarting process serves first; alerts are once a case a day.
        await asyncio.sleep(DEADLINE_FIRST_SCAN_SECONDS)
        while True:
            try:
                await self.notifier.scan_deadlines()
            except Exception:
                log.exception("deadline_scan_failed")
            await asyncio.sleep(DEADLINE_SCAN_EVERY_SECONDS)

    async def start(self, *, notifier: bool = True, dispatcher: bool = True,
                    deadlines: bool = False) -> None:
        """Start the background loops this process runs."""
        if notifier:
            await self.notifier.start_cursor()
            self.tasks.append(asyncio.create_task(self.notifier.run()))
        if dispatcher:
            self._dispatch = asyncio.create_task(self.dispatcher.run())
            self.tasks.append(self._dispatch)
            self.tasks.append(asyncio.create_task(self._sweeper()))
        if deadlines:
            self.tasks.append(asyncio.create_task(self._deadline_scanner()))

    async def close(self, drain_seconds: float = 5.0) -> None:
        """Stop: the dispatcher records the batch it has in hand (bounded), then all stop."""
        if self._dispatch is not None and not self._dispatch.done():
            self.dispatcher.stop()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._dispatch), drain_seconds)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        for provider in self.dispatcher.providers:
            await provider.close()


def open_notify(services: Services, providers: Sequence[Provider]) -> Notify:
    """The notify parts over the services' database, clock, bus and calendar."""
    sms = sms_settings(services.settings)
    outbox = SqliteOutbox(services.db)
    state = SqliteSmsState(services.db)
    dispatcher = Dispatcher(outbox, state, providers, sms, services.clock)
    notifier = Notifier(services.cases, outbox, state, services.bus, sms, services.calendar,
                        services.settings.deadlines.policy, services.clock,
                        on_queued=dispatcher.notify)
    return Notify(outbox, state, notifier, dispatcher, sms, services)
