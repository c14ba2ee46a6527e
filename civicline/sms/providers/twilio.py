"""Twilio sender: the real twilio REST client, its base URL configurable (tests: a local fake).

The client is requests-based, so each send runs in a worker thread.

Twilio error codes we act on:
| code  | meaning                          | we do          |
|-------|----------------------------------|----------------|
| 21211 | invalid 'To' number              | permanent      |
| 21614 | 'To' is not a mobile number      | permanent      |
| 21610 | recipient replied STOP           | opt out        |
| 20429 / HTTP 429 | too many requests     | retry          |
| HTTP 5xx | Twilio trouble                | retry          |
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import requests
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
)
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from civicline.notify.ports import ErrorKind, SendError
from civicline.sms.providers.base import SendRequest

PERMANENT_CODES = frozenset({21211, 21212, 21214, 21217, 21219, 21408, 21612, 21614, 30004,
                             30005, 30006, 30007})
OPT_OUT_CODES = frozenset({21610})


def classify(exc: TwilioRestException) -> SendError:
    code = int(exc.code or 0)
    detail = str(exc.msg)[:200]
    if code in OPT_OUT_CODES:
        return SendError(ErrorKind.OPTED_OUT, detail, str(code))
    if exc.status == 429 or exc.status >= 500 or code == 20429:
        return SendError(ErrorKind.TRANSIENT, detail, str(code or exc.status))
    return SendError(ErrorKind.PERMANENT, detail, str(code or exc.status))


class TwilioSender:
    name = "twilio"
    counting = "twilio"

    def __init__(self, account_sid: str, auth_token: str, from_number: str, base_url: str,
                 status_callback_base: str, timeout: float, threads: int = 16) -> None:
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(
            timeout=timeout), environment={})
        # Every Messages call goes to api.base_url (no edge/region set, so no host rewrite).
        self._client.api.base_url = base_url.rstrip("/")
        self.from_number = from_number
        self.status_callback_base = status_callback_base.rstrip("/")
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="twilio-send")

    def _send_sync(self, request: SendRequest) -> str:
        try:
            message = self._client.messages.create(
                to=request.to, from_=self.from_number, body=request.body,
                status_callback=f"{self.status_callback_base}/sms/twilio/status"
                                f"?m={request.message_id}")
        except TwilioRestException as exc:
            raise classify(exc) from None
        except requests.Timeout:
            raise SendError(ErrorKind.TIMEOUT, "timed out") from None
        except (requests.ConnectionError, TwilioException) as exc:
            raise SendError(ErrorKind.TRANSIENT, type(exc).__name__) from None
        return str(message.sid)

    async def send(self, request: SendRequest) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._send_sync,
                                                                request)

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
