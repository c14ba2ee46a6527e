"""Pure send-time rules: quiet hours, backoff with jitter, route health and cost budgets."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_hhmm(text: str) -> time:
    """"08:00" → time(8, 0); the error names the bad value."""
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"expected a time as HH:MM, not {text!r}") from None


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
class CostBudget:
    """A token bucket in the channel's cost unit per second (SMS: billable parts).

    A message costing more than the bucket can ever hold (a 12-part SMS under a 10-part
    burst) would wait for ever if it waited for that many tokens; instead it waits for a
    full bucket at most and then takes its whole cost, leaving the bucket in debt. The debt
    is repaid at the rate before anything else goes, so the provider's average rate holds
    and no message waits longer than `capacity / rate` plus what went before it.
    Every call reserves: callers are served in the order they asked, none is starved.
    """

    rate: float
    capacity: float
    tokens: float = field(default=-1.0, repr=False)
    stamp: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.capacity <= 0:
            raise ValueError(f"a cost budget needs a positive rate and burst, not "
                             f"{self.rate}/s, burst {self.capacity}")
        self.tokens = self.capacity

    def reserve(self, cost: int, now: float) -> float:
        """Take `cost` now; returns how long to wait before sending (0: at once)."""
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        needed = min(float(cost), self.capacity)  # never wait for more than can be held
        wait = max(0.0, (needed - self.tokens) / self.rate)
        self.tokens -= cost
        return wait


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local (Asia/Shanghai) hours in which reminders and staff notices wait."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours | None:
        """From "21:00", "08:00"; equal times mean no quiet hours."""
        begin, finish = parse_hhmm(start), parse_hhmm(end)
        return None if begin == finish else cls(begin, finish)

    def until(self, now: datetime) -> datetime | None:
        return quiet_until(now, self.start, self.end)


@dataclass(frozen=True, slots=True)
class SendPolicy:
    """One channel's send rules, as plain values (the channel builds it from its settings)."""

    concurrency: int = 32  # messages one lane has in flight at most
    timeout_seconds: float = 10.0  # a send that takes longer is "unknown", retried later
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 3600.0
    retry_max_hours: float = 24.0  # transient failures past this window end as failed
    poll_seconds: float = 1.0
    quiet: QuietHours | None = None
    daily_cap_per_template: int | None = None  # per address and template, a local day
    cap_resets_at: time = time(8, 0)  # a capped reminder waits until this hour tomorrow
