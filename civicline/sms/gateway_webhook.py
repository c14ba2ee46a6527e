"""POST /sms/gateway — the generic gateway's inbound callback; the reply goes via the outbox.

Sample body (HMAC-SHA256 of the raw body in X-Signature, hex):
    {"from": "+8613800001111", "to": "106900001234", "text": "查 440920261127000123",
     "id": "gw-778899", "ts": 1795759200}
"""

from __future__ import annotations

import logging

import orjson
from aiohttp import web

from civicline.core.masking import mask_phone
from civicline.notify.model import ContactPoint
from civicline.sms.keys import CONVERSATION, NOTIFY, SMS_SETTINGS
from civicline.sms.signing import SIGNATURE_HEADER, fresh, verify

log = logging.getLogger("civicline.sms.gateway")


async def verified_json(request: web.Request) -> dict[str, object]:
    """The JSON body, if signed with our secret and fresh; else 403 (400 when malformed)."""
    sms = request.app[SMS_SETTINGS]
    raw = await request.read()
    if not verify(sms.gateway_secret.value, raw, request.headers.get(SIGNATURE_HEADER, "")):
        log.warning("gateway_bad_signature", extra={"path": request.path})
        raise web.HTTPForbidden(text="bad signature")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise web.HTTPBadRequest(text="body is not JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body is not a JSON object")
    now = request.app[NOTIFY].services.clock().timestamp()
    if not fresh(body.get("ts"), now, sms.gateway_timestamp_window_seconds):
        log.warning("gateway_stale_timestamp", extra={"path": request.path})
        raise web.HTTPForbidden(text="stale or missing timestamp")
    return body


async def inbound(request: web.Request) -> web.Response:
    body = await verified_json(request)
    phone, text = str(body.get("from", "")), str(body.get("text", ""))
    if not phone:
        raise web.HTTPBadRequest(text="missing 'from'")
    reply = await request.app[CONVERSATION].handle(
        phone, text, gateway="gateway", provider_message_id=str(body.get("id", "")))
    if reply is not None:
        notify = request.app[NOTIFY]
        variables = {} if reply.template != "reply" else {"content": reply.text}
        now = notify.clock().timestamp()
        message = notify.composer.message(ContactPoint("sms", phone), reply.template,
                                          variables, f"in:{body.get('id', '')}:{now}")
        await notify.outbox.enqueue([message], now)
        notify.dispatcher.notify("sms")
    log.info("gateway_inbound", extra={"from": mask_phone(phone), "replied": reply is not None})
    return web.json_response({"code": "OK"})
