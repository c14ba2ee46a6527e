"""POST /sms/twilio — Twilio's messaging webhook; the reply goes back as TwiML.

A sample (form-encoded) body Twilio sends:
    MessageSid=SM0123...&AccountSid=AC...&From=%2B8613800001111&To=%2B8610690000&Body=...
"""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]
from twilio.twiml.messaging_response import MessagingResponse  # type: ignore[import-untyped]

from civicline.core.masking import mask_phone
from civicline.sms.config import twilio_token
from civicline.sms.keys import CONVERSATION, PUBLIC_BASE, SMS_SETTINGS

log = logging.getLogger("civicline.sms.twilio")
TWIML = "application/xml"


async def verified_form(request: web.Request) -> dict[str, str]:
    """The form, if X-Twilio-Signature matches it; else 403 before anything is processed."""
    form = {k: str(v) for k, v in (await request.post()).items()}
    token = twilio_token(request.config_dict[SMS_SETTINGS])
    # Twilio signs the public URL it called, which a proxy in front of us may rewrite.
    url = request.config_dict[PUBLIC_BASE] + request.path_qs
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not RequestValidator(token).validate(url, form, signature):
        log.warning("twilio_bad_signature", extra={"path": request.path})
        raise web.HTTPForbidden(text="bad signature")
    return form


async def inbound(request: web.Request) -> web.Response:
    form = await verified_form(request)
    phone = form.get("From", "")
    reply = await request.config_dict[CONVERSATION].handle(
        phone, form.get("Body", ""), gateway="twilio",
        provider_message_id=form.get("MessageSid", ""))
    log.info("twilio_inbound", extra={"from": mask_phone(phone),
                                      "parts": reply.parts.parts if reply else 0})
    twiml = MessagingResponse()
    if reply is not None:
        twiml.message(reply.text)
    return web.Response(text=str(twiml), content_type=TWIML)
