"""RedisRateLimiter against a real Redis: TokenBucketLimiter's semantics, one shared budget."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aredis

from civicline.core.ratelimit import TokenBucketLimiter
from civicline.scaleout.redis_ratelimit import BUCKET_SCRIPT, RedisRateLimiter
from tests.redis_support import RedisClientFactory

pytestmark = pytest.mark.redis


class FakeClock:
    """An injected clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def limiter(client: aredis.Redis, prefix: str, clock: FakeClock, rate_per_minute: float = 60,
            burst: float = 3) -> RedisRateLimiter:
    return RedisRateLimiter(client, rate_per_minute, burst, clock, prefix)


async def allowed(rl: RedisRateLimiter | TokenBucketLimiter, key: str, times: int,
                  cost: float = 1.0) -> list[bool]:
    return [await rl.allow(key, cost) for _ in range(times)]


async def test_burst_then_refusal(make_redis_client: RedisClientFactory,
                                  redis_prefix: str) -> None:
    rl = limiter(make_redis_client(), redis_prefix, FakeClock())
    assert await allowed(rl, "13800000000", 4) == [True, True, True, False]
    assert await rl.allow("13900000000")  # another sender has its own bucket


async def test_refill_follows_the_injected_clock(make_redis_client: RedisClientFactory,
                                                 redis_prefix: str) -> None:
    clock = FakeClock()
    rl = limiter(make_redis_client(), redis_prefix, clock)  # one token a second
    assert await allowed(rl, "s", 4) == [True, True, True, False]
    clock.advance(1.0)
    assert await allowed(rl, "s", 2) == [True, False]
    clock.advance(0.5)
    assert not await rl.allow("s")
    clock.advance(0.5)
    assert await rl.allow("s")
    clock.advance(3600)  # refill stops at the burst
    assert await allowed(rl, "s", 4) == [True, True, True, False]


async def test_two_limiters_share_one_budget(make_redis_client: RedisClientFactory,
                                             redis_prefix: str) -> None:
    clock = FakeClock()
    first = limiter(make_redis_client(), redis_prefix, clock)
    second = limiter(make_redis_client(), redis_prefix, clock)  # another process
    assert await first.allow("s")
    assert await second.allow("s")
    assert await first.allow("s")
    assert not await second.allow("s")
    assert not await first.allow("s")


async def test_cost_above_one_counts(make_redis_client: RedisClientFactory,
                                     redis_prefix: str) -> None:
    rl = limiter(make_redis_client(), redis_prefix, FakeClock(), burst=5)
    assert await rl.allow("s", cost=3)
    assert not await rl.allow("s", cost=3)  # two left: a refusal spends nothing
    assert await rl.allow("s", cost=2)
    assert not await rl.allow("s", cost=0.5)


async def test_idle_buckets_expire(make_redis_client: RedisClientFactory,
                                   redis_prefix: str) -> None:
    client = make_redis_client()
    rl = limiter(client, redis_prefix, FakeClock(), rate_per_minute=60, burst=3)
    await rl.allow("s")
    ttl_ms = await client.pttl(rl.bucket_key("s"))
    assert 0 < ttl_ms <= rl.ttl_ms
    assert rl.bucket_key("s").startswith(redis_prefix)


async def test_same_decisions_as_the_embedded_limiter(make_redis_client: RedisClientFactory,
                                                      redis_prefix: str) -> None:
    clock = FakeClock()
    shared = limiter(make_redis_client(), redis_prefix, clock, rate_per_minute=30, burst=4)
    embedded = TokenBucketLimiter(30, 4, clock)
    rng = random.Random(11)
    for _ in range(300):
        clock.advance(rng.choice([0, 0, 0.1, 0.7, 2.0, 9.0]))
        key, cost = rng.choice(["a", "b"]), rng.choice([1.0, 1.0, 2.0, 0.5])
        assert await shared.allow(key, cost) == await embedded.allow(key, cost)


class _UnloadedScriptLimiter(RedisRateLimiter):
    # A script text no server has seen yet, so the first EVALSHA meets NOSCRIPT for real.
    script = BUCKET_SCRIPT + f"\n-- test {uuid.uuid4().hex}\n"


async def test_script_is_loaded_when_the_server_lacks_it(
        make_redis_client: RedisClientFactory, redis_prefix: str) -> None:
    client = make_redis_client()
    rl = _UnloadedScriptLimiter(client, 60, 2, FakeClock(), redis_prefix)
    assert await client.script_exists(rl.script_sha) == [False]
    assert await allowed(rl, "s", 3) == [True, True, False]
    assert await client.script_exists(rl.script_sha) == [True]
