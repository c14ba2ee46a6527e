"""Guide changes: store a new version, update the search index, publish on the bus."""

from __future__ import annotations

import asyncio
import logging

from civicline.core.bus import GUIDE_TOPIC, BusMessage, EventBus
from civicline.core.models import Guide
from civicline.core.ports import Clock, GuideSearch, GuideStore

log = logging.getLogger("civicline.guides")


class GuideService:
    def __init__(self, store: GuideStore, search: GuideSearch | None, bus: EventBus,
                 clock: Clock) -> None:
        self.store = store
        self.search = search
        self.bus = bus
        self.clock = clock

    async def put(self, guide: Guide) -> Guide:
        """Replace the current version (history is kept); searchable when this returns."""
        stored = await self.store.put(guide, self.clock())
        if self.search is not None:
            # The index commit does disk I/O; keep it off the event loop.
            await asyncio.to_thread(self.search.upsert, stored)
        await self.bus.publish([BusMessage(GUIDE_TOPIC, stored.id, {
            "guide_id": stored.id, "version": stored.version, "action": "put",
            "department": stored.department})])
        log.info("guide_stored", extra={"guide_id": stored.id, "version": stored.version})
        return stored

    async def remove(self, guide_id: str) -> bool:
        removed = await self.store.remove(guide_id, self.clock())
        if removed:
            if self.search is not None:
                await asyncio.to_thread(self.search.remove, guide_id)
            await self.bus.publish([BusMessage(GUIDE_TOPIC, guide_id, {
                "guide_id": guide_id, "action": "remove"})])
        return removed
