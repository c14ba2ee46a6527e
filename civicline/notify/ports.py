"""What the notify platform needs from each channel and from storage.

A channel that can push registers a `ChannelSender` (render, route, send) and, when it keeps
per-address state, a `ChannelState` (opt-outs, subscriptions). The outbox and the case feed
are reached through `OutboxStore` and the core's `CaseStore`; notify imports no channel and
no storage module.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from civicline.notify.model import (
    NewMessage,
    OutboxMessage,
    Outcome,
    Receipt,
    ReceiptStatus,
)
from civicline.notify.policy import CostBudget, SendPolicy


class ErrorKind(StrEnum):
    TRANSIENT = "transient"  # 5xx, 429, connection refused: retry with backoff
    TIMEOUT = "timeout"  # the provider may have it: "unknown", reconciled or retried later
    PERMANENT = "permanent"  # invalid address and the like: never retried
    OPTED_OUT = "opted_out"  # the address opted out at the provider (Twilio 21610)


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


class RenderError(ValueError):
    """A template is unknown to the channel or a variable is missing: raised when queuing."""


@dataclass(frozen=True, slots=True)
class Rendered:
    body: str
    version: int


@dataclass(slots=True)
class Route:
    """How one message goes out now: the channel's provider, its cost and that budget."""

    provider: str
    cost: int  # in the channel's unit (SMS: billable parts as that provider counts them)
    budget: CostBudget = field(repr=False)


class ChannelSender(Protocol):
    """One channel's way out. `send` raises SendError; the dispatcher does the rest."""

    @property
    def channel(self) -> str: ...
    @property
    def policy(self) -> SendPolicy: ...

    def render(self, template: str, variables: Mapping[str, str]) -> Rendered:
        """The text for a neutral template id; raises RenderError (missing variable…)."""
        ...

    def route(self, message: OutboxMessage, now: float) -> Route:
        """Choose the provider for `message` (`now`: monotonic seconds, for its health)."""
        ...

    async def send(self, message: OutboxMessage, route: Route) -> str:
        """Hand one message over; returns the provider's id or raises SendError."""
        ...

    def settle(self, route: Route, ok: bool, now: float) -> None:
        """How the attempt went (ok=False: the provider failed), for failover."""
        ...

    async def close(self) -> None: ...


class ChannelState(Protocol):
    """A channel's own per-address state the platform consults (opt-outs, subscriptions)."""

    def is_opted_out(self, address: str) -> bool: ...
    async def opt_out(self, address: str, source: str, now: float) -> bool: ...
    def subscribers(self, case_key: str) -> list[str]: ...


ReceiptSink = Callable[[Receipt], Coroutine[Any, Any, bool]]


class OutboxStore(Protocol):
    """The durable outbox and the notifier's cursor."""

    async def enqueue(self, messages: Sequence[NewMessage], now: float) -> list[int | None]: ...
    async def claim(self, channel: str, priorities: Sequence[int], now: float, limit: int,
                    claim: str) -> list[OutboxMessage]: ...
    async def finish(self, outcomes: Iterable[Outcome], now: float) -> int: ...
    async def apply_receipt(self, message_id: int | None, provider: str, provider_id: str,
                            status: ReceiptStatus, error: str, now: float,
                            retry_at: float | None) -> bool: ...
    async def sweep(self, now: float, stuck_before: float, receipt_before: float
                    ) -> dict[str, int]: ...
    def get(self, message_id: int) -> OutboxMessage | None: ...
    def sent_today(self, channel: str, address: str, template: str, day: str) -> int: ...
    def cursor(self, name: str) -> int: ...
    async def save_cursor(self, name: str, seq: int) -> None: ...
    def latest_event_seq(self) -> int: ...
