"""RedisRateLimiter: TokenBucketLimiter's semantics with one budget shared by every process."""

from __future__ import annotations

import hashlib
import logging
import math

import redis.asyncio as redis
from redis.exceptions import NoScriptError, RedisError

from civicline.core.errors import BackendUnavailable
from civicline.core.ports import Clock

log = logging.getLogger("civicline.scaleout")

# KEYS[1] bucket hash {t: tokens, ts: last refill}; ARGV now, rate/s, burst, cost, ttl ms.
# Read-refill-spend-write in one script, so concurrent processes can't both spend a token.
BUCKET_SCRIPT = """
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = burst
  last = now
end
-- Processes' clocks differ a little: never refill backwards, never move 'ts' back.
if now > last then
  tokens = math.min(burst, tokens + (now - last) * rate)
  last = now
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'ts', string.format('%.17g', last))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return allowed
"""


class RedisRateLimiter:
    """`rate_per_minute` tokens refill continuously up to `burst`; each call spends `cost`."""

    script = BUCKET_SCRIPT

    def __init__(self, client: redis.Redis, rate_per_minute: float, burst: float, clock: Clock,
                 prefix: str = "civicline:", *, fail_open: bool = True) -> None:
        if rate_per_minute <= 0 or burst <= 0:
            raise ValueError("rate_per_minute and burst must be positive")
        self.client = client
        self.rate_per_second = rate_per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self.prefix = prefix
        # When Redis is down: allow (the lookup lockout still guards codes) or raise.
        self.fail_open = fail_open
        # A bucket idle long enough to refill completely equals a fresh one: let it expire.
        self.ttl_ms = math.ceil(burst / self.rate_per_second * 1000) + 1000
        self.script_sha = hashlib.sha1(self.script.encode(), usedforsecurity=False).hexdigest()

    def bucket_key(self, key: str) -> str:
        """The Redis key of one sender's bucket."""
        return f"{self.prefix}rl:{key}"

    async def allow(self, key: str, cost: float = 1.0) -> bool:
        """Spend `cost` tokens of `key`'s bucket if it has them."""
        args = (repr(self.clock().timestamp()), repr(self.rate_per_second), repr(self.burst),
                repr(float(cost)), str(self.ttl_ms))
        try:
            return bool(await self._run(self.bucket_key(key), args))
        except (RedisError, OSError) as exc:
            if not self.fail_open:
                raise BackendUnavailable(f"rate limiter unavailable: {exc}") from exc
            log.warning("rate limiter unavailable, allowing", extra={"error": repr(exc)})
            return True

    async def _run(self, bucket: str, args: tuple[str, ...]) -> int:
        try:
            result = await self.client.evalsha(self.script_sha, 1, bucket, *args)
        except NoScriptError:
            # First use on this server, or after a restart / SCRIPT FLUSH.
            await self.client.script_load(self.script)
            result = await self.client.evalsha(self.script_sha, 1, bucket, *args)
        return int(result)
