"""The kiosk's shell and JSON endpoints over real HTTP (aiohttp test client, SQLite in tmp)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.ingest import apply_batch_sync
from civicline.services import Services
from tests.conftest import make_settings
from tests.factories import NOW, make_event, make_guide

Client = TestClient[web.Request, web.Application]
KioskClient = Callable[..., Awaitable[Client]]
STATIC = Path(__file__).resolve().parents[2] / "civicline" / "kiosk" / "static"
TEMPLATES = STATIC.parent / "templates"
CASE_NO = "440920261127000123"
WINDOW = "综合受理区 12 号窗口"


@pytest.fixture
async def kiosk(aiohttp_client: Any, services: Services, tmp_path: Path) -> KioskClient:
    """A client for an app with the kiosk mounted and the given [kiosk] settings."""
    apply_batch_sync(services.cases, [
        make_event(CASE_NO),
        make_event("SECRET-1", confidential=True),
        make_event("440920261126000777", applicant={"name": "王丽华", "kind": "person"}),
        make_event("440920261126000777", "concluded", first=False, result="approved",
                   at=NOW - timedelta(hours=1)),
        make_event("SECRET-2", confidential=True),
        make_event("SECRET-2", "concluded", first=False, result="approved",
                   at=NOW - timedelta(hours=2)),
    ])
    await services.guide_service.put(make_guide("1001"))
    await services.guide_service.put(make_guide("1002", title="结婚登记", department="民政局",
                                                life_events=("婚姻",)))

    async def build(**kiosk_settings: Any) -> Client:
        settings = make_settings(tmp_path / "data", kiosk=kiosk_settings,
                                 server={"public_url": "https://hall.example.cn/"})
        app = create_app(settings, services=services, channels=only("api", "kiosk"))
        client: Client = await aiohttp_client(app)
        return client

    return build


CASE_LOOKUPS = [
    # (label, body, kind, full view, window shown)
    ("no code gives the public view", {"case_no": CASE_NO}, "case_public", False, False),
    ("the right code gives the full view", {"case_no": CASE_NO, "code": "654321"},
     "case_full", True, True),
    ("a wrong code gives the public view and says so", {"case_no": CASE_NO, "code": "111111"},
     "wrong_code", False, False),
    ("an unknown number is not found", {"case_no": "440900000000000000"}, "case_not_found",
     False, False),
    ("a confidential case without its code looks unknown", {"case_no": "SECRET-1"},
     "case_not_found", False, False),
    ("a malformed number is invalid", {"case_no": "编号？"}, "invalid", False, False),
]


@pytest.mark.parametrize(("label", "body", "kind", "full", "window"), CASE_LOOKUPS,
                         ids=[c[0] for c in CASE_LOOKUPS])
async def test_case_lookup_answers(kiosk: KioskClient, label: str, body: dict[str, str],
                                   kind: str, full: bool, window: bool) -> None:
    client = await kiosk()
    response = await client.post("/kiosk/api/case", json=body)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    answer = await response.json()
    assert (answer["kind"], answer["full"]) == (kind, full)
    assert (WINDOW in str(answer)) is window
    assert answer["title"]
    if kind == "case_full":
        assert answer["timeline"][0]["label"]
    else:
        assert answer["timeline"] == []


async def test_a_full_view_is_audited_under_the_kiosk_named_by_the_page(
        kiosk: KioskClient, services: Services) -> None:
    client = await kiosk(kiosk_id="hall-2f")
    body = {"case_no": CASE_NO, "code": "654321"}
    await client.post("/kiosk/api/case", json=body, headers={"X-Kiosk-Id": "K07"})
    await client.post("/kiosk/api/case", json=body, headers={"X-Kiosk-Id": "<script>"})
    disclosures = await services.audit.recent(CASE_NO)
    assert sorted((d.channel, d.sender) for d in disclosures) == [
        ("kiosk", "K07"), ("kiosk", "hall-2f")]


BAD_REQUESTS = [
    ("post", "/kiosk/api/case", b"not json", 400),
    ("post", "/kiosk/api/case", b"[1, 2]", 400),
    ("post", "/kiosk/api/case", b'{"case_no": "' + b"1" * 41 + b'"}', 400),
    ("post", "/kiosk/api/case", b'{"case_no": 123}', 400),
    ("get", "/kiosk/api/guides?size=0", None, 400),
    ("get", "/kiosk/api/guides?page=abc", None, 400),
    ("get", "/kiosk/api/guides?q=" + "办" * 101, None, 400),
    ("get", "/kiosk/api/departments?size=99", None, 400),
    ("get", "/kiosk/api/guides/9999", None, 404),
    ("post", "/kiosk/api/tickets", b'{"category": "Z"}', 400),
]


@pytest.mark.parametrize(("method", "path", "data", "status"), BAD_REQUESTS,
                         ids=[f"{m} {p[:40]} {d!r:.20}" for m, p, d, _ in BAD_REQUESTS])
async def test_bad_requests_get_a_problem_not_a_stack_trace(
        kiosk: KioskClient, method: str, path: str, data: bytes | None, status: int) -> None:
    client = await kiosk()
    response = await client.request(method, path, data=data,
                                    headers={"Content-Type": "application/json"})
    assert response.status == status
    problem = await response.json(content_type=None)
    assert problem["title"] and "Traceback" not in str(problem)


async def test_guide_detail_carries_the_checklist_and_a_qr_of_its_wap_page(
        kiosk: KioskClient) -> None:
    client = await kiosk()
    guide = await (await client.get("/kiosk/api/guides/1001")).json()
    assert [m["name"] for m in guide["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert guide["qr"]["text"] == "https://hall.example.cn/w/g/1001"
    assert guide["qr"]["svg"].startswith("<svg") and "<script" not in guide["qr"]["svg"]
    assert {"label": "承诺时限", "value": "5 个工作日"} in guide["summary"]


async def test_browsing_lists_departments_life_events_and_their_guides(
        kiosk: KioskClient) -> None:
    client = await kiosk()
    departments = await (await client.get("/kiosk/api/departments")).json()
    assert [d["name"] for d in departments["items"]] == ["市场监督管理局", "民政局"]
    events = await (await client.get("/kiosk/api/life-events?size=2")).json()
    assert (events["items"], events["total"], events["pages"]) == (
        [{"name": "开办企业", "count": 1}, {"name": "经营", "count": 1}], 3, 2)
    marriage = await (await client.get("/kiosk/api/guides?life_event=婚姻")).json()
    assert [g["title"] for g in marriage["items"]] == ["结婚登记"]
    by_department = await (await client.get("/kiosk/api/guides?department=民政局")).json()
    assert [g["id"] for g in by_department["items"]] == ["1002"]


async def test_results_publication_is_masked_and_never_lists_confidential_cases(
        kiosk: KioskClient) -> None:
    client = await kiosk()
    rows = (await (await client.get("/kiosk/api/results")).json())["items"]
    assert [(r["applicant"], r["result"]) for r in rows] == [("王*华", "准予许可")]
    assert "SECRET-2" not in str(rows) and "王丽华" not in str(rows)


async def test_tickets_and_calls_follow_the_built_in_queue(
        kiosk: KioskClient, services: Services) -> None:
    client = await kiosk()
    first = await (await client.post("/kiosk/api/tickets", json={"category": "b"})).json()
    second = await (await client.post("/kiosk/api/tickets", json={"category": "B"})).json()
    assert (first["number"], second["number"]) == ("B001", "B002")
    assert (second["category"], second["waiting_ahead"]) == ("企业开办", 1)
    assert second["qr"]["text"] == "https://hall.example.cn/wap/"
    await services.queue.call_next("5", ["B"])
    board = await (await client.get("/kiosk/api/queue")).json()
    assert [(c["ticket"], c["window"]) for c in board["calls"]] == [("B001", "5")]
    assert {"prefix": "B", "name": "企业开办", "waiting": 1} in board["categories"]


async def test_a_kiosk_without_the_queue_shows_no_calls_and_issues_no_tickets(
        kiosk: KioskClient) -> None:
    client = await kiosk(queue=False)
    assert (await (await client.get("/kiosk/api/queue")).json())["enabled"] is False
    refused = await client.post("/kiosk/api/tickets", json={"category": "A"})
    assert refused.status == 404
    shell = await (await client.get("/kiosk/")).text()
    assert 'data-queue="off"' in shell and "取号排队" not in shell and 'id="calls"' not in shell


async def test_the_shell_is_chinese_locked_down_and_configured_from_settings(
        kiosk: KioskClient) -> None:
    client = await kiosk(idle_seconds=45, result_idle_seconds=12, countdown_seconds=9)
    redirect = await client.get("/kiosk?kiosk=K1", allow_redirects=False)
    assert (redirect.status, redirect.headers["Location"]) == (308, "/kiosk/?kiosk=K1")
    response = await client.get("/kiosk/")
    html = await response.text()
    assert '<html lang="zh-CN">' in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for value in ('data-idle-seconds="45"', 'data-result-idle-seconds="12"',
                  'data-countdown-seconds="9"'):
        assert value in html
    for asset in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert asset.startswith("/kiosk/static/")
        assert (await client.get(asset)).status == 200


def test_no_asset_names_an_outside_address_and_no_style_depends_on_hover() -> None:
    for path in [*STATIC.iterdir(), *TEMPLATES.iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text.replace(
            "http://www.w3.org/2000/svg", "")), f"{path.name} names an outside address"
        assert ":hover" not in text, f"{path.name} has a hover-only style"
    css = (STATIC / "kiosk.css").read_text(encoding="utf-8")
    assert ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
            "sans-serif") in css
    assert "user-select: none" in css


@pytest.mark.parametrize(("values", "message"), [
    ({"idle_seconds": 0}, "[kiosk] idle_seconds: must be more than 0, got 0"),
    ({"countdown_seconds": -5}, "[kiosk] countdown_seconds: must be more than 0, got -5"),
    ({"kiosk_id": "大厅 1"}, "[kiosk] kiosk_id: 1–32 letters, digits, _ or -, got '大厅 1'"),
    ({"idle": 5}, "[kiosk] idle: unknown key"),
])
def test_bad_kiosk_settings_name_the_key_and_the_value(
        tmp_path: Path, values: dict[str, Any], message: str) -> None:
    from civicline.core.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        make_settings(tmp_path, kiosk=values)
    assert str(raised.value).startswith(message)


def test_kiosk_settings_come_from_the_environment_too(tmp_path: Path) -> None:
    from civicline.channels.registry import load_settings
    from civicline.settings import section

    settings = load_settings(env={"CIVICLINE_KIOSK_IDLE_SECONDS": "90",
                                  "CIVICLINE_KIOSK_QUEUE": "false"})
    kiosk = section(settings, "kiosk")
    assert (kiosk.idle_seconds, kiosk.queue, kiosk.result_idle_seconds) == (90, False, 30)


async def test_kiosk_requests_are_counted_under_their_full_path(kiosk: KioskClient) -> None:
    client = await kiosk()
    assert (await client.get("/kiosk/api/guides/1001")).status == 200
    metrics = await (await client.get("/metrics")).text()
    assert 'method="GET",route="/kiosk/api/guides/{guide_id}",status="200"' in metrics
