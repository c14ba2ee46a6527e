"""Shared benchmark plumbing: servers in their own processes, wrk, and a fixed-rate client.

Benchmarks print ratios against a baseline measured in the same run, because these machines
are shared and noisy; absolute numbers are printed too, for the record.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port} after {timeout}s")


@contextmanager
def server(cmd: Sequence[str], port: int, env: dict[str, str] | None = None
           ) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends."""
    process = subprocess.Popen(  # noqa: S603 -- our own commands
        list(cmd), env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def civicline_server(data_dir: Path, port: int) -> list[str]:
    return [str(VENV_BIN / "civicline"), "serve", "--data-dir", str(data_dir),
            "--port", str(port)]


BENCH_ENV = {
    # The benchmark client is one sender; lift the per-sender limit so it measures the path.
    "CIVICLINE_QUERY_LOOKUPS_PER_MINUTE": "1000000000",
    "CIVICLINE_QUERY_LOOKUP_BURST": "1000000000",
    "CIVICLINE_LOGGING_LEVEL": "WARNING",
}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian package) for the load generator…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,  # noqa: S607
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def wrk_throughput(url: str, paths: Sequence[str], seconds: int = 10, connections: int = 32
                   ) -> float:
    """Requests/s that wrk sustains against `url`, spreading requests over `paths` at random.

    The paths go in a file the script reads: a Lua chunk holds at most 65,536 constants."""
    with tempfile.TemporaryDirectory() as tmp:
        listing, script = Path(tmp) / "paths.txt", Path(tmp) / "paths.lua"
        listing.write_text("\n".join(paths) + "\n")
        script.write_text(
            f"paths = {{}}\nfor line in io.lines({str(listing)!r}) do "
            "paths[#paths + 1] = line end\n"
            "math.randomseed(42)\nrequest = function()\n"
            "  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
        out = subprocess.run(  # noqa: S603 -- fixed arguments
            [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
            capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out)


@dataclass
class Latency:
    sent: int
    errors: int
    p50_ms: float
    p99_ms: float
    achieved_rps: float


async def _fixed_rate(base: str, paths: Sequence[str], rate: int, seconds: float,
                      headers: dict[str, str] | None) -> Latency:
    """Open-loop load: request i is due at start + i/rate and latency counts from when it was
    due, so a stalled server cannot hide its queueing (no coordinated omission). A fixed pool
    of workers takes due requests in turn, which keeps the client's own overhead flat."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    next_index = 0
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base, connector=connector, headers=headers) as session:
        start = time.perf_counter()

        async def worker() -> None:
            nonlocal errors, next_index
            while next_index < total:
                i = next_index
                next_index += 1
                due = start + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                try:
                    async with session.get(paths[i % len(paths)]) as response:
                        await response.read()
                        if response.status >= 500 or response.status == 429:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(worker() for _ in range(64)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return Latency(total, errors, statistics.median(latencies),
                   latencies[int(len(latencies) * 0.99) - 1], total / elapsed)


def fixed_rate(base: str, paths: Sequence[str], rate: int = 1000, seconds: float = 10.0,
               headers: dict[str, str] | None = None) -> Latency:
    return asyncio.run(_fixed_rate(base, paths, rate, seconds, headers))


async def _warm(base: str, paths: Sequence[str], concurrency: int) -> None:
    queue = list(paths)
    async with aiohttp.ClientSession(base) as session:
        async def worker() -> None:
            while queue:
                async with session.get(queue.pop()) as response:
                    await response.read()
        await asyncio.gather(*(worker() for _ in range(concurrency)))


def warm(base: str, paths: Sequence[str], concurrency: int = 16) -> None:
    """Ask for every path once, so that rounds measure the steady state (cases decoded and
    answers memoised, as in a server that has been up a while), not the first requests."""
    asyncio.run(_warm(base, paths, concurrency))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
