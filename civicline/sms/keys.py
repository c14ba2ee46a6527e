"""Typed app keys of the SMS channel."""

from __future__ import annotations

from aiohttp import web
from twilio.request_validator import RequestValidator

from civicline.notify_wiring import AppNotify
from civicline.sms.config import SmsSettings
from civicline.sms.conversation import Conversation

NOTIFY = web.AppKey("sms_notify", AppNotify)
CONVERSATION = web.AppKey("sms_conversation", Conversation)
SMS_SETTINGS = web.AppKey("sms_settings", SmsSettings)
PUBLIC_BASE = web.AppKey("sms_public_base", str)  # settings.server.public_url, no trailing /
# The webhooks' signature check with the configured auth token; None: no token, refuse all.
TWILIO_VALIDATOR = web.AppKey("sms_twilio_validator", RequestValidator | None)
