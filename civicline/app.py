"""The aiohttp application factory: reads top to bottom, resources in cleanup_ctx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from civicline.api import ingest, open311, openapi, ops, public
from civicline.api.keys import SERVICES
from civicline.api.problems import problem_middleware
from civicline.channels.registry import CHANNELS, ChannelMount
from civicline.core.ports import Clock
from civicline.services import Services, open_services
from civicline.settings import Settings


def create_app(settings: Settings, *, clock: Clock | None = None,
               services: Services | None = None,
               channels: Sequence[tuple[str, ChannelMount]] | None = None) -> web.Application:
    """Build the app; services open on startup and close on cleanup unless passed in."""
    app = web.Application(
        middlewares=[ops.metrics_middleware, problem_middleware],
        client_max_size=settings.server.max_body_bytes,
    )

    async def services_ctx(app: web.Application) -> AsyncIterator[None]:
        owned = services is None
        app[SERVICES] = services or open_services(settings, clock)
        yield
        if owned:
            await app[SERVICES].close()

    app.cleanup_ctx.append(services_ctx)
    for table in (public.routes, ingest.routes, open311.routes, openapi.routes, ops.routes):
        app.router.add_routes(table)
    for _, mount in CHANNELS if channels is None else channels:
        mount(app, settings)
    return app
