"""Scale-out backends over Redis: a cross-process event bus and a shared rate limiter.

The embedded mode (InProcessBus, TokenBucketLimiter) stays the default; these are used only
when `[redis] url` is set.
"""

from civicline.scaleout.connect import connect, redis_client
from civicline.scaleout.redis_bus import RedisBus, RedisSubscription, stream_id_to_seq
from civicline.scaleout.redis_ratelimit import RedisRateLimiter

__all__ = [
    "RedisBus",
    "RedisRateLimiter",
    "RedisSubscription",
    "connect",
    "redis_client",
    "stream_id_to_seq",
]
