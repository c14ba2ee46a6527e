"""`civicline outbox list|show|retry`: operators' view of the outbox (phones masked)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from civicline.core.clock import SHANGHAI
from civicline.core.masking import redact_phones
from civicline.notify_wiring import AppNotify, open_notify
from civicline.services import open_services
from civicline.settings import Settings


def _when(stamp: float | None) -> str:
    return "-" if stamp is None else f"{datetime.fromtimestamp(stamp, SHANGHAI):%m-%d %H:%M:%S}"


@contextmanager
def opened_notify(settings: Settings) -> Iterator[AppNotify]:
    """The notify parts over the data directory (no providers), closed on the way out."""
    services = open_services(settings, with_search=False)
    try:
        yield open_notify(services, [])
    finally:
        asyncio.run(services.close())


def outbox_list(settings: Settings, state: str | None = None, limit: int = 50) -> int:
    with opened_notify(settings) as notify:
        outbox = notify.outbox
        print("  ".join(f"{k}={v}" for k, v in sorted(outbox.counts().items())) or "(empty)")
        for m in outbox.recent(state, limit):
            print(f"{m.id:>8}  {m.state:<13} {m.to.masked:<16} {m.template:<16} "
                  f"v{m.version} {m.provider or '-':<8} tries={m.attempts} "
                  f"next={_when(m.next_attempt_at)}")
    return 0


def outbox_show(settings: Settings, message_id: int) -> int:
    with opened_notify(settings) as notify:
        m = notify.outbox.get(message_id)
        if m is None:
            print(f"no message {message_id}")
            return 1
        rows = [("id", str(m.id)), ("state", m.state), ("to", m.to.masked),
                ("template", f"{m.template} v{m.version}"), ("purpose", m.purpose),
                ("priority", str(m.priority)), ("provider", m.provider or "-"),
                ("provider id", m.provider_id or "-"), ("attempts", str(m.attempts)),
                ("cost", str(m.cost)), ("created", _when(m.created_at)),
                ("sent", _when(m.sent_at)), ("next attempt", _when(m.next_attempt_at)),
                ("last error", redact_phones(m.last_error) or "-"),
                ("text", redact_phones(m.body))]
        for label, value in rows:
            print(f"{label:>12}: {value}")
    return 0


def outbox_retry(settings: Settings, message_id: int) -> int:
    with opened_notify(settings) as notify:
        done = asyncio.run(notify.outbox.retry(message_id, notify.clock().timestamp()))
        print(f"message {message_id} re-queued" if done else
              f"message {message_id} not re-queued (only failed, undeliverable or unknown ones)")
        return 0 if done else 1
