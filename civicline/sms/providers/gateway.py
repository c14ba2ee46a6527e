"""Sender for the generic mainland HTTP SMS gateway: template code + variables, HMAC-signed.

POST {gateway_url}/send
    {"account": "...", "to": "+8613800000000", "template_code": "SMS_CL_0001",
     "params": {...}, "sign": "市政务服务中心", "id": "42", "ts": 1795000000}
→ 200 {"code": "OK", "msgid": "g-123"} | {"code": "INVALID_NUMBER"|"BLACKLISTED"|...}

| code             | we do     |
|------------------|-----------|
| OK               | sent      |
| INVALID_NUMBER   | permanent |
| TEMPLATE_INVALID | permanent |
| BLACKLISTED      | opt out   |
| RATE_LIMITED, HTTP 429, HTTP 5xx | retry |
"""

from __future__ import annotations

import time

import aiohttp
import orjson

from civicline.notify.ports import ErrorKind, SendError
from civicline.sms.providers.base import SendRequest
from civicline.sms.signing import SIGNATURE_HEADER, sign

PERMANENT = frozenset({"INVALID_NUMBER", "TEMPLATE_INVALID", "CONTENT_REJECTED"})
OPTED_OUT = frozenset({"BLACKLISTED", "UNSUBSCRIBED"})


class GatewaySender:
    name = "gateway"
    counting = "gateway"

    def __init__(self, url: str, account: str, secret: str, signature: str, timeout: float,
                 callback_url: str) -> None:
        self.url = url.rstrip("/") + "/send"
        self.account = account
        self._secret = secret
        self.signature = signature.strip("【】")
        self.callback_url = callback_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(limit=64))
        return self._session

    async def send(self, request: SendRequest) -> str:
        body = orjson.dumps({
            "account": self.account, "to": request.to, "template_code": request.template_code,
            "params": request.variables, "sign": self.signature, "id": str(request.message_id),
            "callback": self.callback_url, "ts": int(time.time()),
        })
        try:
            async with self._http().post(self.url, data=body, headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(self._secret, body)}) as response:
                if response.status == 429 or response.status >= 500:
                    raise SendError(ErrorKind.TRANSIENT, f"HTTP {response.status}",
                                    str(response.status))
                answer = await response.json(content_type=None)
        except TimeoutError:
            raise SendError(ErrorKind.TIMEOUT, "timed out") from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise SendError(ErrorKind.TRANSIENT, type(exc).__name__) from None
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        if code == "OK":
            return str(answer.get("msgid", ""))
        if code in OPTED_OUT:
            raise SendError(ErrorKind.OPTED_OUT, code, code)
        if code in PERMANENT or response.status < 500:
            if code == "RATE_LIMITED":
                raise SendError(ErrorKind.TRANSIENT, code, code)
            raise SendError(ErrorKind.PERMANENT, code or f"HTTP {response.status}", code)
        raise SendError(ErrorKind.TRANSIENT, code, code)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
