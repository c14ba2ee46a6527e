"""POST /sms/twilio — Twilio's messaging webhook; the reply goes back as TwiML.

A sample (form-encoded) body Twilio sends:
    MessageSid=SM0123...&AccountSid=AC...&From=%2B8613800001111&To=%2B8610690000&Body=...
"""

from __future__ import annotations

import hmac
import logging
from functools import lru_cache

from aiohttp import web
from multidict import MultiDictProxy
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from civicline.core.masking import mask_phone
from civicline.sms.keys import CONVERSATION, PUBLIC_BASE, TWILIO_VALIDATOR

log = logging.getLogger("civicline.sms.twilio")
TWIML_HEADERS = {"Content-Type": "application/xml; charset=utf-8"}
Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


def signature_matches(validator: RequestValidator, url: str, form: Form,
                      signature: str) -> bool:
    """Twilio's own check of X-Twilio-Signature against the form and the URL it called.

    `validate` computes two HMACs (the URL with and without its default port, since Twilio
    may sign either); the URL exactly as configured matches in practice, so one HMAC is
    tried first (compared in constant time, in C) and `validate` decides only when that
    does not match.
    """
    expected = validator.compute_signature(url, form)
    return (hmac.compare_digest(expected.encode(), signature.encode(errors="replace"))
            or bool(validator.validate(url, form, signature)))


def field(form: Form, name: str) -> str:
    """A text field of the form ('' when absent)."""
    return str(form.get(name, ""))


async def verified_form(request: web.Request) -> Form:
    """The form, if X-Twilio-Signature matches it; else 403 before anything is processed."""
    # The multidict itself goes to the validator: it reads repeated fields with getall().
    form = await request.post()
    app = request.app
    validator = app[TWILIO_VALIDATOR]
    # Twilio signs the public URL it called (which a proxy in front of us may rewrite), as it
    # sent it: the raw request target, not a re-serialised one.
    url = app[PUBLIC_BASE] + request.raw_path
    signature = request.headers.get("X-Twilio-Signature", "")
    if validator is None or not signature_matches(validator, url, form, signature):
        log.warning("twilio_bad_signature", extra={"path": request.path})
        raise web.HTTPForbidden(text="bad signature")
    return form


@lru_cache(maxsize=4096)
def twiml_reply(text: str | None) -> bytes:
    """The TwiML for a reply (None: acknowledge without replying), built by Twilio's builder.

    Replies repeat (the same case's status goes to everyone who asks until it moves), and
    building the XML tree costs more than the rest of the answer, so the bytes are kept.
    """
    twiml = MessagingResponse()
    if text is not None:
        twiml.message(text)
    return str(twiml).encode()


async def inbound(request: web.Request) -> web.Response:
    form = await verified_form(request)
    phone = field(form, "From")
    reply = await request.app[CONVERSATION].handle(
        phone, field(form, "Body"), gateway="twilio",
        provider_message_id=field(form, "MessageSid"))
    if log.isEnabledFor(logging.INFO):  # masking costs even when the line is dropped
        log.info("twilio_inbound", extra={"from": mask_phone(phone),
                                          "parts": reply.parts.parts if reply else 0})
    return web.Response(body=twiml_reply(reply.text if reply else None), headers=TWIML_HEADERS)
