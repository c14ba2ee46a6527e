"""WAP pages over HTTP: status, content, privacy, the 20 KB budget and HTML validity, per page.

The hall is seeded once per session with the 153 demo guides, 300 demo cases and a few known
cases; each test gets its own copy of that data directory (fresh rate limits and lockouts).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.clock import FixedClock
from civicline.core.ingest import OutcomeStatus, apply_batch_sync
from civicline.demo.guides import demo_guides
from civicline.demo.loader import load_cases, load_guides
from civicline.services import Services, open_services
from civicline.web.keys import SERVICES
from tests.conftest import make_settings
from tests.factories import NOW, make_event
from tests.wap.test_wap_html import PAGE_BUDGET, page_problems

OPEN = "440920261127900123"  # accepted 3 days ago, undertaken yesterday
SECRET = "440920261127900999"  # confidential, concluded today
DONE = "440920261127900777"  # concluded today with a pickup
SUPPLEMENT = "440920261127900555"  # waiting for missing materials
UNKNOWN = "440920261127999999"
CODE = "654321"  # every seeded case's query code (factory default)
BULK = 25  # cases concluded today besides DONE and SECRET, to fill more than one results page

Client = TestClient[web.Request, web.Application]


def known_case_events() -> list[dict[str, Any]]:
    today = NOW - timedelta(minutes=30)
    events = [
        make_event(OPEN, at=NOW - timedelta(days=3), guide_id="1009"),
        make_event(OPEN, "undertaken", first=False, at=NOW - timedelta(days=1),
                   note="材料齐全，已转承办科室"),
        make_event(SECRET, at=NOW - timedelta(days=4), confidential=True,
                   applicant={"name": "保密人", "phone": "13800009999"}),
        make_event(SECRET, "concluded", first=False, at=today, result="approved"),
        make_event(DONE, at=NOW - timedelta(days=4)),
        make_event(DONE, "concluded", first=False, at=today, result="approved",
                   pickup="窗口领取：综合受理区 12 号窗口，请携带受理回执"),
        make_event(SUPPLEMENT, at=NOW - timedelta(days=2)),
        make_event(SUPPLEMENT, "supplement_requested", first=False, at=NOW - timedelta(days=1),
                   missing_materials=["食品经营场所平面图", "食品安全管理制度"]),
    ]
    for i in range(BULK):
        case_no = f"44092026112780{i:04d}"
        events.append(make_event(case_no, at=NOW - timedelta(days=5), applicant={
            "name": "茂名市电白区海滨食品贸易有限公司", "kind": "organisation"}))
        events.append(make_event(case_no, "concluded", first=False,
                                 at=today - timedelta(minutes=i), result="approved"))
    return events


def seed_hall(data_dir: Path) -> None:
    """Demo guides (searchable), demo cases and the known cases, written to `data_dir`."""
    services = open_services(make_settings(data_dir), FixedClock(NOW))
    try:
        guides = demo_guides()
        load_guides(services, guides)
        load_cases(services, 300, guides, NOW, seed=5)
        outcomes = apply_batch_sync(services.cases, known_case_events())
        assert all(o.status is OutcomeStatus.ACCEPTED for o in outcomes), outcomes
    finally:
        services.db.close()


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("wap-hall") / "data"
    seed_hall(data_dir)
    return data_dir


HallFactory = Callable[..., Awaitable[Services]]


@pytest.fixture
async def open_hall(seeded_dir: Path, tmp_path: Path, clock: FixedClock
                    ) -> AsyncIterator[HallFactory]:
    """Open services on a private copy of the seeded hall, with optional settings sections."""
    opened: list[Services] = []

    async def factory(**sections: dict[str, Any]) -> Services:
        data_dir = tmp_path / f"hall-{len(opened)}"
        shutil.copytree(seeded_dir, data_dir)
        services = open_services(make_settings(data_dir, **sections), clock)
        opened.append(services)
        return services

    yield factory
    for services in opened:
        await services.close()


ClientFactory = Callable[..., Awaitable[Client]]


@pytest.fixture
async def wap_client(aiohttp_client: ClientFactory, open_hall: HallFactory) -> Client:
    services = await open_hall()
    return await aiohttp_client(create_app(services.settings, services=services,
                                           channels=only("api", "wap")))


async def fetch(client: Client, method: str, path: str, **kwargs: Any) -> tuple[int, str, Any]:
    response = await client.request(method, path, allow_redirects=False, **kwargs)
    return response.status, await response.text(), response.headers


def assert_page(status: int, html: str, headers: Any) -> None:
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert page_problems(html) == [], status
    assert len(html.encode()) <= PAGE_BUDGET
    assert "Traceback" not in html


PAGES: list[tuple[str, str, int, list[str], list[str]]] = [
    # (label, path, status, must contain in order, must not contain)
    ("home", "/wap/", 200, ["查办件", "查指南", "按部门", "办结公示", "帮助", 'method="post"'], []),
    ("help", "/wap/help", 200, ["查询码", "5 次", "12345"], []),
    ("case form", "/wap/case", 200, ["办件编号", "查询码"], []),
    ("case form prefilled", f"/wap/case?no={OPEN}", 200, [f'value="{OPEN}"'], []),
    ("case public view", f"/wap/c/{OPEN}", 200,
     ["食品经营许可（新办）：承办", "张*明", "承办（当前）", "输入查询码查看详情"],
     ["12 号窗口", "13800001111", "张小明", "办理过程", "no-store"]),
    ("unknown case", f"/wap/c/{UNKNOWN}", 404, ["未查到该办件", "重新查询"], []),
    ("confidential case without a code", f"/wap/c/{SECRET}", 404, ["未查到该办件"],
     ["保密人", "保*人", "食品经营许可"]),
    ("invalid case number", "/wap/c/%E5%8A%9E%E4%BB%B6", 400, ["办件编号格式不正确"], []),
    ("search form", "/wap/guides", 200, ["事项名称或关键词"], []),
    ("guide search", "/wap/guides?q=开饭店", 200,
     ["食品经营许可（新办）", "第 1/", "下一页"], ["上一页"]),
    ("guide search second page", "/wap/guides?q=开饭店&page=2", 200, ["上一页", "下一页"], []),
    ("traditional characters", "/wap/guides?q=結婚登記", 200, ["结婚登记"], []),
    ("empty search", "/wap/guides?q=+", 400, ["请输入要查找的事项名称"], []),
    ("search with no results", "/wap/guides?q=zzqqxxkk", 200, ["未找到"], []),
    ("search words too long", "/wap/guides?q=" + "办" * 500, 414, ["查询内容过长"], []),
    ("huge query string", "/wap/guides?q=x&pad=" + "a" * 3000, 414, ["查询内容过长"], []),
    ("bad page number", "/wap/guides?q=证&page=0", 400, ["页码"], []),
    ("guide detail", "/wap/g/1009", 200,
     ["食品经营许可（新办）", "承诺时限", "5 个工作日", "收费标准", "不收费", "办理条件",
      "申请材料", "食品经营许可申请书", "办理流程", "市政务服务中心一楼 A 区，商事登记区 9 号窗口",
      "办理时间", "咨询电话", "0668-2881234"], []),
    ("unknown guide", "/wap/g/99999", 404, ["未找到该办事指南"], []),
    ("department list", "/wap/departments", 200, ["公安局", "（18 项）", "市场监督管理局"], []),
    ("a department's guides", "/wap/guides?department=公安局", 200,
     ["公安局", "第 1/2 页", "下一页", "返回部门列表"], []),
    ("unknown department", "/wap/guides?department=不存在局", 404, ["未找到该部门"], []),
    ("results publication", "/wap/results", 200,
     ["办结公示", "2026年11月27日", "茂名市电白区***有限公司", "准予许可", "下一页"],
     [SECRET, "保*人", "后一天"]),
    ("results second page", "/wap/results?page=2", 200, ["前一天", "上一页"], [SECRET]),
    ("results of an earlier day", "/wap/results?date=2026-11-26", 200, ["前一天", "后一天"], []),
    ("results with a bad date", "/wap/results?date=2026-13-01", 400, ["日期格式"], []),
    ("results of a future day", "/wap/results?date=2026-11-28", 400, ["今天及以前"], []),
    ("unknown page", "/wap/nothing-here", 404, ["页面不存在"], []),
]


@pytest.mark.parametrize(("label", "path", "status", "present", "absent"), PAGES,
                         ids=[p[0] for p in PAGES])
async def test_every_page_answers_in_budget_with_valid_html(
        wap_client: Client, label: str, path: str, status: int, present: list[str],
        absent: list[str]) -> None:
    got, html, headers = await fetch(wap_client, "GET", path)
    assert got == status, (label, html[-600:])
    assert_page(got, html, headers)
    position = 0
    for fragment in present:
        found = html.find(fragment, position)
        assert found >= 0, f"{label}: {fragment!r} missing (or out of order)"
        position = found
    for fragment in absent:
        assert fragment not in html, f"{label}: {fragment!r} must not appear"


LOOKUPS: list[tuple[str, str, str, int, list[str], list[str]]] = [
    # (label, case number, code, status, must contain, must not contain)
    ("right code shows the full view", OPEN, CODE, 200,
     ["办理时限", "承诺办结日期", "综合受理区 12 号窗口", "0668-2881234", "办理过程",
      "材料齐全，已转承办科室"], ["输入查询码", "13800001111", "李受理"]),
    ("a concluded case shows result and pickup", DONE, CODE, 200,
     ["办理结果", "准予许可", "领取方式", "请携带受理回执", "办结日期"], []),
    ("a supplement request lists what is missing", SUPPLEMENT, CODE, 200,
     ["需补正材料", "食品经营场所平面图", "食品安全管理制度"], []),
    ("a confidential case with its code", SECRET, CODE, 200, ["保*人", "办理过程"], []),
    ("wrong code keeps to the public view", OPEN, "111111", 403,
     ["查询码不正确", "请核对受理回执上的6位查询码", "张*明", "输入查询码"], ["办理过程"]),
    ("malformed code counts as wrong", OPEN, "12ab", 403, ["查询码不正确"], ["办理过程"]),
    ("wrong code on a confidential case looks unknown", SECRET, "111111", 404,
     ["未查到该办件"], ["保*人"]),
    ("unknown case with a code", UNKNOWN, CODE, 404, ["未查到该办件"], []),
    ("lower-case and spaced number", f" {OPEN} ", "", 200, ["张*明"], ["办理过程"]),
    ("no case number", "", CODE, 400, ["请输入办件编号"], []),
]


@pytest.mark.parametrize(("label", "case_no", "code", "status", "present", "absent"), LOOKUPS,
                         ids=[c[0] for c in LOOKUPS])
async def test_case_lookup_form(wap_client: Client, label: str, case_no: str, code: str,
                                status: int, present: list[str], absent: list[str]) -> None:
    got, html, headers = await fetch(wap_client, "POST", "/wap/case",
                                     data={"case_no": case_no, "code": code})
    assert got == status, (label, html[-600:])
    assert_page(got, html, headers)
    for fragment in present:
        assert fragment in html, f"{label}: {fragment!r} missing"
    for fragment in absent:
        assert fragment not in html, f"{label}: {fragment!r} must not appear"
    full = "办理过程" in html
    assert (headers["Cache-Control"] == "no-store") is full, label


async def test_five_wrong_codes_lock_the_case_even_against_the_right_code(
        wap_client: Client) -> None:
    statuses = []
    for _ in range(5):
        status, _, _ = await fetch(wap_client, "POST", "/wap/case",
                                   data={"case_no": OPEN, "code": "000000"})
        statuses.append(status)
    status, html, headers = await fetch(wap_client, "POST", "/wap/case",
                                        data={"case_no": OPEN, "code": CODE})
    assert statuses == [403, 403, 403, 403, 429]
    assert status == 429
    assert int(headers["Retry-After"]) > 0
    assert_page(status, html, headers)
    assert "尝试次数过多" in html and "张*明" in html
    assert "办理过程" not in html and "输入查询码" not in html


async def test_a_sender_over_the_rate_limit_gets_a_calm_429(
        aiohttp_client: ClientFactory, open_hall: HallFactory) -> None:
    services = await open_hall(query={"lookups_per_minute": 1, "lookup_burst": 2})
    client = await aiohttp_client(create_app(services.settings, services=services,
                                             channels=only("api", "wap")))
    statuses = [(await fetch(client, "GET", f"/wap/c/{OPEN}"))[0] for _ in range(3)]
    status, html, headers = await fetch(client, "POST", "/wap/case",
                                        data={"case_no": OPEN, "code": CODE})
    assert statuses == [200, 200, 429]
    assert status == 429 and headers["Retry-After"] == "60"
    assert_page(status, html, headers)
    assert "查询过于频繁" in html


async def chunked_body() -> AsyncIterator[bytes]:
    for _ in range(10):
        yield b"code=" + b"1" * 500 + b"&"


BAD_FORMS: list[tuple[str, Any, str, int, str]] = [
    # (label, body, content type, status, message)
    ("invalid UTF-8 percent escapes", b"case_no=%B0%EC%BC%FE", "application/x-www-form-urlencoded",
     400, "无法识别"),
    ("raw non-UTF-8 bytes", b"case_no=\xb0\xec\xbc\xfe", "application/x-www-form-urlencoded",
     400, "无法识别"),
    ("too many fields", b"&".join(b"f%d=1" % i for i in range(50)),
     "application/x-www-form-urlencoded", 400, "无法识别"),
    ("body too large", b"case_no=" + b"1" * 5000, "application/x-www-form-urlencoded", 413,
     "提交的内容过长"),
    ("chunked body too large", chunked_body, "application/x-www-form-urlencoded", 413,
     "提交的内容过长"),
    ("JSON instead of a form", b'{"case_no": "1"}', "application/json", 415, "表单"),
]


@pytest.mark.parametrize(("label", "body", "content_type", "status", "message"), BAD_FORMS,
                         ids=[b[0] for b in BAD_FORMS])
async def test_bad_form_bodies_get_a_friendly_page(
        wap_client: Client, label: str, body: Any, content_type: str, status: int,
        message: str) -> None:
    data = body() if callable(body) else body
    got, html, headers = await fetch(wap_client, "POST", "/wap/case", data=data,
                                     headers={"Content-Type": content_type})
    assert got == status, label
    assert_page(got, html, headers)
    assert message in html


@pytest.mark.parametrize(("path", "location"), [
    (f"/w/c/{OPEN}", f"/wap/c/{OPEN}"),
    ("/w/g/1009", "/wap/g/1009"),
    ("/w/c/A%2FB", "/wap/c/A%2FB"),
    ("/wap", "/wap/"),
])
async def test_short_links_redirect_to_the_full_pages(wap_client: Client, path: str,
                                                      location: str) -> None:
    status, _, headers = await fetch(wap_client, "GET", path)
    assert status in (302, 303)
    assert headers["Location"] == location


async def test_the_sms_case_link_lands_on_the_public_view_with_the_code_form(
        wap_client: Client) -> None:
    response = await wap_client.get(f"/w/c/{OPEN}")
    html = await response.text()
    assert response.status == 200 and str(response.url.path) == f"/wap/c/{OPEN}"
    assert "张*明" in html and 'name="code"' in html and f'value="{OPEN}"' in html


async def test_every_demo_guide_page_is_valid_and_in_budget(wap_client: Client) -> None:
    for guide in demo_guides():
        status, html, _ = await fetch(wap_client, "GET", f"/wap/g/{guide.id}")
        assert status == 200, guide.id
        assert page_problems(html) == [], guide.id
        assert guide.title in html


async def test_every_department_page_is_valid_and_in_budget(
        aiohttp_client: ClientFactory, open_hall: HallFactory) -> None:
    # One sender browsing every department would meet the search rate limit: lift it.
    services = await open_hall(query={"lookups_per_minute": 100_000, "lookup_burst": 100_000})
    wap_client = await aiohttp_client(create_app(services.settings, services=services,
                                                 channels=only("api", "wap")))
    _, listing, _ = await fetch(wap_client, "GET", "/wap/departments")
    departments = {g.department for g in demo_guides()}
    for department in sorted(departments):
        assert department in listing
        for page in (1, 2):
            status, html, _ = await fetch(wap_client, "GET", "/wap/guides",
                                          params={"department": department, "page": page})
            assert status == 200, (department, page)
            assert page_problems(html) == [], department


async def test_the_lookup_never_logs_the_query_code(
        wap_client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "987123"  # a wrong code, so the core logs its wrong-code event too
    for code in (secret, CODE):
        await fetch(wap_client, "POST", "/wap/case", data={"case_no": OPEN, "code": code})
    logged = [r.getMessage() + repr(getattr(r, "__dict__", {})) for r in caplog.records]
    assert any("query_code_wrong" in line for line in logged)  # the capture does work
    assert not any(secret in line or CODE in line for line in logged)


async def test_a_failure_inside_a_page_shows_a_calm_page_not_a_stack_trace(
        wap_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    services = wap_client.app[SERVICES]

    async def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services.query, "departments", broken)
    status, html, headers = await fetch(wap_client, "GET", "/wap/departments")
    assert status == 500
    assert_page(status, html, headers)
    assert "服务出了点问题" in html and "database on fire" not in html


async def test_only_get_and_post_are_answered(wap_client: Client) -> None:
    status, html, headers = await fetch(wap_client, "PUT", "/wap/case")
    assert status == 405
    assert_page(status, html, headers)


async def test_pages_follow_changes_to_the_case_and_the_guide(wap_client: Client) -> None:
    services = wap_client.app[SERVICES]
    _, before, _ = await fetch(wap_client, "GET", f"/wap/c/{OPEN}")
    _, guide_before, _ = await fetch(wap_client, "GET", "/wap/g/1009")
    await services.ingest.ingest([make_event(OPEN, "reviewed", first=False,
                                            at=NOW - timedelta(minutes=5))], None)
    guide = await services.query.guide("1009")
    assert guide is not None
    await services.guide_service.put(replace(guide, fee="按规定收取工本费"))
    _, after, _ = await fetch(wap_client, "GET", f"/wap/c/{OPEN}")
    _, guide_after, _ = await fetch(wap_client, "GET", "/wap/g/1009")
    assert "承办（当前）" in before and "审核（当前）" in after
    assert "按规定收取工本费" not in guide_before and "按规定收取工本费" in guide_after
