"""WAP pages for any phone: server-rendered HTML, no JavaScript, each page under 20 KB."""

from __future__ import annotations

from aiohttp import web

from civicline.settings import Settings, section
from civicline.wap.config import WapSettings
from civicline.wap.render import Pages
from civicline.wap.routes import (
    PAGES,
    bare_prefix,
    friendly_error,
    guarded,
    routes,
    short_case,
    short_guide,
)
from civicline.web.problems import ERROR_PAGES
from civicline.web.routing import add_route, add_routes

PREFIX = "/wap"

__all__ = ["WapSettings", "mount"]


def mount(app: web.Application, settings: Settings) -> None:
    """Mount the pages under /wap/ and the SMS short links /w/c/<no> and /w/g/<id>.

    The pages go on the main app itself, not a sub-app: a sub-app's routing and middleware
    layers cost each page view ~5 µs, a tenth of the whole request.
    """
    pages = Pages(section(settings, "wap"))
    app[PAGES] = pages
    app.setdefault(ERROR_PAGES, []).append((PREFIX + "/", friendly_error(pages)))
    add_routes(app, routes, prefix=PREFIX, wrap=guarded)
    add_route(app, "GET", PREFIX, bare_prefix)
    add_route(app, "GET", "/w/c/{case_no}", short_case)
    add_route(app, "GET", "/w/g/{guide_id}", short_guide)
