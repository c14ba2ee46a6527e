"""The kiosk's own settings section, [kiosk]."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from civicline.core.errors import ConfigError

KIOSK_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class KioskSettings:
    # Seconds without a touch before the "需要更多时间吗?" countdown starts: on browsing
    # screens, and (shorter) on a case result, which may show the full view.
    idle_seconds: float = 60
    result_idle_seconds: float = 30
    countdown_seconds: float = 20
    # Sender id for rate limits and the disclosure audit when the page URL names none
    # (/kiosk/?kiosk=K03 names one).
    kiosk_id: str = "kiosk"
    hall_name: str = "市政务服务中心"
    # The built-in queue: show the numbers being called and let citizens take tickets.
    queue: bool = True
    tickets: bool = True
    queue_poll_seconds: float = 5
    # How often the page retries the server while it shows "正在重新连接…".
    reconnect_seconds: float = 3

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name.endswith("_seconds") and not value > 0:
                raise ConfigError(f"[kiosk] {item.name}: must be more than 0, got {value!r}")
        if not KIOSK_ID_RE.match(self.kiosk_id):
            raise ConfigError(f"[kiosk] kiosk_id: 1–32 letters, digits, _ or -, "
                              f"got {self.kiosk_id!r}")

