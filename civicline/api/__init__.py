"""The JSON API and Open311: the channel for departments' systems and third-party clients."""

from __future__ import annotations

from aiohttp import web

from civicline.settings import Settings

__all__ = ["mount"]


def mount(app: web.Application, settings: Settings) -> None:
    """Add the public lookups, ingest, Open311, the OpenAPI document and the queue API."""
    from civicline.api import ingest, open311, openapi, public, queue
    from civicline.web import routing

    for table in (public.routes, ingest.routes, open311.routes, openapi.routes, queue.routes):
        routing.add_routes(app, table)
