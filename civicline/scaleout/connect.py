"""Build a Redis client from RedisSettings, failing with a clear error when it cannot work."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as redis
from redis.exceptions import RedisError

from civicline.core.errors import BackendUnavailable, ConfigError
from civicline.settings import RedisSettings


def redact_url(url: str) -> str:
    """The URL with any password replaced, safe for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:****@{host}"))


def redis_client(settings: RedisSettings, **options: Any) -> redis.Redis:
    """A client for `settings.url` without any I/O; ConfigError when the URL is unusable."""
    url = settings.url.value
    if not url:
        raise ConfigError("[redis] url: empty; scale-out backends need a Redis URL")
    try:
        return redis.Redis.from_url(url, **options)
    except ValueError as exc:
        raise ConfigError(f"[redis] url: cannot use {redact_url(url)!r}: {exc}") from None


async def connect(settings: RedisSettings, *, connect_timeout: float = 5.0, **options: Any
                  ) -> redis.Redis:
    """A client that has answered PING; BackendUnavailable when the server does not answer."""
    options.setdefault("socket_connect_timeout", connect_timeout)
    client = redis_client(settings, **options)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise BackendUnavailable(
            f"Redis at {redact_url(settings.url.value)} does not answer: {exc}"
        ) from exc
    return client
