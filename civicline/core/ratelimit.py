"""In-process rate limiting (token buckets per key), the embedded RateLimiter.

Scale-out swaps in a Redis-backed limiter so every process counts against one budget.
"""

from __future__ import annotations

from collections import OrderedDict

from civicline.core.ports import Clock


class TokenBucketLimiter:
    """`rate_per_minute` tokens refill continuously up to `burst`; each call spends `cost`."""

    def __init__(self, rate_per_minute: float, burst: float, clock: Clock,
                 max_keys: int = 100_000) -> None:
        self.rate_per_second = rate_per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys  # bounded memory under a flood of distinct senders
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def allow(self, key: str, cost: float = 1.0) -> bool:
        now = self.clock().timestamp()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_second)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed
