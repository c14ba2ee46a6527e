"""RedisBus against a real Redis: cross-instance and cross-process delivery, order, resumption."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from civicline.core.bus import CASE_TOPIC, GUIDE_TOPIC, BusMessage, SubscriberOverflow
from civicline.core.errors import BackendUnavailable, ConfigError
from civicline.scaleout.connect import connect, redact_url
from civicline.scaleout.redis_bus import RedisBus, RedisSubscription, stream_id_to_seq
from civicline.settings import RedisSettings, Secret
from tests.redis_support import RedisClientFactory

pytestmark = pytest.mark.redis
GUARD_S = 5  # failure guard only: every wait below ends as soon as the thing happens

BusFactory = Callable[..., RedisBus]


@pytest_asyncio.fixture
async def make_bus(make_redis_client: RedisClientFactory, redis_prefix: str
                   ) -> AsyncIterator[BusFactory]:
    """RedisBus instances, each on its own client (as separate processes would be)."""
    buses: list[RedisBus] = []

    def make(url: str | None = None, **options: object) -> RedisBus:
        bus = RedisBus(make_redis_client(url), redis_prefix, **options)  # type: ignore[arg-type]
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        await bus.close()


async def take(subscription: AsyncIterator[BusMessage], count: int) -> list[BusMessage]:
    """The next `count` messages of an iterator."""
    return [await asyncio.wait_for(anext(subscription), GUARD_S) for _ in range(count)]


async def subscribed(bus: RedisBus, topics: set[str], **options: object
                     ) -> tuple[RedisSubscription, AsyncIterator[BusMessage]]:
    """A positioned subscription and its iterator."""
    subscription = bus.subscribe(topics, **options)  # type: ignore[arg-type]
    await asyncio.wait_for(subscription.ready(), GUARD_S)
    return subscription, aiter(subscription)


def case(key: str, n: int) -> BusMessage:
    return BusMessage(CASE_TOPIC, key, {"key": key, "n": n, "text": "受理"})


async def test_message_published_on_one_bus_arrives_on_another(make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    subscription, messages = await subscribed(reader, {CASE_TOPIC})

    await publisher.publish([case("A-1", 1), case("A-1", 2), case("B-2", 1)])
    got = await take(messages, 3)

    assert [(m.topic, m.key, m.payload["n"]) for m in got] == [
        (CASE_TOPIC, "A-1", 1), (CASE_TOPIC, "A-1", 2), (CASE_TOPIC, "B-2", 1)]
    assert got[0].payload["text"] == "受理"
    assert got[0].seq < got[1].seq < got[2].seq
    assert got[2].seq == stream_id_to_seq(subscription.last_ids[CASE_TOPIC])


async def test_seq_is_derived_from_the_stream_id(make_bus: BusFactory) -> None:
    bus = make_bus()
    subscription, messages = await subscribed(bus, {CASE_TOPIC})
    await bus.publish([case("A-1", 1)])
    (message,) = await take(messages, 1)

    entries: Any = await bus.client.xrange(bus.stream_key(CASE_TOPIC))
    stream_id = entries[0][0].decode()
    ms, n = stream_id.split("-")
    assert message.seq == int(ms) * 1000 + int(n)
    assert subscription.last_id == stream_id


async def test_interleaved_keys_keep_per_key_order(make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    _, messages = await subscribed(reader, {CASE_TOPIC, GUIDE_TOPIC})
    rng = random.Random(7)
    pending = {f"K-{k}": 0 for k in range(20)}
    published: list[BusMessage] = []
    while pending:
        key = rng.choice(sorted(pending))
        topic = GUIDE_TOPIC if key.endswith(("3", "7")) else CASE_TOPIC
        published.append(BusMessage(topic, key, {"n": pending[key]}))
        pending[key] += 1
        if pending[key] == 30:
            del pending[key]
    for start in range(0, len(published), 37):  # several batches of odd sizes
        await publisher.publish(published[start:start + 37])

    got = await take(messages, len(published))

    def per_key(items: list[BusMessage]) -> dict[str, list[int]]:
        seen: dict[str, list[int]] = {}
        for m in items:
            seen.setdefault(m.key, []).append(m.payload["n"])
        return seen

    assert per_key(got) == per_key(published)
    for topic in (CASE_TOPIC, GUIDE_TOPIC):  # one stream per topic: total order per topic
        assert [(m.key, m.payload) for m in got if m.topic == topic] == [
            (m.key, m.payload) for m in published if m.topic == topic]
    assert all(a.seq < b.seq for a, b in itertools.pairwise(got))


async def test_resuming_from_a_last_id_gets_exactly_the_later_messages(
        make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    first, messages = await subscribed(reader, {CASE_TOPIC})
    await publisher.publish([case("A-1", n) for n in range(5)])
    await take(messages, 2)
    resume_from = first.last_ids[CASE_TOPIC]
    await first.close()  # as if the reader process had died after handling two messages

    await publisher.publish([case("A-1", n) for n in range(5, 8)])
    _, resumed = await subscribed(reader, {CASE_TOPIC}, after=resume_from)
    await publisher.publish([case("A-1", 99)])  # a sentinel: nothing may come before it

    got = await take(resumed, 7)
    assert [m.payload["n"] for m in got] == [2, 3, 4, 5, 6, 7, 99]


async def test_resuming_several_topics_uses_one_id_per_topic(make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    first, messages = await subscribed(reader, {CASE_TOPIC, GUIDE_TOPIC})
    guide = BusMessage(GUIDE_TOPIC, "G-1", {"n": 0})
    await publisher.publish([case("A-1", 0), guide])
    await take(messages, 2)
    await first.close()

    await publisher.publish([BusMessage(GUIDE_TOPIC, "G-1", {"n": 1}), case("A-1", 1)])
    _, resumed = await subscribed(reader, {CASE_TOPIC, GUIDE_TOPIC}, after=first.last_ids)

    got = await take(resumed, 2)
    assert sorted((m.topic, m.payload["n"]) for m in got) == [(CASE_TOPIC, 1), (GUIDE_TOPIC, 1)]


async def test_new_subscriber_sees_only_new_messages(make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    await publisher.publish([case("OLD", 0)])
    _, messages = await subscribed(reader, {CASE_TOPIC})
    await publisher.publish([case("NEW", 1)])
    (got,) = await take(messages, 1)
    assert got.key == "NEW"


async def test_subscribe_then_publish_on_the_same_bus_is_not_missed(
        make_bus: BusFactory) -> None:
    bus = make_bus()
    subscription = bus.subscribe({CASE_TOPIC})  # no ready(): publish waits for it
    await bus.publish([case("A-1", 1)])
    (got,) = await take(aiter(subscription), 1)
    assert got.key == "A-1"


async def test_slow_subscriber_overflows_without_delaying_a_fast_one(
        make_bus: BusFactory) -> None:
    publisher, reader = make_bus(), make_bus()
    slow, slow_messages = await subscribed(reader, {CASE_TOPIC}, buffer=5)
    _, fast_messages = await subscribed(reader, {CASE_TOPIC}, buffer=1000)

    await publisher.publish([case("A-1", n) for n in range(50)])
    got = await take(fast_messages, 50)  # while the slow one has read nothing
    assert [m.payload["n"] for m in got] == list(range(50))

    async def drain() -> None:
        async for _ in slow_messages:
            pass

    with pytest.raises(SubscriberOverflow):
        await asyncio.wait_for(drain(), GUARD_S)
    assert reader.subscriber_count == 1
    await slow.close()  # closing an overflowed subscription is harmless


async def test_close_ends_iteration(make_bus: BusFactory) -> None:
    bus = make_bus()
    subscription, messages = await subscribed(bus, {CASE_TOPIC})
    await bus.publish([case("A-1", 1)])
    await take(messages, 1)

    await subscription.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(messages), GUARD_S)
    assert bus.subscriber_count == 0


async def test_close_is_prompt_while_the_reader_is_blocked(make_bus: BusFactory) -> None:
    # Regression: on Python 3.11, asyncio.wait_for (inside redis-py's command send) swallows a
    # cancel that lands as the send completes; the reader then read on forever and close()
    # hung. Closing right after a delivery hits that window often.
    bus = make_bus()
    for n in range(100):
        subscription, messages = await subscribed(bus, {CASE_TOPIC})
        await bus.publish([case("A-1", n)])
        async with asyncio.timeout(GUARD_S):  # not wait_for: that would add a task switch
            await anext(messages)
            await subscription.close()
    assert bus.subscriber_count == 0


async def test_bus_close_ends_every_subscription(make_bus: BusFactory) -> None:
    bus = make_bus()
    _, first = await subscribed(bus, {CASE_TOPIC})
    _, second = await subscribed(bus, {GUIDE_TOPIC})
    await bus.close()
    for messages in (first, second):
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(anext(messages), GUARD_S)
    assert bus.subscriber_count == 0


async def test_a_reader_that_fails_for_good_ends_iteration_with_backend_unavailable(
        make_bus: BusFactory, caplog: pytest.LogCaptureFixture) -> None:
    bus = make_bus()
    # A key of the wrong type is an error no reconnect cures (unlike a lost connection).
    await bus.client.set(bus.stream_key(CASE_TOPIC), "not a stream")
    subscription = bus.subscribe({CASE_TOPIC})
    with caplog.at_level(logging.ERROR, "civicline.scaleout"), \
            pytest.raises(BackendUnavailable, match="event bus reader failed"):
        await asyncio.wait_for(anext(aiter(subscription)), GUARD_S)
    assert "bus reader failed" in caplog.text
    assert bus.subscriber_count == 0


CHILD = """
import asyncio, os, sys
import redis.asyncio as redis
from civicline.core.bus import BusMessage
from civicline.scaleout import RedisBus

