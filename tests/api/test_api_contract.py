"""The API's contract: OpenAPI matches the routes; Open311 shapes; problems everywhere."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.ingest import apply_batch_sync
from civicline.services import Services
from civicline.settings import Settings
from tests.factories import make_event, make_guide

Client = TestClient[web.Request, web.Application]


def _openapi_path(canonical: str) -> str:
    return re.sub(r"\{(\w+)\}", r"{\1}", canonical)


async def test_openapi_describes_exactly_the_routes(client: Client) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items()
                  for method in ops}
    served = {
        (_openapi_path(route.resource.canonical), route.method)
        for route in client.app.router.routes()
        if route.resource is not None and route.method != "HEAD"
        and route.resource.canonical.startswith(("/api/", "/open311/", "/healthz", "/metrics"))
    }
    assert documented == served


async def test_unknown_api_path_is_a_problem_document(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status == 404
    assert response.content_type == "application/problem+json"


async def test_wrong_method_is_a_problem_document_naming_the_allowed_ones(
        client: Client) -> None:
    response = await client.delete("/api/v1/cases/440920261127000001")
    assert response.status == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"]


async def test_unmatched_requests_are_counted_under_one_label(client: Client) -> None:
    assert (await client.get("/no/such/page/440920261127000002")).status == 404
    metrics = await (await client.get("/metrics")).text()
    assert 'method="GET",route="unmatched",status="404"' in metrics
    assert "440920261127000002" not in metrics


def test_every_route_is_added_through_the_instrumented_registration(
        settings: Settings, services: Services) -> None:
    # A route added straight to app.router would go uncounted and answer errors with
    # aiohttp's plain pages; static files are aiohttp's own handler. Every channel mounted.
    app = create_app(settings, services=services)
    apps = [app, *(r.get_info()["app"] for r in app.router.resources()
                   if isinstance(r, web.PrefixedSubAppResource))]
    routes = [route for app in apps for route in app.router.routes()
              if not isinstance(route.resource, web.StaticResource)]
    assert len(routes) > 40
    bare = [f"{route.method} {route.resource.canonical if route.resource else ''}"
            for route in routes
            if route.handler.__qualname__ != "instrumented.<locals>.counted"]
    assert bare == []


async def test_guide_detail_and_departments(client: Client, services: Services) -> None:
    await services.guides.put(make_guide(), services.clock())
    body = await (await client.get("/api/v1/guides/1001")).json()
    assert body["title"] == "食品经营许可（新办）"
    assert body["materials"][0] == {"name": "食品经营许可申请书", "form": "原件", "count": 1,
                                    "notes": ""}
    assert (await client.get("/api/v1/guides/9999")).status == 404
    departments = await (await client.get("/api/v1/departments")).json()
    assert departments["items"] == [{"name": "市场监督管理局", "guide_count": 1}]


async def test_guide_update_keeps_history(client: Client, services: Services,
                                          token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    guide = make_guide().to_dict()
    first = await client.put("/api/v1/guides/1001", json=guide, headers=headers)
    assert first.status == 201
    second = await client.put("/api/v1/guides/1001", json={**guide, "fee": "50元/证"},
                              headers=headers)
    assert second.status == 200
    assert (await second.json())["version"] == 2
    history = await services.guides.history("1001")
    assert [(g.version, g.fee) for g in history] == [(1, "不收费"), (2, "50元/证")]
    other = await client.put("/api/v1/guides/2001", json={**guide, "department": "公安局"},
                             headers=headers)
    assert other.status == 403


async def test_open311_services_use_the_item_name_exactly(client: Client,
                                                          services: Services) -> None:
    await services.guides.put(make_guide(), services.clock())
    services_json = await (await client.get("/open311/v2/services.json")).json()
    assert services_json[0]["service_code"] == "1001"
    assert services_json[0]["service_name"] == "食品经营许可（新办）"
    xml = ET.fromstring(await (await client.get("/open311/v2/services.xml")).read())  # noqa: S314 -- our own output
    assert xml.tag == "services"
    assert xml.findtext("service/service_name") == "食品经营许可（新办）"


async def test_open311_request_maps_the_public_view(client: Client,
                                                   services: Services) -> None:
    apply_batch_sync(services.cases, [make_event()])
    body: list[dict[str, Any]] = await (
        await client.get("/open311/v2/requests/440920261127000123.json")).json()
    request = body[0]
    assert request["status"] == "open"
    assert request["status_notes"] == "受理"
    assert request["extended_attributes"]["detailed_status"] == "RECEIVED"
    assert "13800001111" not in str(body) and "张小明" not in str(body)
    xml_response = await client.get("/open311/v2/requests/440920261127000123.xml")
    xml = ET.fromstring(await xml_response.read())  # noqa: S314 -- our own output
    assert xml.findtext("request/status") == "open"


async def test_open311_errors_are_code_description_lists(client: Client) -> None:
    response = await client.get("/open311/v2/requests/440920269999999999.json")
    assert response.status == 404
    assert await response.json() == [{"code": 404, "description": "未查到该办件"}]
    xml = await client.get("/open311/v2/requests/440920269999999999.xml")
    root = ET.fromstring(await xml.read())  # noqa: S314 -- our own output
    assert root.findtext("error/code") == "404"


async def test_open311_discovery_lists_the_endpoint(client: Client) -> None:
    body = await (await client.get("/open311/discovery.json")).json()
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    xml = ET.fromstring(await (await client.get("/open311/discovery.xml")).read())  # noqa: S314 -- our own output
    assert [f.text for f in xml.iter("format")] == ["application/json", "text/xml"]


async def test_health_and_metrics(client: Client) -> None:
    health = await (await client.get("/healthz")).json()
    assert health["status"] == "ok"
    await client.get("/api/v1/cases/440920261127000001")
    metrics = await (await client.get("/metrics")).text()
    assert 'civicline_http_requests_total{method="GET",route="/api/v1/cases/{case_no}"' in metrics
    assert "440920261127000001" not in metrics  # route templates, never case numbers


async def test_guide_search_over_http_with_filters_paging_and_bad_input(
        aiohttp_client: Any, settings: Any, clock: Any) -> None:
    from civicline.app import create_app
    from civicline.services import open_services

    services = open_services(settings, clock)
    try:
        client = await aiohttp_client(create_app(settings, services=services, channels=only("api")))
        await services.guide_service.put(make_guide())
        await services.guide_service.put(make_guide("2001", title="结婚登记", department="民政局",
                                                    aliases=("领结婚证",), life_events=("婚姻",)))
        body = await (await client.get("/api/v1/guides", params={"q": "開飯店"})).json()
        assert body["items"][0]["id"] == "1001"
        assert {"id", "title", "department", "snippet", "score"} <= set(body["items"][0])
        filtered = await (await client.get("/api/v1/guides", params={
            "q": "登记", "department": "民政局"})).json()
        assert [i["id"] for i in filtered["items"]] == ["2001"]
        by_event = await (await client.get("/api/v1/guides", params={"life_event": "婚姻"})).json()
        assert [i["id"] for i in by_event["items"]] == ["2001"]
        suggest = await (await client.get("/api/v1/guides/suggest", params={"q": "jh"})).json()
        assert "结婚登记" in suggest["items"]
        nothing = await (await client.get("/api/v1/guides", params={"q": "今天天气怎么样"})).json()
        assert nothing["total"] == 0 and nothing["items"] == []
        for bad in ({"q": "x" * 5000}, {"q": "a", "page": "0"}, {"q": "a", "page_size": "99"}):
            assert (await client.get("/api/v1/guides", params=bad)).status == 400
        assert (await client.get("/api/v1/guides", params={"q": '"(AND:*'})).status == 200
        await services.guide_service.remove("2001")
        gone = await (await client.get("/api/v1/guides", params={"q": "结婚登记"})).json()
        assert "2001" not in [i["id"] for i in gone["items"]]
    finally:
        await services.close()
