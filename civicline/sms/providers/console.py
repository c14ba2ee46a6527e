"""The demo's console provider: logs each message and keeps the last ones for a dev page.

Magic numbers (last four digits) simulate receipts, so the whole pipeline runs without a
real gateway: ...0404 permanently fails, ...0503 fails temporarily (retried), anything else
is delivered.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from dataclasses import dataclass

from civicline.core.masking import mask_phone, redact_phones
from civicline.notify.model import Receipt, ReceiptStatus
from civicline.notify.ports import ReceiptSink
from civicline.sms.providers.base import SendRequest

log = logging.getLogger("civicline.sms.console")
PERMANENT_FAILURE_SUFFIX = "0404"
TEMPORARY_FAILURE_SUFFIX = "0503"


@dataclass(frozen=True, slots=True)
class ConsoleMessage:
    provider_id: str
    message_id: int
    to: str
    body: str
    receipt: str


def magic_receipt(phone: str) -> tuple[ReceiptStatus, str]:
    if phone.endswith(PERMANENT_FAILURE_SUFFIX):
        return ReceiptStatus.PERMANENT, "30005 unknown destination (console)"
    if phone.endswith(TEMPORARY_FAILURE_SUFFIX):
        return ReceiptStatus.TEMPORARY, "30003 unreachable (console)"
    return ReceiptStatus.DELIVERED, ""


class ConsoleSender:
    name = "console"
    counting = "twilio"

    def __init__(self, keep: int = 200) -> None:
        self.sent: deque[ConsoleMessage] = deque(maxlen=keep)
        self.receipts: ReceiptSink | None = None
        self._ids = itertools.count(1)
        self._pending: set[asyncio.Task[bool]] = set()

    async def send(self, request: SendRequest) -> str:
        provider_id = f"console-{next(self._ids)}"
        status, error = magic_receipt(request.to)
        self.sent.append(ConsoleMessage(provider_id, request.message_id, request.to,
                                        request.body, status.value))
        log.info("console_sms", extra={"to": mask_phone(request.to),
                                       "message_id": request.message_id,
                                       "text": redact_phones(request.body)})
        if self.receipts is not None:
            receipt = self.receipts(Receipt(request.message_id, self.name, provider_id, status,
                                            error))
            task: asyncio.Task[bool] = asyncio.create_task(receipt)
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        return provider_id

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
