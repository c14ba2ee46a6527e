"""The live stream of a display wall: Server-Sent Events fed by the core event bus.

One bus subscription per process feeds every connected screen (with a Redis bus it is one
Redis subscription, not one per screen). Each screen has its own bounded buffer: a screen
that falls too far behind is dropped, reconnects, and catches up from the store, so a slow
one never delays the others.

Event ids are queue call ids (increasing, kept in the store): on reconnect the screen sends
the last id it drew (`Last-Event-ID`, or `?last_id=` from our own reconnect loop), the
stream first replays `QueueService.calls_after(last_id)` and then live calls, skipping ids
already sent. That works across a server restart too, where the in-process bus is new.
Events without an id ("changed", "hello") never move the browser's last event id.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from datetime import datetime, timedelta
from typing import Any

import orjson
from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from civicline import __version__
from civicline.bigscreen.config import BigscreenSettings, Screen
from civicline.core.bus import CASE_TOPIC, BusMessage, EventBus, SubscriberOverflow
from civicline.core.ports import Clock
from civicline.core.queue import QUEUE_TOPIC, QueueService

log = logging.getLogger("civicline.bigscreen.stream")
CATCH_UP_PAGE = 100
CHANGED = b'event: changed\r\ndata: {"panels":["results","stats"]}\r\n\r\n'


Delivery = tuple[BusMessage, bytes]  # a bus message and, for a call, its encoded SSE frame


class StreamClient:
    """One connected screen: its bounded buffer, and whether it was dropped."""

    __slots__ = ("buffer", "dropped", "screen")

    def __init__(self, screen: Screen, size: int) -> None:
        self.screen = screen
        self.buffer: asyncio.Queue[Delivery | None] = asyncio.Queue(maxsize=size + 1)
        self.dropped = False

    def offer(self, delivery: Delivery) -> bool:
        """Queue a message; False when the buffer is full (the client is then dropped)."""
        if self.dropped:
            return True
        if self.buffer.qsize() >= self.buffer.maxsize - 1:
            self.end()
            return False
        self.buffer.put_nowait(delivery)
        return True

    def end(self) -> None:
        """Stop the client's stream; the last slot is kept free for this end marker."""
        if not self.dropped:
            self.dropped = True
            self.buffer.put_nowait(None)


class Fanout:
    """Delivers each bus message once to every connected screen's buffer.

    A call is encoded once here, not once per screen: with a thousand screens the per-screen
    work is a queue put and a socket write.
    """

    def __init__(self, buffer: int, announce_max_age_seconds: int = 120) -> None:
        self.buffer = buffer
        self.max_age = timedelta(seconds=announce_max_age_seconds)
        self.clients: set[StreamClient] = set()
        self.dropped_total = 0

    def join(self, screen: Screen) -> StreamClient:
        client = StreamClient(screen, self.buffer)
        self.clients.add(client)
        return client

    def leave(self, client: StreamClient) -> None:
        self.clients.discard(client)

    async def run(self, bus: EventBus, clock: Clock) -> None:
        """Forward bus messages until cancelled; resubscribe after an overflow."""
        while True:
            subscription = bus.subscribe({QUEUE_TOPIC, CASE_TOPIC})
            try:
                async for message in subscription:
                    self.dispatch(message, clock())
                return  # the bus closed
            except SubscriberOverflow:
                # Our own bus buffer overflowed: every screen may have missed something, so
                # all reconnect and catch up from the store.
                log.warning("bigscreen_fanout_overflow", extra={"clients": len(self.clients)})
                self.end_all()
            finally:
                await subscription.close()

    def dispatch(self, message: BusMessage, now: datetime) -> None:
        frame = (call_frame(message.payload, now, self.max_age)
                 if message.topic == QUEUE_TOPIC else b"")
        for client in list(self.clients):
            if not client.offer((message, frame)):
                self.dropped_total += 1
                self.clients.discard(client)

    def end_all(self) -> None:
        for client in list(self.clients):
            client.end()
        self.clients.clear()


