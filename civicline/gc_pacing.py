"""Paced garbage collection for the serving process.

CPython 3.11 starts a young collection when allocations outnumber deallocations by 700.
The case cache replaces decoded cases one for one, so that count barely moves while the
young generation fills with the new cases' objects; when a collection finally starts it
walks hundreds of thousands of them (300 ms stalls measured at 1,000 lookups/s over
50,000 cases). Collecting the young generations a few times a second keeps each pass to
the objects made since the last one (a few milliseconds at most). Full passes stay rare:
start-up objects are frozen, and `serve` raises the full-collection threshold.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from aiohttp import web

PACE_SECONDS = 0.2
FULL_GC_AFTER = 10_000  # middle-generation collections between full ones (default 10)


def tune_for_serving() -> None:
    """Freeze what start-up built and make full collections rare; call once, before serving."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_AFTER)


async def pace(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        gc.collect(1)  # generations 0 and 1: survivors move on, each pass stays small


async def paced_collections(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: young-generation collections every PACE_SECONDS while the app runs."""
    task = asyncio.create_task(pace(PACE_SECONDS))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
