"""Delivery receipts: Twilio status callbacks and the gateway's receipts → outbox states.

A receipt may come before the send's provider id is stored, twice, or for a message we do
not know: every case answers 200 (so the provider stops retrying) and is resolved by our own
message id, carried in the callback URL (`?m=42`) or the gateway's `id` field.

| Twilio MessageStatus   | ErrorCode              | receipt   |
|------------------------|------------------------|-----------|
| delivered              |                        | delivered |
| undelivered / failed   | 30003, 30008, (none)   | temporary |
| undelivered / failed   | 30004-30007, 21610, …  | permanent |
| queued / sending / sent|                        | accepted  |
"""

from __future__ import annotations

import logging

from aiohttp import web

from civicline.notify.model import Receipt, ReceiptStatus
from civicline.sms.gateway_webhook import verified_json
from civicline.sms.keys import NOTIFY
from civicline.sms.providers.twilio import OPT_OUT_CODES, PERMANENT_CODES
from civicline.sms.twilio_webhook import field, verified_form

log = logging.getLogger("civicline.sms.status")
GATEWAY_STATUS = {"DELIVRD": ReceiptStatus.DELIVERED, "DELIVERED": ReceiptStatus.DELIVERED,
                  "UNDELIV": ReceiptStatus.TEMPORARY, "EXPIRED": ReceiptStatus.TEMPORARY,
                  "REJECTD": ReceiptStatus.PERMANENT, "BLACK": ReceiptStatus.PERMANENT,
                  "INVALID": ReceiptStatus.PERMANENT}


def twilio_receipt(status: str, error_code: str) -> ReceiptStatus:
    if status == "delivered":
        return ReceiptStatus.DELIVERED
    if status in ("undelivered", "failed"):
        code = int(error_code) if error_code.isdigit() else 0
        permanent = code in PERMANENT_CODES or code in OPT_OUT_CODES
        return ReceiptStatus.PERMANENT if permanent else ReceiptStatus.TEMPORARY
    return ReceiptStatus.ACCEPTED


def _message_id(raw: object) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdigit() else None


async def twilio_status(request: web.Request) -> web.Response:
    form = await verified_form(request)
    error = field(form, "ErrorCode")
    status = twilio_receipt(field(form, "MessageStatus"), error)
    await request.app[NOTIFY].receipt(Receipt(
        _message_id(request.query.get("m")), "twilio", field(form, "MessageSid"), status,
        error, opted_out=error.isdigit() and int(error) in OPT_OUT_CODES))
    return web.Response(status=200)


async def gateway_receipt(request: web.Request) -> web.Response:
    """Gateway receipt: {"id": "42", "msgid": "g-1", "status": "DELIVRD", "code": "", "ts": …}."""
    body = await verified_json(request)
    status = GATEWAY_STATUS.get(str(body.get("status", "")).upper(), ReceiptStatus.ACCEPTED)
    await request.app[NOTIFY].receipt(Receipt(
        _message_id(body.get("id")), "gateway", str(body.get("msgid", "")), status,
        str(body.get("code", ""))))
    return web.json_response({"code": "OK"})
