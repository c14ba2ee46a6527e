"""A fake SMS provider on loopback: Twilio's Messages REST API and the generic gateway's API.

It records what it receives, can be told to fail (5xx), stall, answer 429 or return
permanent errors, and sends status callbacks back signed like the real ones (Twilio's
X-Twilio-Signature algorithm from the twilio package; HMAC for the gateway).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from twilio.request_validator import RequestValidator

from civicline.notify.model import ContactPoint, NewMessage
from civicline.notify.templates import compose
from civicline.sms.sender import render_sms
from civicline.sms.signing import SIGNATURE_HEADER, sign

ACCOUNT_SID = "AC11111111111111111111111111111111"
AUTH_TOKEN = "fake-twilio-auth-token"
GATEWAY_SECRET = "fake-gateway-secret"


@dataclass
class Received:
    api: str  # "twilio" | "gateway"
    to: str
    body: str  # Twilio body, or the gateway's template code
    message_id: str  # our id (gateway "id"; Twilio: from the callback URL)
    callback: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Behaviour:
    status: int | None = None  # answer every send with this HTTP status (500, 503, 429)
    stall_seconds: float = 0.0
    twilio_errors: dict[str, int] = field(default_factory=dict)  # To → Twilio error code
    gateway_codes: dict[str, str] = field(default_factory=dict)  # to → gateway code


class FakeSmsProvider:
    """Start with `await fake.start()`; `fake.url` is its base URL."""

    def __init__(self, auth_token: str = AUTH_TOKEN, gateway_secret: str = GATEWAY_SECRET
                 ) -> None:
        self.auth_token = auth_token
        self.gateway_secret = gateway_secret
        self.received: list[Received] = []
        self.behaviour = Behaviour()
        self.callback_base: str | None = None  # where callbacks really go (the test server)
        self._sids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.arrived = asyncio.Condition()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        app.router.add_post("/gateway/send", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, guard_seconds: float = 10.0) -> None:
        """Until `count` sends arrived (the timeout only guards against a hang)."""
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.received) >= count),
                                   guard_seconds)

    async def _record(self, item: Received) -> None:
        self.received.append(item)
        async with self.arrived:
            self.arrived.notify_all()

    async def _misbehave(self) -> web.Response | None:
        if self.behaviour.stall_seconds:
            await asyncio.sleep(self.behaviour.stall_seconds)  # the stall being simulated
        if self.behaviour.status is not None:
            return web.json_response({"code": 20429 if self.behaviour.status == 429 else 20500,
                                      "message": "fake trouble", "status": self.behaviour.status},
                                     status=self.behaviour.status)
        return None

    async def _twilio(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        if request.match_info["sid"] != ACCOUNT_SID:
            return web.json_response({"code": 20404, "message": "not found", "status": 404},
                                     status=404)
        trouble = await self._misbehave()
        if trouble is not None:
            return trouble
        to = form.get("To", "")
        callback = form.get("StatusCallback", "")
        our_id = callback.rsplit("m=", 1)[-1] if "m=" in callback else ""
        code = self.behaviour.twilio_errors.get(to)
        if code is not None:
            return web.json_response({"code": code, "message": f"error {code}", "status": 400,
                                      "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                                     status=400)
        sid = f"SM{next(self._sids):032d}"
        await self._record(Received("twilio", to, form.get("Body", ""), our_id, callback,
                                    {"sid": sid, "from": form.get("From", "")}))
        return web.json_response({
            "sid": sid, "account_sid": ACCOUNT_SID, "to": to, "from": form.get("From"),
            "body": form.get("Body"), "status": "queued", "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01", "error_code": None,
            "error_message": None, "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/"
                                          f"{sid}.json"}, status=201)

    async def _gateway(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if request.headers.get(SIGNATURE_HEADER) != sign(self.gateway_secret, raw):
            return web.json_response({"code": "BAD_SIGNATURE"}, status=401)
        body = orjson.loads(raw)
        trouble = await self._misbehave()
        if trouble is not None:
            return trouble
        code = self.behaviour.gateway_codes.get(body["to"], "OK")
        if code != "OK":
            return web.json_response({"code": code})
        msgid = f"g-{next(self._sids)}"
        await self._record(Received("gateway", body["to"], body["template_code"],
                                    str(body["id"]), body.get("callback", ""),
                                    {"msgid": msgid, **body}))
        return web.json_response({"code": "OK", "msgid": msgid})

    # -- callbacks back to the service -------------------------------------------------------

    def _route(self, url: str, public_base: str) -> str:
        if self.callback_base and url.startswith(public_base):
            return self.callback_base + url[len(public_base.rstrip("/")):]
        return url

    async def twilio_status(self, item: Received, status: str, public_base: str,
                            error_code: str = "") -> int:
        """POST a status callback for `item`, signed over the URL Twilio was given."""
        params = {"MessageSid": item.params["sid"], "MessageStatus": status,
                  "AccountSid": ACCOUNT_SID, "To": item.to}
        if error_code:
            params["ErrorCode"] = error_code
        signature = RequestValidator(self.auth_token).compute_signature(item.callback, params)
        async with aiohttp.ClientSession() as session, session.post(
                self._route(item.callback, public_base), data=params,
                headers={"X-Twilio-Signature": signature}) as response:
            return response.status

    async def gateway_receipt(self, item: Received, status: str, public_base: str, ts: int,
                              code: str = "") -> int:
        body = orjson.dumps({"id": item.message_id, "msgid": item.params["msgid"],
                             "status": status, "code": code, "ts": ts})
        async with aiohttp.ClientSession() as session, session.post(
                self._route(item.callback, public_base), data=body,
                headers={SIGNATURE_HEADER: sign(self.gateway_secret, body),
                         "Content-Type": "application/json"}) as response:
            return response.status


# -- the shared harness of the SMS and notify tests ------------------------------------------

PUBLIC_URL = "https://civicline.example.gov.cn"
CITIZEN = "+8613800001111"  # the applicant's registered phone in tests.factories
OTHER = "+8613700009999"


def sms_message(template: str, phone: str, dedupe: str, variables: dict[str, str]
                ) -> NewMessage:
    """An outbox message to `phone` by SMS, rendered as the SMS channel renders it."""
    return compose(render_sms, ContactPoint("sms", phone), template, variables, dedupe)


def sms_overrides(fake_url: str, **extra: Any) -> dict[str, Any]:
    """The [sms] section pointing both providers at the fake."""
    values: dict[str, Any] = {
        "twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
        "twilio_base_url": fake_url, "twilio_from": "+10005550100",
        "gateway_url": f"{fake_url}/gateway", "gateway_account": "civicline",
        "gateway_secret": GATEWAY_SECRET, "providers": ["twilio"], "poll_seconds": 0.05,
        "quiet_start": "21:00", "quiet_end": "08:00", "retry_base_seconds": 1.0,
    }
    values.update(extra)
    return values


def twilio_signed(path: str, params: dict[str, str], token: str = AUTH_TOKEN
                  ) -> dict[str, str]:
    """Headers Twilio would send for `params` posted to PUBLIC_URL + path."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(PUBLIC_URL + path,
                                                                            params)}


def gateway_body(sender: str, text: str, message_id: str, ts: float,
                 secret: str = GATEWAY_SECRET) -> tuple[bytes, dict[str, str]]:
    body = orjson.dumps({"from": sender, "to": "106900001234", "text": text, "id": message_id,
                         "ts": int(ts)})
    return body, {SIGNATURE_HEADER: sign(secret, body), "Content-Type": "application/json"}
