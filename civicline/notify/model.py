"""Outbox messages, the contact points they are addressed to, and their states."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from civicline.core.masking import mask_phone


@dataclass(frozen=True, slots=True, order=True)
class ContactPoint:
    """Where one channel reaches one person: written `channel:address` in files and logs."""

    channel: str  # "sms", later "voice", "telegram", "wechat"
    address: str  # a phone number, a chat id, an openid

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"

    @property
    def masked(self) -> str:
        """For logs and operators: the address masked as a phone is (chat ids too)."""
        return f"{self.channel}:{mask_phone(self.address)}"

    @classmethod
    def parse(cls, text: str) -> ContactPoint:
        """`sms:+8613800000000` → ContactPoint; the error names what is wrong."""
        channel, sep, address = text.strip().partition(":")
        channel, address = channel.strip().lower(), address.strip()
        if not sep or not channel or not address:
            raise ValueError(f"联系方式应写作“渠道:地址”，如 sms:+8613800000000，而不是 {text!r}")
        if not channel.isascii() or not channel.replace("_", "").isalnum():
            raise ValueError(f"渠道名只能由字母、数字或 _ 组成：{channel!r}")
        return cls(channel, address)


class Purpose(StrEnum):
    """Why a message is sent; the dispatcher's rules (quiet hours, caps, lanes) follow it."""

    REPLY = "reply"  # an answer to the person's own message: never held by quiet hours
    REMINDER = "reminder"  # citizen stage updates: held during quiet hours
    STAFF = "staff"  # staff notices (assigned, due soon): held during quiet hours
    STAFF_URGENT = "staff_urgent"  # overdue alerts: never held


# 0: replies and urgent alerts, 1: everything else: a reply never waits behind reminders.
PRIORITY = {Purpose.REPLY: 0, Purpose.STAFF_URGENT: 0, Purpose.STAFF: 1, Purpose.REMINDER: 1}
PRIORITIES = (0, 1)


class State(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"  # accepted by the provider, no receipt yet
    DELIVERED = "delivered"
    FAILED = "failed"  # transient failures exhausted the retry window
    UNDELIVERABLE = "undeliverable"  # permanent: invalid address, opted out, too costly
    UNKNOWN = "unknown"  # send timed out (retried later) or no receipt within 72 hours


FINAL_STATES = frozenset({State.DELIVERED, State.FAILED, State.UNDELIVERABLE})


@dataclass(frozen=True, slots=True)
class NewMessage:
    dedupe_key: str  # event + contact point + template: a repeated event never queues twice
    to: ContactPoint
    template: str  # channel-neutral template id ("case_accepted")
    version: int  # the channel's template version, so a change of wording is traceable
    variables: dict[str, str]
    body: str  # rendered by the channel when queued (what operators and the dev page show)
    purpose: Purpose
    priority: int
    not_before: float | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    dedupe_key: str
    to: ContactPoint
    template: str
    version: int
    variables: dict[str, str]
    body: str
    purpose: str
    priority: int
    state: State
    provider: str  # which of the channel's routes took it (twilio, gateway, console)
    provider_id: str
    attempts: int
    cost: int  # in the channel's own unit (SMS: billable parts)
    next_attempt_at: float | None
    created_at: float
    updated_at: float
    sent_at: float | None
    last_error: str
    claim: str = field(default="", repr=False)


class OutcomeKind(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # transient: back to queued at next_attempt_at
    DEFER = "defer"  # not attempted (quiet hours, rate, cap): back to queued, no attempt counted
    UNKNOWN = "unknown"  # timed out: the provider may have it; reconcile or retry later
    PERMANENT = "permanent"  # undeliverable
    GAVE_UP = "gave_up"  # transient errors past the retry window: failed


@dataclass(frozen=True, slots=True)
class Outcome:
    message_id: int
    claim: str
    kind: OutcomeKind
    provider: str = ""
    provider_id: str = ""
    cost: int = 0
    next_attempt_at: float | None = None
    error: str = ""
    sent_day: str = ""
    attempted: bool = True


class ReceiptStatus(StrEnum):
    DELIVERED = "delivered"
    TEMPORARY = "temporary"  # the network gave up for now: retry within the window
    PERMANENT = "permanent"
    ACCEPTED = "accepted"  # an intermediate status (queued/sent at the provider)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A channel's delivery report, found by our message id (preferred) or the provider's."""

    message_id: int | None
    provider: str
    provider_id: str
    status: ReceiptStatus
    error: str = ""
    opted_out: bool = False  # the provider says the address opted out (Twilio 21610)
