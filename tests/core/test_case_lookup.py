"""Case lookup over the API and the query service: views, privacy, lockout, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.core.answer import AnswerKind
from civicline.core.clock import FixedClock
from civicline.core.ingest import apply_batch_sync
from civicline.core.query import Asker
from civicline.core.stages import DeadlineState
from civicline.services import Services
from tests.factories import NOW, make_event

Client = TestClient[web.Request, web.Application]
CASE = "440920261127000123"
SMS_APPLICANT = Asker("sms", "+8613800001111", phone="+8613800001111")
STRANGER = Asker("sms", "+8613900009999", phone="+8613900009999")


def load(services: Services, *events: dict[str, Any]) -> None:
    outcomes = apply_batch_sync(services.cases, list(events))
    assert all(o.status == "accepted" for o in outcomes), outcomes


async def get_case(client: Client, case_no: str = CASE, code: str | None = None
                   ) -> tuple[int, dict[str, Any]]:
    headers = {"X-Query-Code": code} if code is not None else {}
    response = await client.get(f"/api/v1/cases/{case_no}", headers=headers)
    return response.status, orjson.loads(await response.read())


async def test_public_view_masks_the_applicant_and_hides_details(client: Client,
                                                                 services: Services) -> None:
    load(services, make_event())
    status, body = await get_case(client)
    assert status == 200
    assert body["view"] == "public"
    assert body["applicant"] == "张*明"
    assert body["stage_label"] == "受理"
    assert body["item_name"] == "食品经营许可（新办）"
    for hidden in ("timeline", "window", "office_phone", "working_days_left"):
        assert hidden not in body
    raw = orjson.dumps(body).decode()
    assert "13800001111" not in raw and "13900002222" not in raw and "李受理" not in raw


async def test_right_code_gives_the_full_view_and_is_audited(client: Client,
                                                             services: Services) -> None:
    load(services, make_event(), make_event(stage="supplement_requested", first=False,
                                            at=NOW - timedelta(days=1),
                                            missing_materials=["场所平面图"]))
    status, body = await get_case(client, code="654321")
    assert status == 200
    assert body["view"] == "full"
    assert body["missing_materials"] == ["场所平面图"]
    assert body["window"] == "综合受理区 12 号窗口"
    assert [t["stage"] for t in body["timeline"]] == ["accepted", "supplement_requested"]
    raw = orjson.dumps(body).decode()
    assert "13900002222" not in raw and "李受理" not in raw  # staff never shown
    audit = await services.audit.recent(CASE)
    assert [(a.channel, a.reason) for a in audit] == [("api", "query_code")]


async def test_case_number_typed_with_spaces_dashes_and_fullwidth_is_found(
        client: Client, services: Services) -> None:
    load(services, make_event())
    status, _ = await get_case(client, "4409-2026-1127-000123")
    assert status == 200
    status, _ = await get_case(client, "４４０９２０２６１１２７０００１２３")
    assert status == 200


async def test_wrong_code_is_403_and_reveals_nothing_more(client: Client,
                                                          services: Services) -> None:
    load(services, make_event())
    status, body = await get_case(client, code="111111")
    assert status == 403
    assert body["type"].endswith("/wrong-query-code")


async def test_five_wrong_codes_lock_the_case_for_an_hour(client: Client, services: Services,
                                                          clock: FixedClock) -> None:
    load(services, make_event())
    for _ in range(4):
        assert (await get_case(client, code="111111"))[0] == 403
    status, body = await get_case(client, code="222222")
    assert status == 429
    assert body["type"].endswith("/case-locked")
    # Locked: even the right code is refused, without saying whether it was right.
    status, body = await get_case(client, code="654321")
    assert status == 429
    clock.advance(minutes=61)
    status, body = await get_case(client, code="654321")
    assert status == 200 and body["view"] == "full"


async def test_confidential_case_looks_exactly_like_an_unknown_number(
        client: Client, services: Services) -> None:
    load(services, make_event(confidential=True))
    unknown = await get_case(client, "440920261127999999")
    secret = await get_case(client)
    assert secret[0] == unknown[0] == 404
    assert secret[1]["title"] == unknown[1]["title"]
    assert secret[1]["detail"] == unknown[1]["detail"]
    wrong = await get_case(client, code="111111")
    assert wrong[0] == 404
    status, body = await get_case(client, code="654321")
    assert status == 200 and body["view"] == "full"


async def test_registered_phone_gets_the_full_view_without_a_code(services: Services) -> None:
    load(services, make_event())
    answer = await services.query.lookup_case(CASE, SMS_APPLICANT)
    assert answer.kind is AnswerKind.CASE_FULL
    stranger = await services.query.lookup_case(CASE, STRANGER)
    assert stranger.kind is AnswerKind.CASE_PUBLIC
    audit = await services.audit.recent(CASE)
    assert [a.reason for a in audit] == ["registered_phone"]


async def test_free_text_with_number_and_code_gives_the_full_view(services: Services) -> None:
    load(services, make_event())
    answer = await services.query.ask("查询 4409 2026 1127 000123 654321", STRANGER)
    assert answer.kind is AnswerKind.CASE_FULL
    assert answer.fact("deadline") is not None


async def test_per_sender_rate_limit_holds_on_every_lookup(services: Services) -> None:
    load(services, make_event())
    kinds = [(await services.query.lookup_case(CASE, STRANGER)).kind for _ in range(12)]
    assert kinds[0] is AnswerKind.CASE_PUBLIC
    assert AnswerKind.RATE_LIMITED in kinds
    other = await services.query.lookup_case(CASE, Asker("sms", "+8613700000000"))
    assert other.kind is AnswerKind.CASE_PUBLIC


async def test_invalid_case_number_in_the_url_is_400(client: Client) -> None:
    status, body = await get_case(client, "abc%3Cscript%3E")
    assert status == 400
    assert body["type"].endswith("/invalid-case-number")


async def test_results_list_concluded_cases_masked_without_confidential(
        client: Client, services: Services) -> None:
    today = NOW - timedelta(hours=1)
    load(services,
         make_event(case_no="P-1", at=NOW - timedelta(days=2)),
         make_event(case_no="P-1", stage="concluded", first=False, at=today,
                    pickup="窗口领取"),
         make_event(case_no="P-2", at=NOW - timedelta(days=2), confidential=True),
         make_event(case_no="P-2", stage="concluded", first=False, at=today),
         make_event(case_no="P-3", at=NOW - timedelta(days=2),
                    applicant={"name": "茂名市信宜食品有限公司", "kind": "organisation"}),
         make_event(case_no="P-3", stage="rejected", first=False, at=today))
    response = await client.get("/api/v1/results", params={"date": "2026-11-27"})
    body = await response.json()
    rows = {r["case_no"]: r for r in body["items"]}
    assert set(rows) == {"P-1", "P-3"}
    assert rows["P-1"]["applicant"] == "张*明"
    assert rows["P-1"]["result"] == "准予许可"
    assert rows["P-3"]["applicant"] == "茂名市***有限公司"
    assert rows["P-3"]["result"] == "不予许可"
    bad = await client.get("/api/v1/results", params={"date": "2026-13-45"})
    assert bad.status == 400


async def test_the_public_answer_follows_the_shanghai_day_to_the_second(
        services: Services, clock: FixedClock) -> None:
    load(services, make_event())  # promised by Tuesday 2026-12-01
    clock.now = NOW.replace(day=1, month=12, hour=23, minute=59, second=50)
    evening = await services.query.lookup_case(CASE, STRANGER)
    clock.advance(seconds=20)  # 00:00:10 on Wednesday: the deadline has passed
    midnight = await services.query.lookup_case(CASE, STRANGER)
    assert evening.kind is midnight.kind is AnswerKind.CASE_PUBLIC
    assert evening.case is not None and midnight.case is not None
    assert (evening.case.deadline_state, midnight.case.deadline_state) == (
        DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


async def test_a_new_stage_shows_in_the_next_public_answer(services: Services) -> None:
    load(services, make_event())
    before = await services.query.lookup_case(CASE, STRANGER)
    load(services, make_event(stage="undertaken", first=False, at=NOW))
    after = await services.query.lookup_case(CASE, STRANGER)
    assert (before.title, after.title) == ("食品经营许可（新办）：受理",
                                           "食品经营许可（新办）：承办")
