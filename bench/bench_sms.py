"""SMS benchmarks: inbound webhook vs a bare handler, outbox throughput, event → send latency.

    .venv/bin/python -m bench.bench_sms [--seconds 5] [--messages 5000]

Everything runs on loopback in one process (client, server, fake provider), so the ratios
compare like with like on a shared machine; absolute numbers are printed for the record.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

import civicline.sms.config  # noqa: F401 -- registers the [sms] section before settings load
from civicline.app import create_app
from civicline.core.clock import FixedClock
from civicline.notify.notifier import build_message
from civicline.notify.wiring import open_notify
from civicline.services import open_services
from civicline.settings import load_settings
from civicline.sms import mount
from civicline.sms.config import sms_settings
from civicline.sms.providers import build_providers
from tests.factories import NOW, make_event
from tests.fakes.sms_provider import AUTH_TOKEN, PUBLIC_URL, FakeSmsProvider, sms_overrides

CASE_NO = "440920261127000123"


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _hammer(url: str, bodies: list[dict[str, str]], headers: list[dict[str, str]],
                  seconds: float, clients: int = 16) -> float:
    done = 0
    stop = time.perf_counter() + seconds
    counter = itertools.count()

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            i = next(counter) % len(bodies)
            async with session.post(url, data=bodies[i], headers=headers[i]) as response:
                await response.read()
                assert response.status == 200, response.status
            done += 1
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return done / seconds


def _settings(data_dir: Path, fake_url: str, **sms: Any) -> Any:
    return load_settings(env={}, overrides={"storage": {"data_dir": str(data_dir)},
                                            "server": {"public_url": PUBLIC_URL},
                                            "query": {"lookups_per_minute": 10**9,
                                                      "lookup_burst": 10**9},
                                            "sms": sms_overrides(fake_url, **sms)})


async def bench_inbound(tmp: Path, fake: FakeSmsProvider, seconds: float) -> None:
    settings = _settings(tmp / "inbound", fake.url, providers=["console"], dedupe_seconds=0)
    clock = FixedClock(NOW)
    services = open_services(settings, clock, with_search=False)
    await services.ingest.ingest([make_event(CASE_NO, at=NOW)], None)
    runner, base = await _serve(create_app(settings, services=services,
                                           channels=[("sms", mount)]))
    validator = RequestValidator(AUTH_TOKEN)
    bodies = [{"MessageSid": f"SM{i:032d}", "From": f"+86137{i:08d}", "To": "+1",
               "Body": f"查 {CASE_NO}"} for i in range(20_000)]
    headers = [{"X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + "/sms/twilio", b)}
               for b in bodies]

    async def bare(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text="<Response><Message>ok</Message></Response>",
                            content_type="application/xml")
    bare_app = web.Application()
    bare_app.router.add_post("/sms/twilio", bare)
    bare_runner, bare_base = await _serve(bare_app)
    baseline = await _hammer(bare_base + "/sms/twilio", bodies, headers, seconds)
    civic = await _hammer(base + "/sms/twilio", bodies, headers, seconds)
    await bare_runner.cleanup()
    await runner.cleanup()
    await services.close()
    print(f"inbound webhook: bare {baseline:,.0f} req/s, civicline {civic:,.0f} req/s "
          f"(signature check, de-dup, case lookup, TwiML): ratio {civic / baseline:.2f} "
          f"(target ≥ 0.5)")


async def bench_outbox(tmp: Path, fake: FakeSmsProvider, messages: int) -> None:
    settings = _settings(tmp / "outbox", fake.url, providers=["gateway"],
                         gateway_parts_per_second=1e6, send_concurrency=64)
    services = open_services(settings, with_search=False)
    notify = open_notify(services, build_providers(settings, sms_settings(settings)))
    batch = [build_message("reply", f"1390000{i:04d}", f"bench-{i}", {"content": f"第{i}条"})
             for i in range(messages)]
    await notify.outbox.enqueue(batch, 0.0)
    before = len(fake.received)
    started = time.perf_counter()
    await notify.start(notifier=False, dispatcher=True)
    await fake.wait_for(before + messages, guard_seconds=120)
    rate = messages / (time.perf_counter() - started)
    await notify.close()
    await services.close()
    print(f"outbox: {messages:,} messages queued → accepted by the fake gateway at "
          f"{rate:,.0f} messages/s (target ≥ 500)")


async def bench_latency(tmp: Path, fake: FakeSmsProvider, events: int) -> None:
    settings = _settings(tmp / "latency", fake.url, providers=["gateway"],
                         gateway_parts_per_second=1e6, notify_rules=["undertaken:applicant"],
                         quiet_start="00:00", quiet_end="00:00")
    services = open_services(settings, with_search=False)
    notify = open_notify(services, build_providers(settings, sms_settings(settings)))
    now = services.clock()
    # One applicant each: the per-number daily cap would otherwise hold the 51st message.
    await services.ingest.ingest([make_event(f"B{i:06d}", at=now, applicant={
        "name": "张小明", "kind": "person", "phone": f"1370000{i:04d}"}) for i in range(events)],
        None)
    await notify.start(notifier=True, dispatcher=True)
    notify.dispatcher.record_first_attempts = True
    latencies: list[float] = []
    for i in range(events):
        before = len(fake.received)
        t0 = time.perf_counter()
        await services.ingest.ingest([make_event(f"B{i:06d}", "undertaken", at=services.clock(),
                                                 first=False)], None)
        await fake.wait_for(before + 1, guard_seconds=10)
        latencies.append(max(notify.dispatcher.first_attempt_at.values()) - t0)
    await notify.close()
    await services.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"stage change → first send attempt over {events} events: p50 "
          f"{statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
          f"(target ≤ 200 ms)")


async def run(seconds: float, messages: int, events: int) -> None:
    fake = FakeSmsProvider()
    await fake.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            await bench_inbound(Path(tmp), fake, seconds)
            await bench_outbox(Path(tmp), fake, messages)
            await bench_latency(Path(tmp), fake, events)
    finally:
        await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.messages, args.events))


if __name__ == "__main__":
    main()
