"""WAP pages for any phone: server-rendered HTML, no JavaScript, each page under 20 KB."""

from __future__ import annotations

from aiohttp import web

from civicline.settings import Settings, section
from civicline.wap.config import WapSettings
from civicline.wap.render import Pages
from civicline.wap.routes import (
    PAGES,
    bare_prefix,
    friendly_errors,
    routes,
    short_case,
    short_guide,
)

__all__ = ["WapSettings", "mount"]


def mount(app: web.Application, settings: Settings) -> None:
    """Mount the pages under /wap/ and the SMS short links /w/c/<no> and /w/g/<id>."""
    wap = web.Application(middlewares=[friendly_errors])
    wap[PAGES] = Pages(section(settings, "wap"))
    wap.router.add_routes(routes)
    app.router.add_get("/wap", bare_prefix)  # before the sub-app, which would claim it
    app.add_subapp("/wap/", wap)
    app.router.add_get("/w/c/{case_no}", short_case)
    app.router.add_get("/w/g/{guide_id}", short_guide)
