"""The demo data set: guides for every service item, synthetic guides and case events."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest

from civicline.core.events import SHANGHAI, parse_event
from civicline.core.folding import fold
from civicline.core.models import Guide, guide_from_dict
from civicline.core.stages import ApplicantKind, CaseResult, Stage
from civicline.demo import demo_guides, generate_case_events, synthetic_guides
from civicline.demo.content import ITEM_SPECS
from civicline.demo.content.common import LIFE_EVENTS

CSV_PATH = Path(__file__).resolve().parents[1] / "civicline" / "demo" / "data" / "service_items.csv"
NOW = datetime(2026, 11, 27, 15, 30, 12, tzinfo=SHANGHAI)  # a Friday afternoon
CASES = 4000
Events = list[dict[str, Any]]


def _csv_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def guides() -> list[Guide]:
    return demo_guides()


@pytest.fixture(scope="module")
def cases(guides: list[Guide]) -> list[Events]:
    return list(generate_case_events(CASES, guides, NOW, seed=20261127))


def _at(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


# --- guides -------------------------------------------------------------------------------


def test_there_is_one_guide_per_csv_row_with_matching_titles_and_facts(guides: list[Guide]) -> None:
    rows = _csv_rows()
    assert len(guides) == len(rows) == 153
    for guide, row in zip(guides, rows, strict=True):
        assert guide.title == row["item_name"]
        assert guide.department == row["department"]
        assert guide.item_type == row["item_type"]
        assert guide.legal_days == int(row["legal_days"])
        assert guide.promised_days == int(row["promised_days"])


def test_guide_ids_are_unique_four_digit_numbers_in_csv_order(guides: list[Guide]) -> None:
    assert [g.id for g in guides] == [str(1001 + n) for n in range(len(guides))]


def test_every_csv_item_has_its_own_content_entry() -> None:
    assert {row["item_name"] for row in _csv_rows()} == set(ITEM_SPECS)


def test_every_guide_has_everything_a_citizen_needs(guides: list[Guide]) -> None:
    for g in guides:
        assert g.legal_basis.startswith("《"), g.title
        assert 2 <= len(g.conditions) <= 5, g.title
        assert 3 <= len(g.materials) <= 8, g.title
        for m in g.materials:
            assert m.name and m.notes and m.count >= 1, (g.title, m)
            assert m.form in ("原件", "复印件", "原件及复印件", "电子件"), (g.title, m)
        assert len(g.procedure) >= 4 and g.procedure[0].startswith(("申请", "提交")), g.title
        assert 2 <= len(g.faqs) <= 3, g.title
        assert g.life_events and set(g.life_events) <= set(LIFE_EVENTS), g.title
        assert g.aliases and g.keywords, g.title
        assert re.fullmatch(r".+ \d+ 号窗口", g.window), g.window
        assert g.location.startswith("市政务服务中心")
        assert "9:00" in g.office_hours and "法定节假日" in g.office_hours
        assert re.fullmatch(r"0668-\d{4,8}", g.phone), g.phone
        assert g.online_url.startswith("https://www.gdzwfw.gov.cn/")


def test_fees_come_from_the_csv_as_readable_text(guides: list[Guide]) -> None:
    for g, row in zip(guides, _csv_rows(), strict=True):
        fee = int(row["fee"])
        if fee == 0:
            assert g.fee == "不收费"
        else:
            assert g.fee.startswith(f"{fee}元/"), g.fee
    by_title = {g.title: g for g in guides}
    assert by_title["普通护照签发"].fee == "120元/本"
    assert by_title["结婚登记"].fee == "9元/对"


def test_guides_read_as_specific_rather_than_one_template(guides: list[Guide]) -> None:
    material_sets = Counter(tuple(m.name for m in g.materials) for g in guides)
    condition_sets = Counter(g.conditions for g in guides)
    assert max(material_sets.values()) == 1
    assert max(condition_sets.values()) == 1
    by_title = {g.title: g for g in guides}
    marriage = [m.name for m in by_title["结婚登记"].materials]
    assert any("户口簿" in m for m in marriage) and any("身份证" in m for m in marriage)
    photo = next(m for m in by_title["结婚登记"].materials if "合影" in m.name)
    assert photo.count == 3 and "2寸" in photo.name
    food = " ".join(m.name for m in by_title["食品经营许可（新办）"].materials)
    for needed in ("食品经营许可申请书", "营业执照", "平面图", "食品安全管理制度"):
        assert needed in food
    assert "婚姻登记条例" in by_title["结婚登记"].legal_basis
    assert "食品安全法" in by_title["食品经营许可（新办）"].legal_basis


@pytest.mark.parametrize(("alias", "title"), [
    ("扯证", "结婚登记"),
    ("领结婚证", "结婚登记"),
    ("开饭店", "食品经营许可（新办）"),
    ("开餐馆", "食品经营许可（新办）"),
    ("注册公司", "有限责任公司设立登记"),
    ("办营业执照", "有限责任公司设立登记"),
    ("社保卡丢了", "社会保障卡补换"),
    ("补办社保卡", "社会保障卡补换"),
    ("身份证丢了", "居民身份证补领"),
    ("补办身份证", "居民身份证补领"),
    ("跑网约车", "网络预约出租汽车驾驶员证核发"),
    ("网约车司机证", "网络预约出租汽车驾驶员证核发"),
    ("二手房过户", "不动产转移登记"),
])
def test_colloquial_names_citizens_type_are_aliases_of_the_right_guide(
        guides: list[Guide], alias: str, title: str) -> None:
    assert alias in next(g for g in guides if g.title == title).aliases


def test_each_department_has_its_own_window_range_and_phone(guides: list[Guide]) -> None:
    windows: dict[int, str] = {}
    phones: dict[str, str] = {}
    for g in guides:
        number = int(g.window.split()[-2])
        assert windows.setdefault(number, g.department) == g.department, g.window
        assert phones.setdefault(g.phone, g.department) == g.department, g.phone


def test_demo_guides_are_the_same_on_every_call_and_round_trip(guides: list[Guide]) -> None:
    assert demo_guides() == guides
    assert [guide_from_dict(g.to_dict()) for g in guides] == guides


# --- case events --------------------------------------------------------------------------


def test_every_generated_event_passes_parse_event(cases: list[Events]) -> None:
    assert len(cases) == CASES
    for events in cases:
        for event in events:
            assert parse_event(event).to_wire() == event


def test_case_numbers_are_unique_18_digit_city_numbers_dated_by_acceptance(
        cases: list[Events]) -> None:
    numbers = [events[0]["case_no"] for events in cases]
    assert len(set(numbers)) == len(numbers)
    for events in cases:
        first = events[0]
        assert re.fullmatch(r"4409\d{14}", first["case_no"])
        assert first["case_no"][4:12] == _at(first).strftime("%Y%m%d")
        assert all(e["case_no"] == first["case_no"] for e in events)


def test_event_ids_are_unique_and_numbered_within_their_case(cases: list[Events]) -> None:
    ids = [e["event_id"] for events in cases for e in events]
    assert len(set(ids)) == len(ids)
    for events in cases:
        assert [e["event_id"] for e in events] == [
            f"{events[0]['case_no']}-{n}" for n in range(1, len(events) + 1)]


def test_timelines_are_chronological_in_office_hours_and_never_after_now(
        cases: list[Events]) -> None:
    earliest = NOW.date() - timedelta(days=90)
    for events in cases:
        times = [_at(e) for e in events]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[-1] <= NOW
        assert times[0].date() > earliest
        for t in times:
            assert t.utcoffset() == timedelta(hours=8)
            assert chinese_calendar.is_workday(t.date()), t
            minutes = t.hour * 60 + t.minute
            assert 9 * 60 <= minutes < 12 * 60 or 14 * 60 <= minutes < 17 * 60 + 30, t


def test_only_the_first_event_carries_the_case_identity(cases: list[Events],
                                                        guides: list[Guide]) -> None:
    ids = {g.id: g for g in guides}
    identity = {"department", "item_name", "applicant", "query_code", "promised_days",
                "confidential", "window", "office_phone", "fee", "guide_id"}
    for events in cases:
        first = events[0]
        assert first["stage"] == "accepted" and identity <= set(first)
        guide = ids[first["guide_id"]]
        assert (first["item_name"], first["department"]) == (guide.title, guide.department)
        assert first["promised_days"] == guide.promised_days and first["fee"] == guide.fee
        assert re.fullmatch(r"1\d{10}", first["applicant"]["phone"])
        for later in events[1:]:
            assert not identity & set(later), later
            assert later["handler"]["name"] and re.fullmatch(r"1\d{10}", later["handler"]["phone"])


def _workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    return sum(chinese_calendar.is_workday(start + timedelta(days=n))
               for n in range(1, (end - start).days + 1))


def test_the_mix_contains_every_kind_of_case(cases: list[Events]) -> None:
    stages = [[e["stage"] for e in events] for events in cases]
    last = Counter(s[-1] for s in stages)
    for final in ("concluded", "rejected", "withdrawn"):
        assert last[final] > 0, final
    assert sum(1 for s in stages if s[-1] not in ("concluded", "rejected", "withdrawn")) > 0
    assert sum(1 for s in stages if "supplement_requested" in s) > 0
    assert sum(1 for s in stages if "suspended" in s) > 0
    overdue = [
        events for events in cases
        if events[-1]["stage"] == "concluded"
        and not {"supplement_requested", "suspended"} & {e["stage"] for e in events}
        and _workdays_between(_at(events[0]).date(), _at(events[-1]).date())
        > events[0]["promised_days"]
    ]
    assert overdue
    kinds = Counter(events[0]["applicant"]["kind"] for events in cases)
    assert 0.28 < kinds["organisation"] / CASES < 0.42
    confidential = sum(events[0]["confidential"] for events in cases) / CASES
    assert 0.015 < confidential < 0.05
    pickups = {events[-1].get("pickup") for events in cases if events[-1]["stage"] == "concluded"}
    assert {"窗口领取", "邮寄送达", "电子证照"} <= pickups


def test_supplement_requests_name_materials_of_the_cases_guide(cases: list[Events],
                                                               guides: list[Guide]) -> None:
    materials = {g.id: {m.name for m in g.materials} for g in guides}
    asked = 0
    for events in cases:
        for e in events:
            if e["stage"] == "supplement_requested":
                asked += 1
                assert e["missing_materials"]
                assert set(e["missing_materials"]) <= materials[events[0]["guide_id"]]
    assert asked


def test_generated_cases_fold_into_consistent_case_states(cases: list[Events]) -> None:
    for events in cases[:1500]:
        case = fold((parse_event(e), n) for n, e in enumerate(events))
        assert case.accepted_at == _at(events[0])
        final = events[-1]["stage"]
        if final == "concluded":
            assert case.result is CaseResult.APPROVED and case.pickup
        elif final == "rejected":
            assert case.result is CaseResult.NOT_APPROVED
        if final == "resumed":
            assert case.stage in (Stage.UNDERTAKEN, Stage.REVIEWED)
        kind = ApplicantKind(events[0]["applicant"]["kind"])
        assert case.applicant.kind is kind


def test_generation_is_deterministic_for_a_seed(guides: list[Guide],
                                                cases: list[Events]) -> None:
    again = list(generate_case_events(CASES, guides, NOW, seed=20261127))
    assert again == cases
    other = list(generate_case_events(200, guides, NOW, seed=1))
    assert [e[0]["applicant"] for e in other] != [e[0]["applicant"] for e in cases[:200]]


def test_naive_now_outside_office_hours_still_yields_nothing_in_the_future(
        guides: list[Guide]) -> None:
    sunday_night = datetime(2026, 11, 29, 22, 0)  # naive: read as Asia/Shanghai
    events = [e for case in generate_case_events(300, guides, sunday_night, seed=3) for e in case]
    assert len({e["case_no"] for e in events}) == 300
    assert max(_at(e) for e in events) <= sunday_night.replace(tzinfo=SHANGHAI)


def test_years_without_holiday_data_fall_back_to_weekdays(guides: list[Guide]) -> None:
    later = datetime(2031, 3, 14, 10, 0, tzinfo=SHANGHAI)
    for case in generate_case_events(50, guides, later, seed=5):
        for e in case:
            assert _at(e).weekday() < 5 and _at(e) <= later


def test_zero_cases_yield_nothing_and_no_guides_is_an_error(guides: list[Guide]) -> None:
    assert list(generate_case_events(0, guides, NOW, seed=1)) == []
    with pytest.raises(ValueError, match="guide"):
        list(generate_case_events(5, [], NOW, seed=1))


# --- synthetic guides ---------------------------------------------------------------------


def test_synthetic_guides_are_numbered_varied_complete_and_deterministic() -> None:
    made = list(synthetic_guides(1500, seed=11))
    assert [g.id for g in made[:3]] == ["S000001", "S000002", "S000003"]
    assert len({g.id for g in made}) == len({g.title for g in made}) == 1500
    assert len({g.department for g in made}) >= 12
    for g in made:
        assert 2 <= len(g.conditions) <= 5 and 3 <= len(g.materials) <= 8
        assert g.procedure and g.faqs and g.life_events and g.window and g.phone
        assert set(g.life_events) <= set(LIFE_EVENTS)
    assert list(synthetic_guides(50, seed=11)) == made[:50]
