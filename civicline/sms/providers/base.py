"""What the SMS sender needs from one provider (Twilio, the mainland gateway, the console)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


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
