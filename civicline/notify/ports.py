"""What the dispatcher needs from an SMS provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class ErrorKind(StrEnum):
    TRANSIENT = "transient"  # 5xx, 429, connection refused: retry with backoff
    TIMEOUT = "timeout"  # the provider may have it: "unknown", reconciled or retried later
    PERMANENT = "permanent"  # invalid number and the like: never retried
    OPTED_OUT = "opted_out"  # the number opted out at the provider (Twilio 21610)


class SendError(Exception):
    """A send that did not go through; `kind` says what the dispatcher does next."""

    def __init__(self, kind: ErrorKind, detail: str, code: str = "") -> None:
        super().__init__(f"{kind}: {code} {detail}".strip())
        self.kind = kind
        self.detail = detail
        self.code = code

    @property
    def retryable(self) -> bool:
        return self.kind in (ErrorKind.TRANSIENT, ErrorKind.TIMEOUT)


@dataclass(frozen=True, slots=True)
class SendRequest:
    message_id: int
    to: str
    body: str  # rendered text (Twilio, console)
    template_code: str  # the gateway's approved template code
    variables: dict[str, str] = field(default_factory=dict)


class Provider(Protocol):
    name: str
    counting: str  # "twilio" or "gateway": how its billable parts are counted

    async def send(self, request: SendRequest) -> str:
        """Hand one message to the provider; returns its message id or raises SendError."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Inbound:
    """What the SMS state knew of an inbound message when it recorded it."""

    first: bool  # False: a repeat (same provider id, or the same text from the number lately)
    opted_out: bool  # the number had opted out (before this message)


class SmsState(Protocol):
    """The SMS channel's state kept beside the outbox (opt-outs, subscriptions, choices)."""

    # Synchronous: answered from this process's memory (see storage.inbound_sqlite); the
    # reply path awaits nothing for it.
    def record_inbound(self, provider_message_id: str, phone: str, text_hash: str,
                       now: float, window_seconds: float) -> Inbound: ...
    async def opt_out(self, phone: str, source: str, now: float) -> bool: ...
    async def opt_in(self, phone: str) -> bool: ...
    async def subscribe(self, phone: str, case_key: str, now: float) -> None: ...
    async def unsubscribe_all(self, phone: str) -> int: ...
    async def set_choices(self, phone: str, choices: list[str], expires_at: float) -> None: ...
    def choices(self, phone: str, now: float) -> list[str]: ...
