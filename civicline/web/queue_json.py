"""The queue's state as JSON: one shape for the queue API and the display walls."""

from __future__ import annotations

from typing import Any

from civicline.core.queue import QueueService

RECENT_CALLS = 10


async def queue_json(queue: QueueService) -> dict[str, Any]:
    counts = await queue.waiting_counts()
    return {
        "waiting": [{"category": prefix, "service": queue.categories[prefix].name,
                     "waiting": count} for prefix, count in counts.items()],
        "recent_calls": [c.to_json() for c in await queue.recent_calls(RECENT_CALLS)],
    }
