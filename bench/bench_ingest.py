"""Ingest through POST /api/v1/events in batches of 500, with reads checked during the load.

Target (issue "Core query service"): ≥ 5,000 events/s sustained, reads staying correct.
The baseline is the same client POSTing the same batches to a bare aiohttp handler that
reads and parses the body, so the ratio shows what ingest costs over moving the bytes.

    .venv/bin/python -m bench.bench_ingest [--cases 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import orjson

from bench.harness import BENCH_ENV, civicline_server, free_port, server
from civicline.channels.registry import load_settings
from civicline.core.events import parse_event
from civicline.core.folding import fold

BATCH = 500
CLIENTS = 4

BASELINE_SERVER = """
import sys, orjson
from aiohttp import web
async def events(request):
    items = orjson.loads(await request.read())
    return web.json_response({"accepted": len(items)})
app = web.Application(client_max_size=4 * 1024 * 1024)
app.router.add_post("/api/v1/events", events)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def build_batches(cases: int) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """Batches of whole cases per department, and each case's expected final stage label."""
    from civicline.demo.cases import generate_case_events
    from civicline.demo.guides import demo_guides

    now = datetime(2026, 11, 27, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    by_department: dict[str, list[dict[str, Any]]] = defaultdict(list)
    expected: dict[str, str] = {}
    batches: list[tuple[str, bytes]] = []
    for events in generate_case_events(cases, demo_guides(), now, seed=99):
        department = events[0]["department"]
        case = fold((parse_event(e), i) for i, e in enumerate(events))
        if not case.confidential:
            expected[events[0]["case_no"]] = case.stage.label
        pending = by_department[department]
        pending.extend(events)
        if len(pending) >= BATCH:
            batches.append((department, orjson.dumps(pending)))
            by_department[department] = []
    batches += [(d, orjson.dumps(p)) for d, p in by_department.items() if p]
    return batches, expected


async def post_all(url: str, batches: list[tuple[str, bytes]], tokens: dict[str, str],
                   done: list[str] | None = None) -> tuple[int, float]:
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    accepted = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal accepted
        while not queue.empty():
            department, body = queue.get_nowait()
            async with session.post("/api/v1/events", data=body, headers={
                    "Authorization": f"Bearer {tokens.get(department, 'x')}",
                    "Content-Type": "application/json"}) as response:
                result = await response.json()
                assert response.status == 200, result
                accepted += result["accepted"]
            if done is not None:
                done.extend(e["case_no"] for e in orjson.loads(body))

    started = time.perf_counter()
    async with aiohttp.ClientSession(url) as session:
        await asyncio.gather(*(worker(session) for _ in range(CLIENTS)))
    return accepted, time.perf_counter() - started


async def read_during(url: str, done: list[str], expected: dict[str, str],
                      stop: asyncio.Event) -> tuple[int, int, list[float]]:
    """Look up cases whose events were all acknowledged; their stage must be final."""
    checked = wrong = 0
    latencies: list[float] = []
    rng = random.Random(5)
    async with aiohttp.ClientSession(url) as session:
        while not stop.is_set():
            candidates = [c for c in done[-5000:] if c in expected]
            if not candidates:
                await asyncio.sleep(0.01)
                continue
            case_no = rng.choice(candidates)
            started = time.perf_counter()
            async with session.get(f"/api/v1/cases/{case_no}") as response:
                body = await response.json(content_type=None)
            latencies.append((time.perf_counter() - started) * 1000)
            checked += 1
            if response.status != 200 or body.get("stage_label") != expected[case_no]:
                wrong += 1
            await asyncio.sleep(0.005)
    return checked, wrong, latencies


async def run(cases: int) -> None:
    print(f"generating {cases:,} cases…", file=sys.stderr)
    batches, expected = build_batches(cases)
    total_events = sum(len(orjson.loads(b)) for _, b in batches)
    data_dir = Path(tempfile.mkdtemp(prefix="civicline-bench-ingest-"))
    from civicline.services import open_services

    services = open_services(load_settings(env={}, overrides={
        "storage": {"data_dir": str(data_dir)}}), with_search=False)
    tokens = {d: services.tokens.create_sync(d, datetime.now(ZoneInfo("Asia/Shanghai")))
              for d in {d for d, _ in batches}}
    await services.close()

    base_port = free_port()
    with server([sys.executable, "-c", BASELINE_SERVER, str(base_port)], base_port):
        _, base_seconds = await post_all(f"http://127.0.0.1:{base_port}", batches, tokens)

    port = free_port()
    with server(civicline_server(data_dir, port), port, BENCH_ENV):
        url = f"http://127.0.0.1:{port}"
        done: list[str] = []
        stop = asyncio.Event()
        reader = asyncio.create_task(read_during(url, done, expected, stop))
        accepted, seconds = await post_all(url, batches, tokens, done)
        stop.set()
        checked, wrong, latencies = await reader
        # Idempotence: the whole load again changes nothing.
        again, _ = await post_all(url, batches[:10], tokens)

    rate = accepted / seconds
    latencies.sort()
    print(f"\nevents: {total_events:,} in {len(batches)} batches of ≤{BATCH}, {CLIENTS} clients")
    print(f"baseline (bare handler parsing the same batches): {total_events / base_seconds:,.0f}"
          f" events/s")
    print(f"civicline ingest: {rate:,.0f} events/s (target ≥ 5,000); accepted {accepted:,}; "
          f"ratio to baseline {rate / (total_events / base_seconds):.2f}")
    if latencies:
        print(f"reads during load: {checked} checked, {wrong} wrong, p50 "
              f"{statistics.median(latencies):.1f} ms, p99 "
              f"{latencies[int(len(latencies) * 0.99) - 1]:.1f} ms")
    print(f"re-posting 10 batches accepted {again} new events (expected 0)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    asyncio.run(run(parser.parse_args().cases))


if __name__ == "__main__":
    main()
