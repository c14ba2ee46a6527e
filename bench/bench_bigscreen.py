"""Display-wall fan-out: 1,000 connected SSE clients, time from a POSTed call to every client.

Runs the civicline app (display walls mounted) and a bare aiohttp SSE broadcaster, each in
its own process, with the same clients and the same calls, and prints latency percentiles,
the ratio between them, and the server's memory per connected client.

    .venv/bin/python -m bench.bench_bigscreen [--clients 1000] [--calls 30]

Target: p99 (call posted → arrived at every client) ≤ 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import aiohttp

from bench.harness import free_port, server

# The app as `civicline serve` runs it once the lead registers the channel.
LAUNCHER = """
import sys
from aiohttp import web
from civicline.app import create_app
from civicline.bigscreen import mount
from civicline.logs import setup_logging
from civicline.services import open_services
from civicline.channels.registry import load_settings
data_dir, port = sys.argv[1:3]
settings = load_settings(env={}, overrides={
    "storage": {"data_dir": data_dir}, "logging": {"level": "WARNING"},
    "query": {"lookups_per_minute": 1000000000, "lookup_burst": 1000000000}})
setup_logging("WARNING", "json")
web.run_app(create_app(settings, services=open_services(settings, with_search=False),
                       channels=[("bigscreen", mount)]),
            host="127.0.0.1", port=int(port), print=None, access_log=None)
"""

# The baseline: the least an aiohttp process can do to broadcast one event to every client.
BASELINE = """
import asyncio, itertools, json, sys
from aiohttp import web
clients = set()
ids = itertools.count(1)
async def stream(request):
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})
    await response.prepare(request)
    queue = asyncio.Queue()
    clients.add(queue)
    try:
        while True:
            await response.write(await queue.get())
    finally:
        clients.discard(queue)
async def call(request):
    body = await request.json()
    call_id = next(ids)
    event = f"id: {call_id}\\nevent: call\\ndata: {json.dumps({**body, 'id': call_id})}\\n\\n"
    for queue in clients:
        queue.put_nowait(event.encode())
    return web.json_response({**body, "id": call_id}, status=201)
app = web.Application()
app.router.add_get("/bigscreen/hall/stream", stream)
app.router.add_post("/api/v1/queue/calls", call)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None,
            shutdown_timeout=1)
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def make_token(data_dir: Path) -> str:
    from civicline.channels.registry import load_settings
    from civicline.services import open_services

    async def work() -> str:
        services = open_services(load_settings(env={}, overrides={
            "storage": {"data_dir": str(data_dir)}}), with_search=False)
        try:
            return await services.tokens.create("市场监督管理局", services.clock())
        finally:
            await services.close()
    return asyncio.run(work())


class SseListener(asyncio.Protocol):
    """A bare SSE reader: the client side must cost far less than the servers measured.

    (aiohttp's client spends ~0.1 ms per event and connection, which with 1,000 connections
    in one process would measure the client, not the server.)
    """

    def __init__(self, path: str, on_id: Callable[[int, float], None],
                 connected: Callable[[], None]) -> None:
        self.path, self.on_id, self.connected = path, on_id, connected
        self.pending = b""
        self.headers_done = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Accept: text/event-stream\r\n\r\n".encode())

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if not self.headers_done:
            if b"\r\n\r\n" not in data:
                self.pending += data
                return
            data = self.pending + data
            self.pending = b""
            self.headers_done = True
            self.connected()
        for marker in re.findall(rb"(?:^|\n)id: (\d+)", data):
            self.on_id(int(marker), now)


async def measure(port: int, pid: int, clients: int, calls: int, token: str
                  ) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    loop = asyncio.get_running_loop()
    arrivals: dict[int, list[float]] = defaultdict(list)
    everywhere: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
    connected = 0
    all_connected = asyncio.Event()

    def on_id(call_id: int, at: float) -> None:
        arrivals[call_id].append(at)
        if len(arrivals[call_id]) == clients:
            everywhere[call_id].set()

    def on_connected() -> None:
        nonlocal connected
        connected += 1
        if connected == clients:
            all_connected.set()

    rss_before = rss_kib(pid)
    transports = []
    for _ in range(clients):
        transport, _protocol = await loop.create_connection(
            lambda: SseListener("/bigscreen/hall/stream", on_id, on_connected),
            "127.0.0.1", port)
        transports.append(transport)
    await asyncio.wait_for(all_connected.wait(), 120)
    await asyncio.sleep(1.0)  # let the server settle before reading its memory
    rss_after = rss_kib(pid)
    posted: dict[int, float] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as poster:
        for n in range(calls):
            started = time.perf_counter()
            async with poster.post(f"{base}/api/v1/queue/calls", headers=headers, json={
                    "ticket": f"A{n + 1:03d}", "window": str(n % 20 + 1)}) as response:
                assert response.status == 201, await response.text()
                posted[int((await response.json())["id"])] = started
            with contextlib.suppress(TimeoutError):  # a miss is counted below
                await asyncio.wait_for(everywhere[max(posted)].wait(), 10)
            await asyncio.sleep(0.1)  # calls come one at a time, as in a hall
    for transport in transports:
        transport.close()
    each = sorted(t - posted[i] for i in posted for t in arrivals[i])
    every = sorted(max(arrivals[i]) - posted[i] for i in posted if len(arrivals[i]) == clients)
    missing = sum(clients - len(arrivals[i]) for i in posted)
    return {
        "p50_ms": statistics.median(each) * 1000,
        "p99_ms": each[int(len(each) * 0.99) - 1] * 1000,
        "p99_every_ms": every[int(len(every) * 0.99) - 1] * 1000 if every else float("inf"),
        "max_every_ms": every[-1] * 1000 if every else float("inf"),
        "missing": missing,
        "kib_per_client": (rss_after - rss_before) / clients,
    }


def run(name: str, cmd: list[str], port: int, clients: int, calls: int, token: str
        ) -> dict[str, float]:
    with server(cmd, port) as process:
        result = asyncio.run(measure(port, process.pid, clients, calls, token))
    print(f"{name:>10}: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
          f"p99 to every client {result['p99_every_ms']:.1f} ms "
          f"(max {result['max_every_ms']:.1f} ms), missing {result['missing']:.0f}, "
          f"{result['kib_per_client']:.1f} KiB per client")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        token = make_token(data_dir)
        port = free_port()
        walls = run("civicline", [sys.executable, "-c", LAUNCHER, str(data_dir), str(port)],
                    port, args.clients, args.calls, token)
        port = free_port()
        bare = run("bare SSE", [sys.executable, "-c", BASELINE, str(port)], port,
                   args.clients, args.calls, token)
    ratio = walls["p99_every_ms"] / bare["p99_every_ms"]
    verdict = "ok" if walls["p99_every_ms"] <= 250 and not walls["missing"] else "MISSED"
    print(f"p99 to every client: civicline/bare = {ratio:.2f}x; target p99 <= 250 ms: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