def call_frame(call: dict[str, Any], now: datetime, max_age: timedelta) -> bytes:
    """A call as an SSE frame (id = call id); `stale` ones (caught up late) are not spoken."""
    called_at = call.get("called_at")
    stale = isinstance(called_at, str) and datetime.fromisoformat(called_at) < now - max_age
    data = orjson.dumps({**call, "stale": stale})
    return b"id: %d\r\nevent: call\r\ndata: %s\r\n\r\n" % (int(call["id"]), data)


def parse_last_id(request: web.Request) -> int | None:
    """The last call id the screen drew: the SSE header, or our reconnect loop's query."""
    raw = request.headers.get("Last-Event-ID") or request.query.get("last_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def covers(screen: Screen, payload: dict[str, Any]) -> bool:
    return not screen.departments or payload.get("department") in screen.departments


class ScreenStream:
    """Writes one screen's events: the catch-up from the store, then live ones, no repeats."""

    def __init__(self, sse: EventSourceResponse, queue: QueueService, max_age: timedelta
                 ) -> None:
        self.sse = sse
        self.queue = queue
        self.max_age = max_age
        self.floor = 0  # every id at or below was sent (or drawn before the reconnect)
        self.recent: deque[int] = deque(maxlen=256)  # live ids above the floor already sent

    async def catch_up(self, last_id: int) -> None:
        self.floor = cursor = last_id
        while True:
            calls = await self.queue.calls_after(cursor, CATCH_UP_PAGE)
            now = self.queue.clock()
            for call in calls:
                await self.send_call(call.id, call_frame(call.to_json(), now, self.max_age))
                cursor = call.id
            if len(calls) < CATCH_UP_PAGE:
                return

    async def send_call(self, call_id: int, frame: bytes) -> None:
        if call_id <= self.floor or call_id in self.recent:
            return
        # A plain write: a stalled screen is cut off by the ping task's send timeout (and the
        # kernel's TCP_USER_TIMEOUT), and by the fan-out once its buffer is full.
        await self.sse.write(frame)
        # The floor only moves over an unbroken run, so an out-of-order id is never lost.
        if call_id == self.floor + 1:
            self.floor = call_id
        else:
            self.recent.append(call_id)


async def serve_stream(request: web.Request, screen: Screen, queue: QueueService,
                       fanout: Fanout, config: BigscreenSettings) -> web.StreamResponse:
    """The SSE response of one screen, until it disconnects or is dropped."""
    last_id = parse_last_id(request)
    client = fanout.join(screen)  # before the catch-up read: nothing falls in between
    try:
        async with sse_response(request, send_timeout=config.send_timeout_seconds,
                                ping_interval=config.ping_seconds) as sse:
            # A dead connection only shows in the ping task: end the wait for events then.
            watcher = asyncio.create_task(sse.wait())
            watcher.add_done_callback(lambda _: client.end())
            writer = ScreenStream(sse, queue, fanout.max_age)
            try:
                await sse.send(orjson.dumps({"version": __version__}).decode(), event="hello",
                               retry=config.reconnect_min_ms)
                if last_id is not None:
                    await writer.catch_up(last_id)
                await _forward(client, screen, writer)
            except (ConnectionResetError, TimeoutError, RuntimeError):
                pass  # the screen went away or stalled; it reconnects and catches up
            finally:
                watcher.cancel()
    finally:
        fanout.leave(client)
    return sse


async def _forward(client: StreamClient, screen: Screen, writer: ScreenStream) -> None:
    changed = False
    while True:
        if changed and client.buffer.empty():
            # A burst of case changes becomes one hint; the page re-reads its snapshot.
            await writer.sse.write(CHANGED)
            changed = False
        delivery = await client.buffer.get()
        if delivery is None:
            return
        message, frame = delivery
        if message.topic == QUEUE_TOPIC:
            await writer.send_call(int(message.payload["id"]), frame)
        elif covers(screen, message.payload):
            changed = True
