"""The SMS channel's routes and its notify loops, mounted on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from twilio.request_validator import RequestValidator

from civicline.notify_wiring import open_notify
from civicline.settings import Settings
from civicline.sms import devpage, gateway_webhook, status, twilio_webhook
from civicline.sms.config import sms_settings, twilio_token
from civicline.sms.conversation import Conversation
from civicline.sms.keys import (
    CONVERSATION,
    NOTIFY,
    PUBLIC_BASE,
    SMS_SETTINGS,
    TWILIO_VALIDATOR,
)
from civicline.web.keys import SERVICES
from civicline.web.routing import add_route


def mount_routes(app: web.Application, settings: Settings) -> None:
    """Add the SMS routes; the notify loops run from a cleanup_ctx over app[SERVICES]."""
    sms = sms_settings(settings)
    app[SMS_SETTINGS] = sms
    app[PUBLIC_BASE] = settings.server.public_url.rstrip("/")
    token = twilio_token(sms)
    app[TWILIO_VALIDATOR] = RequestValidator(token) if token else None
    add_route(app, "POST", "/sms/twilio", twilio_webhook.inbound)
    add_route(app, "POST", "/sms/twilio/status", status.twilio_status)
    add_route(app, "POST", "/sms/gateway", gateway_webhook.inbound)
    add_route(app, "POST", "/sms/gateway/receipt", status.gateway_receipt)
    if sms.dev_mode:
        add_route(app, "GET", "/sms/dev/sent", devpage.sent_page)

    async def notify_ctx(app: web.Application) -> AsyncIterator[None]:
        services = app[SERVICES]
        notify = open_notify(services)
        app[NOTIFY] = notify
        app[CONVERSATION] = Conversation(services.query, notify.sms_state, sms, services.clock,
                                         app[PUBLIC_BASE])
        await notify.start(notifier=True, dispatcher=sms.dispatch_in_app, deadlines=True)
        yield
        await notify.close()

    app.cleanup_ctx.append(notify_ctx)
