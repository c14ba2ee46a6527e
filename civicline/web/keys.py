"""Typed application keys, declared in one place."""

from __future__ import annotations

from aiohttp import web

from civicline.services import Services

SERVICES = web.AppKey("services", Services)
