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
