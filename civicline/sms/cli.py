"""`civicline outbox list|show|retry`: operators' view of the outbox (phones masked)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from civicline.core.clock import SHANGHAI
from civicline.core.masking import mask_phone, redact_phones
from civicline.notify.wiring import open_notify
from civicline.services import Services, open_services
from civicline.settings import Settings


def _when(stamp: float | None) -> str:
    return "-" if stamp is None else f"{datetime.fromtimestamp(stamp, SHANGHAI):%m-%d %H:%M:%S}"


def _open(settings: Settings) -> Services:
    return open_services(settings, with_search=False)


def outbox_list(settings: Settings, state: str | None = None, limit: int = 50) -> int:
    services = _open(settings)
    try:
        outbox = open_notify(services, []).outbox
        print("  ".join(f"{k}={v}" for k, v in sorted(outbox.counts().items())) or "(empty)")
        for m in outbox.recent(state, limit):
            print(f"{m.id:>8}  {m.state:<13} {mask_phone(m.recipient):<12} {m.template:<16} "
                  f"v{m.version} {m.provider or '-':<8} tries={m.attempts} "
                  f"next={_when(m.next_attempt_at)}")
    finally:
        asyncio.run(services.close())
    return 0


def outbox_show(settings: Settings, message_id: int) -> int:
    services = _open(settings)
    try:
        m = open_notify(services, []).outbox.get(message_id)
        if m is None:
            print(f"no message {message_id}")
            return 1
        rows = [("id", str(m.id)), ("state", m.state), ("to", mask_phone(m.recipient)),
                ("template", f"{m.template} v{m.version}"), ("purpose", m.purpose),
                ("priority", str(m.priority)), ("provider", m.provider or "-"),
                ("provider id", m.provider_id or "-"), ("attempts", str(m.attempts)),
                ("parts", str(m.parts)), ("created", _when(m.created_at)),
                ("sent", _when(m.sent_at)), ("next attempt", _when(m.next_attempt_at)),
                ("last error", redact_phones(m.last_error) or "-"),
                ("text", redact_phones(m.body))]
        for label, value in rows:
            print(f"{label:>12}: {value}")
    finally:
        asyncio.run(services.close())
    return 0


def outbox_retry(settings: Settings, message_id: int) -> int:
    services = _open(settings)
    try:
        outbox = open_notify(services, []).outbox
        done = asyncio.run(outbox.retry(message_id, services.clock().timestamp()))
        print(f"message {message_id} re-queued" if done else
              f"message {message_id} not re-queued (only failed, undeliverable or unknown ones)")
        return 0 if done else 1
    finally:
        asyncio.run(services.close())
