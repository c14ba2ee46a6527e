"""Scale-out: two service instances sharing Redis (bus, rate limits) and one data store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.clock import FixedClock
from civicline.core.query import Asker
from civicline.services import open_services
from tests.conftest import make_settings
from tests.factories import make_event


def scaled_settings(tmp_path: Path, redis_url: str, prefix: str, **query: Any) -> Any:
    return make_settings(tmp_path / "shared", redis={"url": redis_url, "prefix": prefix},
                         query=query)


async def test_a_change_ingested_by_one_process_is_seen_by_the_other(
        tmp_path: Path, redis_url: str, redis_prefix: str, clock: FixedClock,
        aiohttp_client: Any) -> None:
    settings = scaled_settings(tmp_path, redis_url, redis_prefix)
    writer = open_services(settings, clock, with_search=False)
    reader = open_services(settings, clock, with_search=False)
    try:
        writer_client: TestClient[web.Request, web.Application] = await aiohttp_client(
            create_app(settings, services=writer, channels=only("api")))
        reader_client: TestClient[web.Request, web.Application] = await aiohttp_client(
            create_app(settings, services=reader, channels=only("api")))
        token = await writer.tokens.create("市场监督管理局", clock())
        headers = {"Authorization": f"Bearer {token}"}
        first = make_event()
        assert (await writer_client.post("/api/v1/events", json=first,
                                         headers=headers)).status == 200
        before = await (await reader_client.get(f"/api/v1/cases/{first['case_no']}")).json()
        assert before["stage"] == "accepted"  # now cached by the reader

        evicted = asyncio.Event()
        original = reader.cases.invalidate

        def spy(keys: Any) -> None:
            original(keys)
            evicted.set()
        reader.cases.invalidate = spy  # type: ignore[method-assign]
        later = make_event(stage="undertaken", first=False)
        assert (await writer_client.post("/api/v1/events", json=later,
                                         headers=headers)).status == 200
        await asyncio.wait_for(evicted.wait(), 5)  # guard only: the bus delivers at once
        after = await (await reader_client.get(f"/api/v1/cases/{first['case_no']}")).json()
        assert after["stage"] == "undertaken"
    finally:
        await writer.close()
        await reader.close()


async def test_rate_limits_are_one_budget_across_processes(
        tmp_path: Path, redis_url: str, redis_prefix: str, clock: FixedClock) -> None:
    settings = scaled_settings(tmp_path, redis_url, redis_prefix, lookups_per_minute=1,
                               lookup_burst=3)
    first = open_services(settings, clock, with_search=False)
    second = open_services(settings, clock, with_search=False)
    try:
        asker = Asker("sms", "+8613800000000")
        kinds = []
        for services in (first, second, first, second):
            kinds.append((await services.query.lookup_case("440920261127999999", asker)).kind)
        assert [k.value for k in kinds] == ["case_not_found"] * 3 + ["rate_limited"]
    finally:
        await first.close()
        await second.close()