async def main() -> None:
    bus = RedisBus(redis.Redis.from_url(sys.argv[1]), sys.argv[2], owns_client=True)
    await bus.publish([BusMessage("case", f"P-{n}", {"n": n, "pid": os.getpid()})
                       for n in range(5)])
    await bus.close()

asyncio.run(main())
"""


async def test_a_message_from_another_os_process_arrives(make_bus: BusFactory, redis_url: str,
                                                         redis_prefix: str) -> None:
    _, messages = await subscribed(make_bus(), {CASE_TOPIC})
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, redis_url, redis_prefix,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(child.communicate(), 30)  # interpreter start-up
    assert child.returncode == 0, stderr.decode()

    got = await take(messages, 5)
    assert [m.key for m in got] == [f"P-{n}" for n in range(5)]
    assert {m.payload["pid"] for m in got} == {child.pid}
    assert child.pid != os.getpid()


class RedisRelay:
    """A TCP relay to Redis that the test can cut and restore, as a Redis restart would."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.upstream_port = host, port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        for pump in self._pumps:
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        await self._server.wait_closed()
        self._writers.clear()
        self._pumps.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        self._writers |= {writer, up_writer}
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            pump = asyncio.create_task(self._pump(source, sink))
            self._pumps.add(pump)

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.close()


