"""The hall's queue: calls reported by a queue system, and a minimal built-in queue.

Every call is published on the bus (topic "queue") for display walls and kiosks; a repeated
call of the same ticket on the same day is a recall (重呼), shown as such, not a new ticket.
Ticket numbers restart each day per category: the prefix letter(s) then three digits (A023).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from civicline.core.bus import BusMessage, EventBus
from civicline.core.errors import InvalidInput
from civicline.core.ports import Clock

QUEUE_TOPIC = "queue"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TICKET_RE = re.compile(r"^[A-Z]{1,2}[0-9]{1,4}$")
WINDOW_RE = re.compile(r"^[0-9A-Za-z\-]{1,8}$")


@dataclass(frozen=True, slots=True)
class QueueCategory:
    prefix: str  # "A"
    name: str  # "综合受理"


@dataclass(frozen=True, slots=True)
class Ticket:
    number: str
    category: QueueCategory
    issued_at: datetime
    waiting_ahead: int  # tickets of the category still waiting before this one


@dataclass(frozen=True, slots=True)
class Call:
    id: int  # increasing; display walls resume after the last id they drew
    ticket: str
    window: str
    service: str
    called_at: datetime
    recall: bool

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "ticket": self.ticket, "window": self.window,
                "service": self.service, "called_at": self.called_at.isoformat(),
                "recall": self.recall}


class QueueStore(Protocol):
    async def add_ticket(self, day: date, category: str, issued_at: datetime) -> tuple[str, int]:
        """Issue the next number of `category` today; returns (number, waiting ahead)."""
        ...
    async def next_waiting(self, day: date, categories: list[str], window: str,
                           called_at: datetime) -> str | None:
        """Mark the oldest waiting ticket of `categories` called at `window`; its number."""
        ...
    async def add_call(self, day: date, ticket: str, window: str, service: str,
                       called_at: datetime, source: str) -> Call: ...
    async def last_call_of_window(self, day: date, window: str) -> Call | None: ...
    async def calls_after(self, day: date, after_id: int, limit: int = 100) -> list[Call]: ...
    async def recent_calls(self, day: date, limit: int) -> list[Call]: ...
    async def waiting_counts(self, day: date) -> dict[str, int]: ...


class QueueService:
    """Issues tickets, records calls, and publishes each call once on the bus."""

    def __init__(self, store: QueueStore, bus: EventBus, categories: list[QueueCategory],
                 clock: Clock) -> None:
        self.store = store
        self.bus = bus
        self.categories = {c.prefix: c for c in categories}
        self.clock = clock

    def _today(self) -> date:
        return self.clock().astimezone(SHANGHAI).date()

    def category(self, prefix: str) -> QueueCategory:
        found = self.categories.get(prefix.strip().upper())
        if found is None:
            raise InvalidInput(f"未知的业务类别 {prefix[:8]!r}", "category")
        return found

    async def issue_ticket(self, prefix: str) -> Ticket:
        category = self.category(prefix)
        now = self.clock()
        number, ahead = await self.store.add_ticket(self._today(), category.prefix, now)
        return Ticket(number, category, now, ahead)

    async def report_call(self, ticket: str, window: str, service: str = "",
                          called_at: datetime | None = None, source: str = "api") -> Call:
        """A call from the hall's queue system or a window's staff page."""
        ticket = ticket.strip().upper()
        if not TICKET_RE.match(ticket):
            raise InvalidInput("票号应为 1–2 个字母加数字，如 A023", "ticket")
        if not WINDOW_RE.match(window.strip()):
            raise InvalidInput("窗口号应为 1–8 位字母或数字", "window")
        if not service:
            prefix = ticket.rstrip("0123456789")
            service = self.categories[prefix].name if prefix in self.categories else ""
        call = await self.store.add_call(self._today(), ticket, window.strip(), service[:40],
                                         called_at or self.clock(), source)
        await self.bus.publish([BusMessage(QUEUE_TOPIC, call.window, call.to_json())])
        return call

    async def call_next(self, window: str, prefixes: list[str] | None = None) -> Call | None:
        """Built-in queue: call the oldest waiting ticket (of the given categories) to `window`."""
        wanted = [self.category(p).prefix for p in prefixes] if prefixes else list(
            self.categories)
        now = self.clock()
        number = await self.store.next_waiting(self._today(), wanted, window, now)
        if number is None:
            return None
        return await self.report_call(number, window, called_at=now, source="builtin")

    async def recall(self, window: str) -> Call | None:
        """Call the window's current ticket again (重呼)."""
        last = await self.store.last_call_of_window(self._today(), window)
        if last is None:
            return None
        return await self.report_call(last.ticket, window, last.service, source="builtin")

    async def waiting_counts(self) -> dict[str, int]:
        counts = await self.store.waiting_counts(self._today())
        return {prefix: counts.get(prefix, 0) for prefix in self.categories}

    async def recent_calls(self, limit: int = 10) -> list[Call]:
        return await self.store.recent_calls(self._today(), limit)

    async def calls_after(self, after_id: int, limit: int = 100) -> list[Call]:
        return await self.store.calls_after(self._today(), after_id, limit)
