"""Hall display walls: live queue calls, results publication and statistics, over SSE."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from civicline.bigscreen.config import bigscreen_settings, parse_screens
from civicline.bigscreen.keys import WALLS, Walls
from civicline.bigscreen.routes import STATIC_DIR, routes
from civicline.bigscreen.speech import SpeechClips
from civicline.bigscreen.stream import Fanout
from civicline.core.deadlines import local_date
from civicline.core.hall_stats import HallStatsService
from civicline.settings import Settings
from civicline.web.keys import SERVICES
from civicline.web.routing import add_routes

__all__ = ["mount"]


def mount(app: web.Application, settings: Settings) -> None:
    """Add the walls, their stream and speech, and the staff page; start the fan-out."""
    config = bigscreen_settings(settings)
    walls = app[WALLS] = Walls(
        config=config,
        screens=parse_screens(config),  # a bad screen fails at start, naming its key
        speech=SpeechClips(Path(config.speech_dir) if config.speech_dir
                           else settings.data_dir / "speech"),
        fanout=Fanout(config.client_buffer, config.announce_max_age_seconds),
    )
    app.router.add_static("/bigscreen/_static", STATIC_DIR)
    add_routes(app, routes)

    async def walls_ctx(app: web.Application) -> AsyncIterator[None]:
        services = app[SERVICES]
        walls.stats = HallStatsService(
            lambda: services.cases.iter_active(local_date(services.clock())),
            services.calendar, services.clock,
            ttl_seconds=config.stats_ttl_seconds, policy=settings.deadlines.policy)
        tasks = [asyncio.create_task(walls.fanout.run(services.bus, services.clock),
                                     name="bigscreen-fanout"),
                 asyncio.create_task(walls.speech.ensure(), name="bigscreen-speech")]
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def end_streams(app: web.Application) -> None:
        # Shutdown waits for open handlers: end the streams first (screens reconnect).
        walls.fanout.end_all()

    app.cleanup_ctx.append(walls_ctx)
    app.on_shutdown.append(end_streams)
