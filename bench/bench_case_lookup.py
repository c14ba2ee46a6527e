"""Case lookup through GET /api/v1/cases/{no} against a bare aiohttp handler.

Targets (issue "Core query service"): throughput ratio ≥ 0.6; p99 ≤ 10 ms at 1,000 req/s;
the 1,000,000-case store at most 1.5× the 10,000-case p99; RSS with 1,000,000 cases ≤ 400 MB.

    .venv/bin/python -m bench.bench_case_lookup --cases 10000 [--cases 1000000]
"""

from __future__ import annotations

import argparse
import sys

from bench.baseline_server import __file__ as baseline_file
from bench.datasets import case_dataset, sample_cases
from bench.harness import (
    BENCH_ENV,
    civicline_server,
    fixed_rate,
    free_port,
    rss_mb,
    server,
    warm,
    wrk_throughput,
)

ROUNDS = 3


def measure(cases: int, seconds: int, distinct: int) -> dict[str, float]:
    """Throughput in alternating rounds (baseline, civicline, …): the machine's load drifts
    between runs, so each round's ratio compares neighbours and the median is reported."""
    data_dir = case_dataset(cases)
    paths = [f"/api/v1/cases/{key}" for key, _ in sample_cases(data_dir, distinct)]
    results: dict[str, float] = {}
    base_port, app_port = free_port(), free_port()
    with server([sys.executable, baseline_file, str(base_port)], base_port), \
            server(civicline_server(data_dir, app_port), app_port, BENCH_ENV) as process:
        base_url = f"http://127.0.0.1:{base_port}"
        app_url = f"http://127.0.0.1:{app_port}"
        warm(app_url, paths)
        rounds = []
        for _ in range(ROUNDS):
            baseline = wrk_throughput(base_url, paths, seconds)
            lookup = wrk_throughput(app_url, paths, seconds)
            rounds.append((lookup / baseline, baseline, lookup))
        rounds.sort()
        results["throughput_ratio"], results["baseline_rps"], results["lookup_rps"] = \
            rounds[len(rounds) // 2]
        results["ratio_min"], results["ratio_max"] = rounds[0][0], rounds[-1][0]
        results["baseline_p99_ms"] = fixed_rate(base_url, paths, 1000, seconds).p99_ms
        lat = fixed_rate(app_url, paths, 1000, seconds)
        results["lookup_p50_ms"] = lat.p50_ms
        results["lookup_p99_ms"] = lat.p99_ms
        results["lookup_errors"] = lat.errors
        results["rss_mb"] = rss_mb(process.pid)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, action="append")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--distinct", type=int, default=5000,
                        help="distinct cases asked for; above the 10,000-case cache "
                             "([query] cached_cases) most lookups miss it and decode from "
                             "SQLite")
    args = parser.parse_args()
    sizes = args.cases or [10_000]
    by_size = {n: measure(n, args.seconds, args.distinct) for n in sizes}
    for n, r in by_size.items():
        print(f"\n== {n:,} cases, {args.distinct:,} distinct cases asked for ==")
        print(f"baseline (bare aiohttp, constant JSON): {r['baseline_rps']:,.0f} req/s, "
              f"p99 {r['baseline_p99_ms']:.2f} ms at 1,000 req/s")
        print(f"civicline case lookup: {r['lookup_rps']:,.0f} req/s, "
              f"p50 {r['lookup_p50_ms']:.2f} ms, p99 {r['lookup_p99_ms']:.2f} ms at 1,000 req/s, "
              f"errors {r['lookup_errors']:.0f}")
        print(f"throughput ratio {r['throughput_ratio']:.2f}, median of {ROUNDS} alternating "
              f"rounds ({r['ratio_min']:.2f}–{r['ratio_max']:.2f}) (target ≥ 0.6); "
              f"p99 {'OK' if r['lookup_p99_ms'] <= 10 else 'OVER'} (target ≤ 10 ms); "
              f"RSS {r['rss_mb']:.0f} MB")
    if len(by_size) > 1:
        small, big = min(by_size), max(by_size)
        ratio = by_size[big]["lookup_p99_ms"] / by_size[small]["lookup_p99_ms"]
        print(f"\np99 {big:,} vs {small:,} cases: {ratio:.2f}× (target ≤ 1.5×); "
              f"RSS at {big:,}: {by_size[big]['rss_mb']:.0f} MB (target ≤ 400 MB)")


if __name__ == "__main__":
    main()
