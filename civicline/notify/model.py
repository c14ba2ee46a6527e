"""Outbox messages and their states."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"  # accepted by the provider, no receipt yet
    DELIVERED = "delivered"
    FAILED = "failed"  # transient failures exhausted the retry window
    UNDELIVERABLE = "undeliverable"  # permanent: invalid number, opted out
    UNKNOWN = "unknown"  # send timed out (retried later) or no receipt within 72 hours


FINAL_STATES = frozenset({State.DELIVERED, State.FAILED, State.UNDELIVERABLE})


@dataclass(frozen=True, slots=True)
class NewMessage:
    dedupe_key: str  # event + recipient + template: a repeated event never queues twice
    recipient: str
    template: str
    version: int
    variables: dict[str, str]
    body: str  # the rendered text (what Twilio and the console send)
    purpose: str
    priority: int  # 0: replies and urgent alerts, 1: reminders
    not_before: float | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    dedupe_key: str
    recipient: str
    template: str
    version: int
    variables: dict[str, str]
    body: str
    purpose: str
    priority: int
    state: State
    provider: str
    provider_id: str
    attempts: int
    parts: int
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
    parts: int = 0
    next_attempt_at: float | None = None
    error: str = ""
    sent_day: str = ""
    attempted: bool = True


class ReceiptStatus(StrEnum):
    DELIVERED = "delivered"
    TEMPORARY = "temporary"  # the network gave up for now: retry within the window
    PERMANENT = "permanent"
    ACCEPTED = "accepted"  # an intermediate status (queued/sent at the provider)
