"""SMS benchmarks: inbound webhook vs a bare handler, outbox throughput, event → send latency.

    .venv/bin/python -m bench.bench_sms [--seconds 5] [--messages 5000]

The inbound webhook and its baseline each run in their own process, loaded by wrk; the outbox
and latency runs keep everything (service, fake provider) in this process, on loopback.
Ratios compare like with like on a shared machine; absolute numbers are for the record.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator

from bench.harness import BENCH_ENV, ensure_wrk, free_port, server
from bench.sms_inbound_server import CASE_NO
from civicline.channels.registry import load_settings
from civicline.notify_wiring import open_notify
from civicline.services import open_services
from tests.factories import make_event
from tests.fakes.sms_provider import (
    AUTH_TOKEN,
    PUBLIC_URL,
    FakeSmsProvider,
    sms_message,
    sms_overrides,
)

ROUNDS = 3
SIGNED_URL = PUBLIC_URL + "/sms/twilio"
WRK_SCRIPT = """
reqs = {}
for line in io.lines(os.getenv("SMS_REQUESTS")) do
  local body, sig = line:match("([^\\t]+)\\t(.+)")
  reqs[#reqs + 1] = {body, sig}
end
i = tonumber(os.getenv("SMS_OFFSET"))
request = function()
  i = i + 1
  local r = reqs[(i % #reqs) + 1]
  return wrk.format("POST", "/sms/twilio", {["Content-Type"] = "application/x-www-form-urlencoded",
                    ["X-Twilio-Signature"] = r[2]}, r[1])
end
"""


def _settings(data_dir: Path, fake_url: str, **sms: Any) -> Any:
    return load_settings(env={}, overrides={"storage": {"data_dir": str(data_dir)},
                                            "server": {"public_url": PUBLIC_URL},
                                            "query": {"lookups_per_minute": 10**9,
                                                      "lookup_burst": 10**9},
                                            "sms": sms_overrides(fake_url, **sms)})


def _signed_requests(path: Path, count: int) -> None:
    """`count` distinct inbound messages (own id, own sender), each with Twilio's signature:
    a repeated message would take the cheap de-dup path instead of a lookup and a reply."""
    validator = RequestValidator(AUTH_TOKEN)
    with path.open("w") as out:
        for i in range(count):
            form = {"MessageSid": f"SM{i:032d}", "From": f"+86137{i:08d}", "To": "+1",
                    "Body": f"查 {CASE_NO}"}
            signature = validator.compute_signature(SIGNED_URL, form)
            out.write(f"{urllib.parse.urlencode(form)}\t{signature}\n")


def _wrk_post(url: str, script: Path, requests: Path, offset: int, seconds: int) -> float:
    env = {**os.environ, "SMS_REQUESTS": str(requests), "SMS_OFFSET": str(offset)}
    out = subprocess.run(  # noqa: S603 -- fixed arguments
        [ensure_wrk(), "-t1", "-c32", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, check=True, env=env).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"the webhook refused requests:\n{out}")
    return float(next(line.split()[1] for line in out.splitlines()
                      if line.startswith("Requests/sec:")))


def bench_inbound(tmp: Path, seconds: int) -> None:
    """Both servers in their own processes, loaded by wrk from outside, in alternating
    rounds (the machine's load drifts); every request is a new message."""
    per_round = 20_000 * seconds  # more than civicline answers in a round (the bare one wraps)
    requests, script = tmp / "sms-requests.tsv", tmp / "sms.lua"
    _signed_requests(requests, per_round * (ROUNDS + 1))
    script.write_text(WRK_SCRIPT)
    server_cmd = [sys.executable, "-m", "bench.sms_inbound_server"]
    base_port, app_port = free_port(), free_port()
    rounds = []
    with server([*server_cmd, str(base_port), "bare", str(tmp / "bare")], base_port), \
            server([*server_cmd, str(app_port), "civicline", str(tmp / "inbound")], app_port,
                   BENCH_ENV):
        # A warm-up round each, not counted: a server's first tens of thousands of messages
        # also fill its caches and grow its tables, which a long-running one has done.
        for port in (base_port, app_port):
            _wrk_post(f"http://127.0.0.1:{port}", script, requests, ROUNDS * per_round,
                      seconds)
        for r in range(ROUNDS):
            baseline = _wrk_post(f"http://127.0.0.1:{base_port}", script, requests,
                                 r * per_round, seconds)
            civic = _wrk_post(f"http://127.0.0.1:{app_port}", script, requests,
                              r * per_round, seconds)
            rounds.append((civic / baseline, baseline, civic))
    rounds.sort()
    ratio, baseline, civic = rounds[len(rounds) // 2]
    print(f"inbound webhook: bare {baseline:,.0f} req/s, civicline {civic:,.0f} req/s "
          f"(signature check, de-dup, case lookup, TwiML; every message new): ratio "
          f"{ratio:.2f}, median of {ROUNDS} alternating rounds ({rounds[0][0]:.2f}–"
          f"{rounds[-1][0]:.2f}) (target ≥ 0.5)")


async def bench_outbox(tmp: Path, fake: FakeSmsProvider, messages: int) -> None:
    settings = _settings(tmp / "outbox", fake.url, providers=["gateway"],
                         gateway_parts_per_second=1e6, send_concurrency=64)
    services = open_services(settings, with_search=False)
    notify = open_notify(services)
    batch = [sms_message("reply", f"1390000{i:04d}", f"bench-{i}", {"content": f"第{i}条"})
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
          f"{rate:,.0f} messages/s (target ≥ 1,000)")


async def bench_latency(tmp: Path, fake: FakeSmsProvider, events: int) -> None:
    settings = _settings(tmp / "latency", fake.url, providers=["gateway"],
                         gateway_parts_per_second=1e6, notify_rules=["undertaken:applicant"],
                         quiet_start="00:00", quiet_end="00:00")
    services = open_services(settings, with_search=False)
    notify = open_notify(services)
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
            bench_inbound(Path(tmp), int(seconds))
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
