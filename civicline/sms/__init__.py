"""The SMS channel: Twilio and a mainland gateway in, replies and notifications out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import civicline.sms.config  # noqa: F401 -- registers the [sms] settings section on import

if TYPE_CHECKING:
    from aiohttp import web

    from civicline.settings import Settings


def mount(app: web.Application, settings: Settings) -> None:
    """Add the SMS routes and start the notify loops with the app."""
    # Imported here: civicline.notify imports civicline.sms.config, which runs this package's
    # __init__ first; a top-level import of the routes would close that circle.
    from civicline.sms.routes import mount_routes

    mount_routes(app, settings)
