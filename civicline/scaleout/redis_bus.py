"""RedisBus: the EventBus across processes, one Redis stream per topic.

Streams (not pub/sub) because every entry has an id, order is kept, and a reader that lost
its connection resumes from the last id it saw: nothing is lost or repeated across a Redis
restart, as long as the entries are still within the stream's retention (MAXLEN ~ maxlen).

`BusMessage.seq` is derived from the stream id "ms-n" as ms*1000+n. That stays below 2**53
(exact in JavaScript and JSON consumers) until the year 2255. Two cases would break strict
increase — two topics sharing a millisecond, or 1000+ entries in one millisecond — so each
subscription bumps such a seq to previous+1. Seq is therefore strictly increasing per
subscription; to resume, use the stream ids (`RedisSubscription.last_ids`), not seq.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeAlias

import orjson
import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from civicline.core.bus import (
    BusMessage,
    SubscriptionRegistry,
    put_end_marker,
    read_until_end,
)
from civicline.core.errors import BackendUnavailable

log = logging.getLogger("civicline.scaleout")

SEQ_PER_MS = 1000
_READ_COUNT = 1000  # entries per XREAD round trip
_RECANCEL_S = 0.05  # close() cancels again this often while the reader lives
_READY_WAIT_S = 5.0  # publish waits this long at most for this bus's new subscribers
_STREAM_ID = re.compile(r"^\d+-\d+$")
# Failures that a reconnect can cure; anything else ends the subscription with the cause.
_RETRYABLE: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
_jitter = secrets.SystemRandom()

_Item: TypeAlias = tuple[str, BusMessage] | None  # None ends iteration


def stream_id_to_seq(stream_id: str) -> int:
    """The seq for a stream id "ms-n": ms*1000+n."""
    ms, n = _parse_id(stream_id)
    return ms * SEQ_PER_MS + n


def _parse_id(stream_id: str) -> tuple[int, int]:
    if not _STREAM_ID.match(stream_id):
        raise ValueError(f"not a stream id (ms-n): {stream_id!r}")
    ms, _, n = stream_id.partition("-")
    return int(ms), int(n)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _field(fields: Mapping[Any, Any], name: str) -> Any:
    # The client may or may not decode responses; accept both spellings of a field name.
    return fields[name] if name in fields else fields[name.encode()]


class RedisSubscription:
    """One subscriber: a background XREAD loop feeding a bounded queue."""

    def __init__(self, bus: RedisBus, topics: set[str], buffer: int,
                 after: str | Mapping[str, str] | None) -> None:
        self.topics = frozenset(topics)
        # Per topic, the id of the last message handed to the consumer (for resumption).
        self.last_ids: dict[str, str] = {}
        self._bus = bus
        self._queue: asyncio.Queue[_Item] = asyncio.Queue(maxsize=buffer + 1)
        self._streams = {bus.stream_key(topic): topic for topic in self.topics}
        self._read_pos = self._initial_positions(after)  # per topic, the reader's position
        self._explicit_start = after is not None
        self._last_seq = 0
        self._overflowed = False
        self._error: BaseException | None = None
        self._ended = False
        self._closing = False
        self._ready = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    def _initial_positions(self, after: str | Mapping[str, str] | None) -> dict[str, str]:
        if after is None:
            return {}
        positions = {t: after for t in self.topics} if isinstance(after, str) else dict(after)
        missing = self.topics - positions.keys()
        if missing:
            raise ValueError(f"after: no last id for topics {sorted(missing)}")
        for value in positions.values():
            _parse_id(value)
        return {t: positions[t] for t in self.topics}

    @property
    def last_id(self) -> str | None:
        """The stream id of the last message handed out (any topic), or None."""
        if not self.last_ids:
            return None
        return max(self.last_ids.values(), key=_parse_id)

    @property
    def is_ready(self) -> bool:
        """True once positioned (or ended)."""
        return self._ready.is_set()

    async def ready(self) -> None:
        """Return once the reader is positioned: from then on, nothing published is missed."""
        await self._ready.wait()

    def __aiter__(self) -> AsyncIterator[BusMessage]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[BusMessage]:
        async for stream_id, message in read_until_end(self._queue, lambda: self._overflowed):
            self.last_ids[message.topic] = stream_id
            yield message
        if self._error is not None:  # the reader ended on a failure it could not retry
            raise BackendUnavailable(f"event bus reader failed: {self._error}") from self._error

    async def close(self) -> None:
        """Stop the reader and end iteration."""
        self._bus.drop(self)
        self._closing = True
        # Python 3.11's asyncio.wait_for (used by redis-py to send) can swallow a cancel that
        # lands as a send completes; the reader would then block until XREAD times out.
        while not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=_RECANCEL_S)
        self._end()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._ready.set()  # nobody may wait for readiness that will never come
        put_end_marker(self._queue)

    async def _run(self) -> None:
        client = self._bus.client
        attempt = 0
        try:
            while True:
                try:
                    if not self._ready.is_set():
                        await self._position(client)
                        self._ready.set()
                    elif attempt:
                        await self._check_gaps(client)
                        log.info("bus reader resumed", extra={
                            "topics": sorted(self.topics), "resume_from": dict(self._read_pos)})
                    attempt = 0
                    while not self._closing:
                        reply = await client.xread(
                            {s: self._read_pos[t] for s, t in self._streams.items()},
                            count=_READ_COUNT, block=self._bus.block_ms,
                        )
                        if reply and not self._deliver(reply):
                            return
                    return
                except _RETRYABLE as exc:
                    if self._closing:
                        return  # our cancel was swallowed (see close()) and the read then failed
                    attempt += 1
                    delay = self._bus.backoff_delay(attempt)
                    log.warning("bus reader lost Redis, retrying", extra={
                        "topics": sorted(self.topics), "attempt": attempt,
                        "retry_in_s": round(delay, 3), "error": repr(exc)})
                    await asyncio.sleep(delay)
        except _GapDetected as gap:
            log.warning("bus reader missed trimmed entries, subscriber must resync",
                        extra={"topic": gap.topic, "resume_from": gap.after})
            self._overflowed = True
            self._end()
        except Exception as exc:  # ends this subscription, with the cause, not the process
            log.exception("bus reader failed", extra={"topics": sorted(self.topics)})
            self._error = exc
            self._end()
        finally:
            self._bus.drop(self)

    async def _position(self, client: redis.Redis) -> None:
        if self._explicit_start:
            await self._check_gaps(client)
            return
        # "$" resolved once, so a reconnect before the first message still loses nothing.
        for stream, topic in self._streams.items():
            info = await self._stream_info(client, stream)
            self._read_pos[topic] = _text(info["last-generated-id"]) if info else "0-0"

    async def _check_gaps(self, client: redis.Redis) -> None:
        for stream, topic in self._streams.items():
            info = await self._stream_info(client, stream)
            deleted = info.get("max-deleted-entry-id") if info else None  # Redis 7+
            if deleted is not None and _parse_id(_text(deleted)) > _parse_id(
                    self._read_pos[topic]):
                raise _GapDetected(topic, self._read_pos[topic])

    @staticmethod
    async def _stream_info(client: redis.Redis, stream: str) -> dict[str, Any] | None:
        try:
            info: dict[str, Any] = await client.xinfo_stream(stream)
        except ResponseError as exc:
            if "no such key" in str(exc).lower():
                return None
            raise
        return info

    def _deliver(self, reply: Any) -> bool:
        """Queue a batch in id order; False (and end) when the subscriber overflowed."""
        pairs = reply.items() if isinstance(reply, dict) else reply
        entries: list[tuple[tuple[int, int], str, str, Mapping[Any, Any]]] = []
        for stream, stream_entries in pairs:
            topic = self._streams[_text(stream)]
            for raw_id, fields in stream_entries:
                stream_id = _text(raw_id)
                entries.append((_parse_id(stream_id), stream_id, topic, fields))
        # Several streams come back grouped by stream; merge them into publish order.
        entries.sort(key=lambda entry: entry[0])
        for _, stream_id, topic, fields in entries:
            self._read_pos[topic] = stream_id
            message = self._decode(topic, stream_id, fields)
            if message is None:
                continue
            try:
                self._queue.put_nowait((stream_id, message))
            except asyncio.QueueFull:
                self._overflowed = True
                self._end()
                return False
        return True

    def _decode(self, topic: str, stream_id: str, fields: Mapping[Any, Any]
                ) -> BusMessage | None:
        try:
            key = _text(_field(fields, "key"))
            payload = orjson.loads(_field(fields, "payload"))
        except (KeyError, orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            # A foreign or corrupt entry must not stop delivery of everything after it.
            log.warning("bus entry skipped", extra={"topic": topic, "stream_id": stream_id,
                                                    "error": repr(exc)})
            return None
        seq = max(stream_id_to_seq(stream_id), self._last_seq + 1)
        self._last_seq = seq
        return BusMessage(topic, key, payload, seq)


class _GapDetected(Exception):
    def __init__(self, topic: str, after: str) -> None:
        super().__init__(topic, after)
        self.topic = topic
        self.after = after


class RedisBus(SubscriptionRegistry[RedisSubscription]):
    """EventBus over Redis streams `{prefix}bus:{topic}`; one reader task per subscription."""

    def __init__(self, client: redis.Redis, prefix: str = "civicline:", *,
                 maxlen: int = 100_000, block_ms: int = 1000, backoff_initial: float = 0.2,
                 backoff_max: float = 10.0, owns_client: bool = False) -> None:
        super().__init__()
        timeout = client.connection_pool.connection_kwargs.get("socket_timeout")
        # A blocking XREAD longer than the socket timeout would look like a dead server.
        if timeout is not None and block_ms >= timeout * 1000:
            raise ValueError(f"block_ms={block_ms} must be below the client's socket_timeout "
                             f"({timeout}s)")
        self.client = client
        self.prefix = prefix
        self.maxlen = maxlen
        self.block_ms = block_ms
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._owns_client = owns_client

    def stream_key(self, topic: str) -> str:
        """The Redis key of a topic's stream."""
        return f"{self.prefix}bus:{topic}"

    def backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many readers don't reconnect in lockstep."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0 ** min(attempt - 1, 30))
        return ceiling * float(_jitter.uniform(0.5, 1.0))

    async def publish(self, messages: list[BusMessage]) -> None:
        """Append each message to its topic's stream, in order, as one transaction."""
        if not messages:
            return
        await self._await_new_subscribers()
        try:
            # MULTI/EXEC: a batch lands whole or not at all, never interleaved with another.
            async with self.client.pipeline(transaction=True) as pipe:
                for message in messages:
                    pipe.xadd(self.stream_key(message.topic),
                              {"key": message.key, "payload": orjson.dumps(message.payload)},
                              maxlen=self.maxlen, approximate=True)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(f"event bus publish failed: {exc}") from exc

    async def _await_new_subscribers(self) -> None:
        # A subscribe() then publish() on this bus must deliver, as InProcessBus does.
        pending = [asyncio.ensure_future(s.ready()) for s in self._subscriptions
                   if not s.is_ready]
        if pending:
            _, late = await asyncio.wait(pending, timeout=_READY_WAIT_S)
            for waiter in late:
                waiter.cancel()

    def subscribe(self, topics: set[str], buffer: int = 10_000,
                  after: str | Mapping[str, str] | None = None) -> RedisSubscription:
        """New messages only, or those after `after` (a stream id, or one per topic)."""
        return self._register(RedisSubscription(self, set(topics), buffer, after))

    async def close(self) -> None:
        """Close every subscription (and the client, when this bus owns it)."""
        await self._close_subscriptions()
        if self._owns_client:
            await self.client.aclose()
