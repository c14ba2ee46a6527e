"""The hall's touch kiosks: a full-screen page at /kiosk/ over small JSON endpoints."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from civicline.kiosk.config import KioskSettings
from civicline.kiosk.routes import KIOSK_SETTINGS, PUBLIC_URL, TEMPLATES, routes
from civicline.settings import Settings, section
from civicline.web.routing import add_route, add_routes

__all__ = ["KioskSettings", "mount"]
HERE = Path(__file__).resolve().parent


def mount(app: web.Application, settings: Settings) -> None:
    """Add the kiosk as a sub-application under /kiosk/."""
    kiosk = web.Application()
    kiosk[KIOSK_SETTINGS] = section(settings, "kiosk")
    kiosk[PUBLIC_URL] = settings.server.public_url.rstrip("/")
    kiosk[TEMPLATES] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    add_routes(kiosk, routes, mounted_at="/kiosk")
    kiosk.router.add_static("/static", HERE / "static", name="static", append_version=True)
    # Before the sub-app: its prefix resource would otherwise answer /kiosk with a 404.
    add_route(app, "GET", "/kiosk", _to_slash)
    app.add_subapp("/kiosk", kiosk)


async def _to_slash(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect("/kiosk/" + (f"?{request.query_string}"
                                                 if request.query_string else ""))
