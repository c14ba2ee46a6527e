"""The HTTP metrics collector renders what it counted as valid Prometheus text."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from civicline.web.http_metrics import HttpMetrics


def scrape(metrics: HttpMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    registry.register(metrics)
    text = generate_latest(registry).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_counts_by_route_method_and_status() -> None:
    metrics = HttpMetrics()
    for status in (200, 200, 404):
        metrics.observe("/api/v1/cases/{case_no}", "GET", status, 0.002)
    samples = scrape(metrics)
    route = ("route", "/api/v1/cases/{case_no}")
    assert samples[("civicline_http_requests_total",
                    (("method", "GET"), route, ("status", "200")))] == 2
    assert samples[("civicline_http_requests_total",
                    (("method", "GET"), route, ("status", "404")))] == 1


def test_latency_buckets_are_cumulative_and_bounds_inclusive() -> None:
    metrics = HttpMetrics(bounds=(0.01, 0.1))
    for seconds in (0.005, 0.01, 0.05, 2.0):
        metrics.observe("/x", "GET", 200, seconds)
    samples = scrape(metrics)

    def bucket(le: str) -> float:
        return samples[("civicline_http_request_seconds_bucket", (("le", le), ("route", "/x")))]

    assert (bucket("0.01"), bucket("0.1"), bucket("+Inf")) == (2, 3, 4)
    assert samples[("civicline_http_request_seconds_count", (("route", "/x"),))] == 4
    total = samples[("civicline_http_request_seconds_sum", (("route", "/x"),))]
    assert total == pytest.approx(2.065)
