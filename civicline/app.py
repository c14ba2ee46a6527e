"""The aiohttp application factory: reads top to bottom, resources in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from civicline.channels.registry import CHANNELS, Channel
from civicline.core.bus import CASE_TOPIC, SubscriberOverflow
from civicline.core.ports import Clock
from civicline.services import Services, open_services
from civicline.settings import Settings
from civicline.web import ops, routing
from civicline.web.keys import SERVICES


def create_app(settings: Settings, *, clock: Clock | None = None,
               services: Services | None = None,
               channels: Sequence[Channel] = CHANNELS) -> web.Application:
    """Build the app; services open on startup and close on cleanup unless passed in."""
    # No middleware: every route is added through api.routing, which counts it and gives
    # it its error answers (a middleware costs every request ~5 µs).
    app = web.Application(client_max_size=settings.server.max_body_bytes)

    async def services_ctx(app: web.Application) -> AsyncIterator[None]:
        owned = services is None
        app[SERVICES] = services or open_services(settings, clock)
        yield
        if owned:
            await app[SERVICES].close()

    async def evict_changed_cases(app: web.Application) -> AsyncIterator[None]:
        """Scale-out: other processes' case changes arrive on the shared bus; drop our copies."""
        task = None
        if settings.redis.url:
            cases = app[SERVICES].cases

            async def evict() -> None:
                while True:
                    try:
                        async for message in app[SERVICES].bus.subscribe({CASE_TOPIC}):
                            cases.invalidate([message.key])
                        return  # the bus closed
                    except SubscriberOverflow:
                        cases.invalidate_all()  # fell behind: start again from a clean cache
            task = asyncio.create_task(evict())
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.cleanup_ctx.append(services_ctx)
    app.cleanup_ctx.append(evict_changed_cases)
    routing.add_routes(app, ops.routes)
    for channel in channels:
        channel.mount(app, settings)
    routing.add_fallback(app)
    return app
