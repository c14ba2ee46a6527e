"""WAP guide detail and case status pages against a bare aiohttp handler serving a constant page.

Target (issue "WAP pages for any phone, and the hall's touch kiosks"): throughput ratio ≥ 0.5
for each page type, the baseline serving a constant HTML page of the same size in the same run.

    .venv/bin/python -m bench.bench_wap [--cases 10000] [--seconds 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import urllib.request

from bench.datasets import case_dataset, sample_cases
from bench.harness import BENCH_ENV, civicline_server, free_port, server, warm, wrk_throughput

# A bare handler answering every path with one constant HTML page of the given size.
BASELINE = """
import sys
from aiohttp import web
head = b"<!DOCTYPE html><html lang=zh-CN><body>"
page = head + b"x" * (int(sys.argv[2]) - len(head))
async def constant(request):
    return web.Response(body=page, content_type="text/html", charset="utf-8")
app = web.Application()
app.router.add_get("/{tail:.*}", constant)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def page_size(url: str) -> int:
    with urllib.request.urlopen(url) as response:  # noqa: S310 -- our own loopback server
        assert response.status == 200, url
        return len(response.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    data_dir = case_dataset(args.cases)
    kinds = {
        "guide detail": [f"/wap/g/{1001 + i}" for i in range(153)],
        "case status (public view)": [f"/wap/c/{key}" for key, _ in sample_cases(data_dir, 5000)],
    }
    results: dict[str, tuple[int, float, float]] = {}
    port = free_port()
    with server(civicline_server(data_dir, port), port, BENCH_ENV):
        url = f"http://127.0.0.1:{port}"
        for kind, paths in kinds.items():
            size = round(sum(page_size(url + p) for p in paths[:20]) / 20)
            base_port = free_port()
            with server([sys.executable, "-c", BASELINE, str(base_port), str(size)], base_port):
                base_url = f"http://127.0.0.1:{base_port}"
                warm(url, paths)
                # Alternate the two, best of each: the machine is shared and noisy, and an
                # idle server costs the other nothing.
                app_rps = base_rps = 0.0
                for _ in range(args.rounds):
                    base_rps = max(base_rps, wrk_throughput(base_url, ["/"], args.seconds))
                    app_rps = max(app_rps, wrk_throughput(url, paths, args.seconds))
            results[kind] = (size, app_rps, base_rps)

    print(f"\n== WAP pages, {args.cases:,} cases ==")
    for kind, (size, app_rps, base_rps) in results.items():
        ratio = app_rps / base_rps
        print(f"{kind}: {app_rps:,.0f} req/s vs bare constant page of {size:,} bytes "
              f"{base_rps:,.0f} req/s; ratio {ratio:.2f} "
              f"({'OK' if ratio >= 0.5 else 'UNDER'}, target ≥ 0.5)")


if __name__ == "__main__":
    main()
