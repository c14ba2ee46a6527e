"""Pure send-time rules: quiet hours, backoff with jitter, provider health and part budgets."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(now: datetime, start: time, end: time) -> datetime | None:
    """When quiet hours end, if `now` (any zone) is inside them (Asia/Shanghai); else None."""
    local = now.astimezone(SHANGHAI)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=SHANGHAI)


def backoff_seconds(attempts: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with jitter (half to full of the step), capped."""
    step = min(cap, base * (2 ** max(0, attempts - 1)))
    return float(step / 2 + rng.random() * step / 2)


@dataclass
class ProviderHealth:
    """Error rate over a sliding window; a provider above the threshold rests, then is retried."""

    window_seconds: float
    error_rate: float
    min_attempts: int
    cooldown_seconds: float
    results: deque[tuple[float, bool]] = field(default_factory=deque)
    down_until: float = 0.0

    def record(self, ok: bool, now: float) -> None:
        self.results.append((now, ok))
        while self.results and self.results[0][0] < now - self.window_seconds:
            self.results.popleft()
        failures = sum(1 for _, good in self.results if not good)
        if len(self.results) >= self.min_attempts and failures / len(self.results) >= \
                self.error_rate:
            self.down_until = now + self.cooldown_seconds
            self.results.clear()  # after the rest it starts afresh: drift back when it recovers

    def available(self, now: float) -> bool:
        return self.down_until <= now


@dataclass
class PartBudget:
    """A token bucket in billable parts per second (what providers actually limit)."""

    rate: float
    capacity: float
    tokens: float = -1.0
    stamp: float = 0.0

    def wait_for(self, parts: int, now: float) -> float:
        """Take `parts` now if possible (returns 0), else how long to wait before asking again."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= parts:
            self.tokens -= parts
            return 0.0
        return (parts - self.tokens) / self.rate
