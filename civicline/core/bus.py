"""The event bus: every accepted case or guide change is published once, in order per key.

`InProcessBus` is the embedded default. Subscribers get their own bounded queue, so a slow
subscriber (a display wall on a bad link) never delays the others; one that overflows is
told so and drops its subscription (it re-reads a snapshot and subscribes again). A Redis
implementation of the same protocol carries messages between processes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

CASE_TOPIC = "case"
GUIDE_TOPIC = "guide"


@dataclass(frozen=True, slots=True)
class BusMessage:
    topic: str
    key: str  # case key or guide id: order is kept per key
    payload: dict[str, Any]
    seq: int = 0  # assigned by the bus; increases across all topics


class SubscriberOverflow(Exception):
    """Raised to a subscriber whose buffer filled up; it must resynchronise."""


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[BusMessage]: ...
    async def close(self) -> None: ...


class EventBus(Protocol):
    async def publish(self, messages: list[BusMessage]) -> None:
        """Publish in the order given (callers give per-key order)."""
        ...
    def subscribe(self, topics: set[str], buffer: int = 10_000) -> Subscription: ...
    async def close(self) -> None: ...


S = TypeVar("S", bound=Subscription)
T = TypeVar("T")


def put_end_marker(queue: asyncio.Queue[T | None]) -> None:
    """Queue the None that ends a subscriber's iteration, making room for it when full."""
    while True:
        try:
            queue.put_nowait(None)
            return
        except asyncio.QueueFull:
            queue.get_nowait()


async def read_until_end(queue: asyncio.Queue[T | None], overflowed: Callable[[], bool]
                         ) -> AsyncIterator[T]:
    """A subscriber's queued items up to the end marker; SubscriberOverflow if it overflowed."""
    while True:
        item = await queue.get()
        if item is None:
            if overflowed():
                raise SubscriberOverflow
            return
        yield item


class SubscriptionRegistry(Generic[S]):
    """The live subscriptions of one bus: each bus adds the ones it makes in `subscribe`, and
    a subscription drops itself when it closes or ends."""

    def __init__(self) -> None:
        self._subscriptions: list[S] = []

    def _register(self, subscription: S) -> S:
        self._subscriptions.append(subscription)
        return subscription

    def drop(self, subscription: S) -> None:
        """Forget a subscription (it closed or ended); forgetting it twice is harmless."""
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    @property
    def subscriber_count(self) -> int:
        """Live subscriptions of this bus instance."""
        return len(self._subscriptions)

    async def _close_subscriptions(self) -> None:
        for subscription in list(self._subscriptions):  # each close drops itself
            await subscription.close()


@dataclass
class _LocalSubscription:
    bus: InProcessBus
    topics: set[str]
    queue: asyncio.Queue[BusMessage | None]
    overflowed: bool = field(default=False)

    def __aiter__(self) -> AsyncIterator[BusMessage]:
        return read_until_end(self.queue, lambda: self.overflowed)

    def offer(self, message: BusMessage) -> None:
        if self.overflowed or message.topic not in self.topics:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed = True
            self.bus.drop(self)
            put_end_marker(self.queue)

    async def close(self) -> None:
        self.bus.drop(self)
        put_end_marker(self.queue)


class InProcessBus(SubscriptionRegistry[_LocalSubscription]):
    """Fan-out inside one process; delivery is synchronous into each subscriber's queue."""

    def __init__(self) -> None:
        super().__init__()
        self._seq = itertools.count(1)

    async def publish(self, messages: list[BusMessage]) -> None:
        for message in messages:
            stamped = BusMessage(message.topic, message.key, message.payload, next(self._seq))
            for subscription in list(self._subscriptions):
                subscription.offer(stamped)

    def subscribe(self, topics: set[str], buffer: int = 10_000) -> _LocalSubscription:
        return self._register(
            _LocalSubscription(self, set(topics), asyncio.Queue(maxsize=buffer + 1)))

    async def close(self) -> None:
        await self._close_subscriptions()
