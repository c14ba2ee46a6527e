"""HTTP request counts and latency, kept as plain numbers and rendered for Prometheus on scrape.

prometheus_client's Counter and Histogram take a lock per increment and walk the buckets in
Python; on the hottest path (a case lookup costs ~45 µs in all) that was ~3 µs a request.
Handlers all run on the event loop's thread, so plain integers need no lock here; the
collector turns them into the same metric families when /metrics is scraped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

# Upper bounds in seconds; one more slot per route counts what lies above the last (+Inf).
LATENCY_BOUNDS: tuple[float, ...] = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class HttpMetrics(Collector):
    """Requests by (route template, method, status) and a latency histogram by route."""

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BOUNDS) -> None:
        self.bounds = bounds
        self.requests: dict[tuple[str, str, int], int] = {}
        # route -> [count in each bound's bucket…, count above the last bound, sum of seconds]
        self.latency: dict[str, list[float]] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        row = self.latency.get(route)
        if row is None:
            row = self.latency[route] = [0.0] * (len(self.bounds) + 2)
        row[bisect_left(self.bounds, seconds)] += 1
        row[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily("civicline_http_requests", "HTTP requests",
                                       labels=["route", "method", "status"])
        for (route, method, status), count in sorted(self.requests.items()):
            requests.add_metric([route, method, str(status)], count)
        yield requests
        latency = HistogramMetricFamily("civicline_http_request_seconds",
                                        "HTTP request latency", labels=["route"])
        names = (*map(floatToGoString, self.bounds), "+Inf")
        for route, row in sorted(self.latency.items()):
            cumulative, buckets = 0.0, []
            for bound, in_bucket in zip(names, row[:-1], strict=True):
                cumulative += in_bucket
                buckets.append((bound, cumulative))
            latency.add_metric([route], buckets, row[-1])
        yield latency
