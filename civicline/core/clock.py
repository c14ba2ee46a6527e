"""The injectable clock: production uses `now_shanghai`; tests pass a fixed or stepping clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def epoch_seconds(clock: Callable[[], datetime]) -> Callable[[], float]:
    """The clock as seconds since the epoch. The production clock's is time.time(), read
    directly on per-request paths instead of through an aware datetime; an injected clock
    is honoured as given."""
    if clock is now_shanghai:
        return time.time
    return lambda: clock().timestamp()


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)