class _Signal(logging.Handler):
    """Sets an event when a record with the given message is logged."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == self.message:
            self.seen.set()


async def test_reader_reconnects_and_resumes_without_loss_or_duplicates(
        make_bus: BusFactory, redis_url: str) -> None:
    parts = urlsplit(redis_url)
    if parts.scheme != "redis":
        pytest.skip("the relay needs a TCP Redis URL")  # a config limit, not a missing server
    relay = RedisRelay(parts.hostname or "127.0.0.1", parts.port or 6379)
    await relay.start()
    userinfo = parts.netloc.rpartition("@")[0]
    relay_at = f"127.0.0.1:{relay.port}"
    relayed_url = parts._replace(netloc=f"{userinfo}@{relay_at}" if userinfo else relay_at).geturl()
    publisher = make_bus()
    reader = make_bus(relayed_url, backoff_initial=0.01, backoff_max=0.05)
    lost = _Signal("bus reader lost Redis, retrying")
    resumed = _Signal("bus reader resumed")
    scaleout_log = logging.getLogger("civicline.scaleout")
    scaleout_log.addHandler(lost)
    scaleout_log.addHandler(resumed)
    level = scaleout_log.level
    scaleout_log.setLevel(logging.INFO)  # "resumed" is an info record
    try:
        _, messages = await subscribed(reader, {CASE_TOPIC})
        await publisher.publish([case("A-1", n) for n in range(3)])
        assert [m.payload["n"] for m in await take(messages, 3)] == [0, 1, 2]

        await relay.stop()  # "Redis restarts": the reader's connection drops
        await asyncio.wait_for(lost.seen.wait(), GUARD_S)
        await publisher.publish([case("A-1", n) for n in range(3, 6)])  # during the outage
        await relay.start()
        await asyncio.wait_for(resumed.seen.wait(), GUARD_S)
        await publisher.publish([case("A-1", 99)])

        got = await take(messages, 4)
        assert [m.payload["n"] for m in got] == [3, 4, 5, 99]
    finally:
        scaleout_log.removeHandler(lost)
        scaleout_log.removeHandler(resumed)
        scaleout_log.setLevel(level)
        await reader.close()
        await relay.stop()


async def test_connect_answers_or_says_why(redis_url: str) -> None:
    client = await connect(RedisSettings(url=Secret(redis_url)))
    assert await client.ping()
    await client.aclose()
    with pytest.raises(ConfigError, match=r"\[redis\] url"):
        await connect(RedisSettings())
    with pytest.raises(BackendUnavailable, match="does not answer"):
        await connect(RedisSettings(url=Secret("redis://:pw@127.0.0.1:1/15")))


def test_redacted_url_hides_the_password() -> None:
    assert redact_url("redis://user:s3cret@host:6380/2") == "redis://user:****@host:6380/2"
    assert redact_url("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/15"
