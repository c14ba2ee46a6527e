"""Composition: the notify platform over the services' database, with each channel's senders
and state. The one place that knows both the storage classes and the channels' factories.

Until the channel registry lists senders, the SMS channel is wired here by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from civicline.notify.dispatcher import Dispatcher
from civicline.notify.model import Receipt
from civicline.notify.notifier import Notifier, NotifierPolicy, parse_rules
from civicline.notify.ports import ChannelSender, ChannelState
from civicline.notify.service import Notify, SweepPolicy
from civicline.notify.templates import Composer
from civicline.services import Services
from civicline.sms.config import sms_settings
from civicline.sms.providers.base import Provider
from civicline.sms.sender import CHANNEL as SMS
from civicline.sms.sender import SmsSender, sms_senders
from civicline.storage.outbox_sqlite import SqliteOutbox
from civicline.storage.sms_state_sqlite import SqliteSmsState
from civicline.storage.staff_sqlite import SqliteStaffDirectory


class AppNotify(Notify):
    """Notify as the app holds it: also the SMS channel's state and sender for its routes."""

    outbox: SqliteOutbox

    def __init__(self, services: Services, outbox: SqliteOutbox, sms_state: SqliteSmsState,
                 senders: Sequence[ChannelSender], states: dict[str, ChannelState]) -> None:
        sms = sms_settings(services.settings)
        composer = Composer({s.channel: s.render for s in senders})
        dispatcher = Dispatcher(outbox, senders, states, services.clock)
        notifier = Notifier(services.cases, outbox, states, services.bus, composer,
                            services.calendar, services.settings.deadlines.policy,
                            services.clock, NotifierPolicy(parse_rules(sms.notify_rules),
                                                           sms.poll_seconds),
                            on_queued=dispatcher.notify)
        super().__init__(outbox, notifier, dispatcher, composer, services.clock,
                         SweepPolicy(sms.stuck_after_seconds, sms.receipt_timeout_hours),
                         housekeeping=[sms_state.prune])
        self.services = services
        self.sms_state = sms_state
        self.staff = SqliteStaffDirectory(services.db)

    @property
    def sms_sender(self) -> SmsSender | None:
        sender = self.senders.get(SMS)
        return sender if isinstance(sender, SmsSender) else None


def open_notify(services: Services, providers: Sequence[Provider] | None = None
                ) -> AppNotify:
    """The notify parts over the services' database, clock, bus and calendar.

    `providers` replaces the configured SMS providers (tests, benchmarks; [] for commands
    that only read the outbox or queue messages).
    """
    outbox = SqliteOutbox(services.db)
    sms_state = SqliteSmsState(services.db)
    notify: AppNotify | None = None

    async def receipts(receipt: Receipt) -> bool:
        # Bound late: the senders are built before the notify object that applies receipts.
        return await notify.receipt(receipt) if notify is not None else False

    senders = sms_senders(services.settings, receipts, providers=providers)
    notify = AppNotify(services, outbox, sms_state, senders, {SMS: sms_state})
    return notify
