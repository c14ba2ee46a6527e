"""POST /api/v1/events: auth, exactly-once effect, ordering, batches and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.core.bus import CASE_TOPIC
from civicline.services import Services
from tests.factories import NOW, OTHER_DEPARTMENT, make_event

Client = TestClient[web.Request, web.Application]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post(client: Client, token: str, body: Any, **headers: str) -> tuple[int, Any]:
    data = body if isinstance(body, bytes | str) else orjson.dumps(body)
    response = await client.post("/api/v1/events", data=data,
                                 headers={**auth(token), "Content-Type": "application/json",
                                          **headers})
    return response.status, await response.json(content_type=None)


async def test_event_without_token_is_401(client: Client) -> None:
    response = await client.post("/api/v1/events", json=make_event())
    assert response.status == 401
    assert response.content_type == "application/problem+json"
    body = await response.json(content_type=None)
    assert body["type"].endswith("/unauthorized")
    assert body["title"] == "缺少或无效的访问令牌"


async def test_event_with_unknown_token_is_401(client: Client) -> None:
    status, _ = await post(client, "cl_not-a-real-token", make_event())
    assert status == 401


async def test_accepted_event_creates_the_case(client: Client, token: str,
                                               services: Services) -> None:
    status, body = await post(client, token, make_event())
    assert status == 200
    assert body["accepted"] == 1
    case = await services.cases.get("440920261127000123")
    assert case is not None
    assert case.stage.value == "accepted"
    assert case.applicant.name == "张小明"


async def test_repeated_event_id_changes_nothing(client: Client, token: str,
                                                 services: Services) -> None:
    event = make_event()
    await post(client, token, event)
    before = await services.cases.get("440920261127000123")
    status, body = await post(client, token, {**event, "stage": "concluded"})
    assert status == 200
    assert body["results"][0]["status"] == "duplicate"
    assert await services.cases.get("440920261127000123") == before


async def test_another_departments_case_is_403(client: Client, token: str,
                                                services: Services) -> None:
    await post(client, token, make_event())
    other = await services.tokens.create(OTHER_DEPARTMENT, NOW)
    status, body = await post(client, other, make_event(stage="undertaken", first=False))
    assert status == 403
    assert body["type"].endswith("/forbidden")
    case = await services.cases.get("440920261127000123")
    assert case is not None and case.stage.value == "accepted"


async def test_new_case_for_another_department_is_403(client: Client, token: str) -> None:
    status, _ = await post(client, token, make_event(department=OTHER_DEPARTMENT))
    assert status == 403


async def test_late_older_event_never_moves_the_case_backwards(client: Client, token: str,
                                                                services: Services) -> None:
    accepted = make_event(at=NOW - timedelta(days=5))
    reviewed = make_event(stage="reviewed", first=False, at=NOW - timedelta(days=1))
    undertaken = make_event(stage="undertaken", first=False, at=NOW - timedelta(days=3))
    await post(client, token, accepted)
    await post(client, token, reviewed)
    status, body = await post(client, token, undertaken)
    assert status == 200
    assert body["results"][0]["late"] is True
    case = await services.cases.get("440920261127000123")
    assert case is not None
    assert case.stage.value == "reviewed"
    assert [e.stage.value for e in case.timeline] == ["accepted", "undertaken", "reviewed"]


async def test_batch_keeps_good_events_and_reports_each_bad_one(client: Client, token: str,
                                                                 services: Services) -> None:
    batch = [
        make_event(case_no="A-1"),
        make_event(case_no="A-2", stage="flying"),
        make_event(case_no="A-3", occurred_at="2026-02-30T10:00:00+08:00"),
        make_event(case_no="A-4", query_code="12ab56"),
        "not an object",
        make_event(case_no="A-5"),
    ]
    status, body = await post(client, token, batch)
    assert status == 200
    assert [r["status"] for r in body["results"]] == [
        "accepted", "rejected", "rejected", "rejected", "rejected", "accepted"]
    assert body["results"][1]["field"] == "stage"
    assert body["results"][2]["field"] == "occurred_at"
    assert body["results"][3]["field"] == "query_code"
    assert await services.cases.get("A1") is not None
    assert await services.cases.get("A5") is not None
    assert await services.cases.get("A2") is None


async def test_ndjson_batch_is_accepted(client: Client, token: str) -> None:
    lines = b"\n".join(orjson.dumps(make_event(case_no=f"N-{i}")) for i in range(3))
    response = await client.post("/api/v1/events", data=lines, headers={
        **auth(token), "Content-Type": "application/x-ndjson"})
    assert response.status == 200
    assert (await response.json())["accepted"] == 3


async def test_first_event_of_a_case_must_say_what_it_is(client: Client, token: str) -> None:
    status, body = await post(client, token, make_event(first=False))
    assert status == 422
    assert body["type"].endswith("/invalid-event")
    assert "department" in body["detail"]


@pytest.mark.parametrize(("body", "content_type", "status", "kind"), [
    (b"{not json", "application/json", 400, "invalid-json"),
    (b"\xff\xfe\x00garbage", "application/json", 400, "invalid-encoding"),
    (b"", "application/json", 400, "invalid-json"),
    (b"12", "application/json", 422, "invalid-event"),
    (b'{"event_id": 5}', "application/json", 422, "invalid-event"),
])
async def test_malformed_bodies_get_a_clear_problem(client: Client, token: str, body: bytes,
                                                    content_type: str, status: int,
                                                    kind: str) -> None:
    response = await client.post("/api/v1/events", data=body,
                                 headers={**auth(token), "Content-Type": content_type})
    assert response.status == status
    problem = await response.json(content_type=None)
    assert problem["type"].endswith("/" + kind)
    assert problem["title"]


async def test_body_over_one_mebibyte_is_413_and_the_server_stays_up(client: Client,
                                                                     token: str) -> None:
    huge = b"[" + b" " * (1024 * 1024 + 10) + b"]"
    response = await client.post("/api/v1/events", data=huge,
                                 headers={**auth(token), "Content-Type": "application/json"})
    assert response.status == 413
    assert (await client.get("/healthz")).status == 200


async def test_case_number_with_injection_attempt_is_rejected(client: Client,
                                                              token: str) -> None:
    status, body = await post(client, token, make_event(case_no="1'; DROP TABLE cases;--"))
    assert status == 422
    assert "case_no" in body["detail"]


async def test_every_accepted_event_is_published_once_in_order(client: Client, token: str,
                                                               services: Services) -> None:
    subscription = services.bus.subscribe({CASE_TOPIC})
    events = [make_event(at=NOW - timedelta(days=4)),
              make_event(stage="undertaken", first=False, at=NOW - timedelta(days=3)),
              make_event(stage="reviewed", first=False, at=NOW - timedelta(days=2))]
    await post(client, token, events)
    await post(client, token, events[1])  # duplicate: not published again
    await services.bus.close()
    received = [m.payload["event_id"] async for m in subscription]
    assert received == [e["event_id"] for e in events]
