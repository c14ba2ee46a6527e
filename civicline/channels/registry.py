"""The channel registry: every channel mounts itself on the app through one line here.

A mount adds the channel's routes when the app is created, through civicline.api.routing
(counted, with error answers; a test checks every route is); its handlers reach the core
through request.app[SERVICES] (request.config_dict[SERVICES] from a sub-app). Channels on a
hot path mount on the main app and register their error pages under ERROR_PAGES rather than
bringing a sub-app or a middleware: each of those costs every request a few microseconds.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from civicline.bigscreen import mount as bigscreen_mount
from civicline.kiosk import mount as kiosk_mount
from civicline.settings import Settings
from civicline.sms import mount as sms_mount
from civicline.wap import mount as wap_mount

ChannelMount = Callable[[web.Application, Settings], None]

# (name, mount); channels add one line each when they land.
CHANNELS: list[tuple[str, ChannelMount]] = [
    ("sms", sms_mount),
    ("wap", wap_mount),
    ("kiosk", kiosk_mount),
    ("bigscreen", bigscreen_mount),
]
