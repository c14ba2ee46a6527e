"""A channel sender for notify's own tests: records sends, can hang, fail or refuse."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from civicline.notify.model import OutboxMessage
from civicline.notify.policy import CostBudget, SendPolicy
from civicline.notify.ports import Rendered, RenderError, Route


@dataclass
class RecordingSender:
    """Renders `{template}: {variables}`; `hang` makes every send wait until it is set."""

    channel: str
    policy: SendPolicy = field(default_factory=lambda: SendPolicy(poll_seconds=0.05))
    cost: int = 1
    budget: CostBudget = field(default_factory=lambda: CostBudget(1e6, 1e6))
    hang: asyncio.Event | None = None
    sent: list[OutboxMessage] = field(default_factory=list)
    entered: asyncio.Event = field(default_factory=asyncio.Event)  # a send began
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # a send completed
    closed: bool = False

    def render(self, template: str, variables: Mapping[str, str]) -> Rendered:
        if "missing" in variables.values():
            raise RenderError(f"{self.channel}: variable missing")
        return Rendered(f"{template}: {dict(variables)}", 1)

    def route(self, message: OutboxMessage, now: float) -> Route:
        return Route(f"{self.channel}-provider", self.cost, self.budget)

    async def send(self, message: OutboxMessage, route: Route) -> str:
        self.entered.set()
        if self.hang is not None:
            await self.hang.wait()
        self.sent.append(message)
        self.arrived.set()
        return f"{self.channel}-{message.id}"

    def settle(self, route: Route, ok: bool, now: float) -> None:
        pass

    async def close(self) -> None:
        self.closed = True
