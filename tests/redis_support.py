"""Pytest fixtures for tests against a real Redis (no mocks).

Use from tests/conftest.py with `from tests.redis_support import *`. Every test gets its own
key prefix and only keys under it are deleted afterwards: the server may be shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio
import redis
import redis.asyncio as aredis
from redis.exceptions import RedisError

from civicline.scaleout.connect import redact_url

__all__ = ["make_redis_client", "redis_prefix", "redis_url"]

TEST_REDIS_URL_ENV = "CIVICLINE_TEST_REDIS_URL"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"  # db 15: away from anything real

RedisClientFactory = Callable[..., aredis.Redis]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis URL; fails (never skips) when no Redis answers there."""
    url = os.environ.get(TEST_REDIS_URL_ENV, DEFAULT_TEST_REDIS_URL)
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        # A skipped backend test looks like a pass in CI; a missing server must be loud.
        pytest.fail(
            f"No Redis answers at {redact_url(url)} ({exc}). Run the tests with the README's "
            f"test command, which starts a throwaway Redis, or set {TEST_REDIS_URL_ENV} to a "
            f"Redis database the tests may write to.",
            pytrace=False,
        )
    finally:
        client.close()
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix unique to this test; its keys are deleted afterwards."""
    prefix = f"civicline-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
    finally:
        client.close()


@pytest_asyncio.fixture
async def make_redis_client(redis_url: str) -> AsyncIterator[RedisClientFactory]:
    """A factory of separate asyncio clients (one per simulated process), closed afterwards."""
    clients: list[aredis.Redis] = []

    def make(url: str | None = None, **options: Any) -> aredis.Redis:
        client = aredis.Redis.from_url(url or redis_url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
