"""Background duties: started with the app, supervised, cancelled on the way out.

A duty that raises is logged at ERROR with its name and restarted after a backoff (1 s,
doubling to 60 s), so a full disk or a dropped connection never leaves a loop dead in
silence. Restarts are counted by name for /metrics and /readyz. A duty that returns on its
own has finished and is not restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger("civicline.background")

Duty = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0

# Restarts by duty name since the process started (what /metrics exports).
RESTARTS: Counter[str] = Counter()


async def supervise(name: str, duty: Duty, *, sleep: Sleep = asyncio.sleep,
                    first_backoff: float = FIRST_BACKOFF_SECONDS,
                    max_backoff: float = MAX_BACKOFF_SECONDS) -> None:
    """Run `duty` until it returns; after each error log it, wait, and run it again."""
    backoff = first_backoff
    while True:
        try:
            await duty()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            RESTARTS[name] += 1
            log.exception("background_task_failed",
                          extra={"task": name, "restart_in_seconds": backoff,
                                 "restarts": RESTARTS[name]})
        await sleep(backoff)
        backoff = min(backoff * 2, max_backoff)


class Background:
    """The supervised duties one owner (the app, a worker) runs; `close` cancels them all."""

    def __init__(self, *, sleep: Sleep = asyncio.sleep) -> None:
        self._sleep = sleep
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, duty: Duty) -> asyncio.Task[None]:
        if name in self._tasks and not self._tasks[name].done():
            raise ValueError(f"background task {name!r} is already running")
        task = asyncio.create_task(supervise(name, duty, sleep=self._sleep), name=name)
        self._tasks[name] = task
        return task

    def running(self) -> dict[str, bool]:
        """Each duty's name and whether it is still running (for /readyz)."""
        return {name: not task.done() for name, task in self._tasks.items()}

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


@contextlib.asynccontextmanager
async def background(name: str, duty: Duty) -> AsyncIterator[asyncio.Task[None]]:
    """One supervised duty for the length of a `with` block (an app's cleanup_ctx)."""
    owner = Background()
    task = owner.start(name, duty)
    try:
        yield task
    finally:
        await owner.close()
