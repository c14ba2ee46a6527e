"""Exporting cases and guides, and re-importing the exports unchanged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from civicline.core.events import SHANGHAI, CaseEvent, parse_event
from civicline.core.folding import fold
from civicline.core.models import Case, Faq, Guide, Material
from civicline.ingest import (
    ExportError,
    ImportProblem,
    case_events,
    export_cases,
    export_guides,
    read_case_events,
    read_guides,
)

APPLICANT = {"name": "茂名市信宜食品有限公司", "kind": "organisation", "phone": "13800000000",
             "id_number": "91440900MA00000000"}
WIRE_EVENTS: list[dict[str, Any]] = [
    {"event_id": "A-1", "case_no": "SL2024-0001", "stage": "accepted",
     "occurred_at": "2024-05-06T09:00:00+08:00", "department": "市场监督管理局",
     "item_name": "食品经营许可", "applicant": APPLICANT, "query_code": "001234",
     "promised_days": 10, "confidential": False, "window": "3 号窗口",
     "office_phone": "0668-1234567",
     "fee": "不收费", "guide_id": "SCJG-002", "pickup": "邮寄",
     "handler": {"name": "王五", "phone": "0668-7654321", "role": "窗口受理"}},
    {"event_id": "A-2", "case_no": "SL2024-0001", "stage": "supplement_requested",
     "occurred_at": "2024-05-07T10:30:00+08:00",
     "missing_materials": ["法定代表人身份证、复印件", "场所平面图"], "note": "=请于5日内补齐"},
    {"event_id": "A-3", "case_no": "SL2024-0001", "stage": "resumed",
     "occurred_at": "2024-05-08T15:00:00+08:00"},
    {"event_id": "A-4", "case_no": "SL2024-0001", "stage": "concluded",
     "occurred_at": "2024-05-10T16:45:12+08:00", "result": "approved"},
    {"event_id": "B-1", "case_no": "SL2024-0002", "stage": "accepted",
     "occurred_at": "2024-05-06T11:00:00+08:00", "department": "国家安全局",
     "item_name": "涉密事项审批", "confidential": True,
     "applicant": {"name": "张三", "kind": "person", "phone": "", "id_number": ""}},
    {"event_id": "B-2", "case_no": "SL2024-0002", "stage": "rejected",
     "occurred_at": "2024-05-09T08:00:00Z", "note": "材料不符合要求；不予许可"},
]


def cases() -> list[Case]:
    by_case: dict[str, list[tuple[CaseEvent, int]]] = defaultdict(list)
    for seq, data in enumerate(WIRE_EVENTS, start=1):
        event = parse_event(data)
        by_case[event.case_no].append((event, seq))
    return [fold(events) for events in by_case.values()]


def without_seq(case: Case) -> Case:
    """Arrival numbers are assigned by the store, not carried in files."""
    return replace(case, timeline=tuple(t._replace(arrival_seq=0) for t in case.timeline))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".ndjson"])
def test_exported_cases_reimport_to_the_same_events_and_cases(tmp_path: Path,
                                                              suffix: str) -> None:
    original = cases()
    path = tmp_path / f"cases{suffix}"
    assert export_cases(original, path) == 6
    items = list(read_case_events(path))
    assert [i for _, i in items if isinstance(i, ImportProblem)] == []
    events = [i for _, i in items if isinstance(i, CaseEvent)]
    assert events == [e for case in original for e in case_events(case)]
    grouped: dict[str, list[tuple[CaseEvent, int]]] = defaultdict(list)
    for seq, event in enumerate(events, start=1):
        grouped[event.case_no].append((event, seq))
    again = [fold(group) for group in grouped.values()]
    assert [without_seq(c) for c in again] == [without_seq(c) for c in original]


def test_case_export_uses_chinese_headers_and_keeps_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    export_cases(cases(), path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["事件编号", "办件编号", "办理环节", "发生时间"]
    first, second = sheet[2], sheet[3]
    assert first[header.index("查询码")].value == "001234"
    assert first[header.index("办理环节")].value == "受理"
    note = second[header.index("备注")]
    assert note.value == "=请于5日内补齐" and note.data_type == "s"  # not a formula


def test_csv_export_opens_in_excel_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    export_cases(cases(), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


GUIDES = [
    Guide(id="SCJG-002", title="食品经营许可", department="市场监督管理局", item_type="行政许可",
          legal_basis="《食品安全法》第三十五条\n《食品经营许可管理办法》",
          conditions=("有与经营的食品品种相适应的场所；并保持清洁", "有食品安全管理人员"),
          materials=(Material("食品经营许可申请书"),
                     Material("场所平面图", "复印件", 2, "加盖公章")),
          procedure=("申请", "受理", "审查", "决定"), legal_days=20, promised_days=10,
          fee="不收费", window="3 号窗口", location="市民中心二楼",
          office_hours="工作日 9:00-17:00",
          phone="0668-1234567", faqs=(Faq("可以网上办理吗？", "可以。\n登录政务服务网。"),),
          online_url="https://zwfw.example.gov.cn/2", life_events=("开办企业",),
          aliases=("食品许可证", "开饭店"), keywords=("餐饮",), version=3,
          updated_at=datetime(2024, 5, 1, 8, 0, tzinfo=SHANGHAI)),
    Guide(id="GA-7", title="居住证签注", department="公安局", fee=""),
]


@pytest.mark.parametrize("target", ["guides.json", "guides.csv", "guides.xlsx", "docx/"])
def test_exported_guides_reimport_unchanged(tmp_path: Path, target: str) -> None:
    path = f"{tmp_path}/{target}"
    assert export_guides(GUIDES, path) == 2
    items = list(read_guides(Path(path)))
    assert [i for _, i in items if isinstance(i, ImportProblem)] == []
    assert sorted((g for _, g in items if isinstance(g, Guide)), key=lambda g: g.title) == sorted(
        GUIDES, key=lambda g: g.title)


def test_a_guide_directory_export_writes_one_document_per_guide(tmp_path: Path) -> None:
    export_guides(GUIDES, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["GA-7.docx", "SCJG-002.docx"]


@pytest.mark.parametrize("name", ["cases.txt", "cases.xls"])
def test_an_unknown_export_format_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError):
        export_cases(cases(), tmp_path / name)
