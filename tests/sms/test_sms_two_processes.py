"""Two real `civicline serve` processes on one data directory answer a repeat exactly once.

Providers resend a message they are unsure of (the same MessageSid), phones resend the same
text, and a load balancer may hand the copies to different processes at the same moment.
Each message below goes to both processes concurrently, several times over; the database
decides which single copy is answered.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.sms_provider import (
    AUTH_TOKEN,
    GATEWAY_SECRET,
    PUBLIC_URL,
    gateway_body,
    twilio_signed,
)

Send = Callable[[aiohttp.ClientSession, str], Awaitable[str]]  # one copy to one process
MESSAGES = 40
COPIES = 3  # of each message, to each process


@dataclass
class Pair:
    bases: tuple[str, str]
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])),
                                          timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"server did not start:\n{output}") from None
            time.sleep(0.1)  # polling a starting process: nothing to wait on but the port


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    data_dir = tmp_path_factory.mktemp("shared")
    env = {**os.environ, "CIVICLINE_LOGGING_FORMAT": "console",
           "CIVICLINE_LOGGING_LEVEL": "WARNING", "CIVICLINE_PUBLIC_URL": PUBLIC_URL,
           "CIVICLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "CIVICLINE_SMS_GATEWAY_SECRET": GATEWAY_SECRET,
           # Each test number sends many messages; the per-sender limit is not under test.
           "CIVICLINE_QUERY_LOOKUPS_PER_MINUTE": "1000000",
           "CIVICLINE_QUERY_LOOKUP_BURST": "1000000"}
    ports = (_free_port(), _free_port())
    # Both start at once on a fresh directory: they also race to create the schema.
    processes = [subprocess.Popen(  # noqa: S603 -- our own CLI
        [sys.executable, "-m", "civicline.cli", "serve", "--port", str(port),
         "--data-dir", str(data_dir)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT) for port in ports]
    bases = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        for process, base in zip(processes, bases, strict=True):
            _wait_until_serving(process, base)
        yield Pair(bases, data_dir)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


async def _twilio(session: aiohttp.ClientSession, base: str, params: dict[str, str]) -> str:
    """POST one signed Twilio inbound message; returns the TwiML."""
    async with session.post(base + "/sms/twilio", data=params,
                            headers=twilio_signed("/sms/twilio", params)) as response:
        assert response.status == 200, await response.text()
        return await response.text()


async def _copies_to_both(pair: Pair, send: Send) -> list[str]:
    """COPIES copies to each process, all at once; their answers."""
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(send(session, base)
                                      for base in pair.bases for _ in range(COPIES)))


@pytest.mark.parametrize("same", ["message id", "text from the number"])
async def test_a_repeat_reaching_both_processes_at_once_is_answered_once(
        pair: Pair, same: str) -> None:
    replies_per_message = []
    for i in range(MESSAGES):
        phone = f"+86137{'1' if same == 'message id' else '2'}{i:07d}"
        sids = itertools.count()

        async def send(session: aiohttp.ClientSession, base: str, i: int = i,
                       phone: str = phone, sids: itertools.count[int] = sids) -> str:
            # The same id every time, or a new id for each copy of the same text.
            sid = f"SM{i:032d}" if same == "message id" else f"SMt{i:019d}{next(sids):012d}"
            return await _twilio(session, base, {"MessageSid": sid, "From": phone,
                                                 "To": "+10005550100", "Body": "帮助"})

        twiml = await _copies_to_both(pair, send)
        replies_per_message.append(sum("<Message>" in x for x in twiml))
    assert replies_per_message == [1] * MESSAGES


async def test_a_gateway_message_reaching_both_processes_queues_one_reply(pair: Pair) -> None:
    phones = [f"+86137300{i:05d}" for i in range(MESSAGES)]
    for i, phone in enumerate(phones):
        body, headers = gateway_body(phone, "帮助", f"gw-{i}", time.time())

        async def send(session: aiohttp.ClientSession, base: str, body: bytes = body,
                       headers: dict[str, str] = headers) -> str:
            async with session.post(base + "/sms/gateway", data=body,
                                    headers=headers) as response:
                assert response.status == 200, await response.text()
                return await response.text()

        await _copies_to_both(pair, send)
    conn = sqlite3.connect(pair.data_dir / "civicline.sqlite3")
    try:
        queued = dict(conn.execute(
            f"SELECT address, COUNT(*) FROM outbox WHERE channel = 'sms' AND address IN "  # noqa: S608 -- placeholders only
            f"({','.join('?' * len(phones))}) GROUP BY address", phones).fetchall())
    finally:
        conn.close()
    assert queued == dict.fromkeys(phones, 1)
