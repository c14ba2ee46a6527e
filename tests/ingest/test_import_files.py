"""Reading the standard import files: case event spreadsheets/JSON and service guides."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from civicline.core.events import SHANGHAI, CaseEvent
from civicline.core.models import Faq, Guide, Material
from civicline.core.stages import ApplicantKind, Stage
from civicline.ingest import CaseFileReader, ImportProblem, Location, read_case_events, read_guides

CN_HEADER = ["事件编号", "办件编号", "办理环节", "发生时间", "部门", "事项名称", "申请人", "查询码"]
EN_HEADER = ["event_id", "case_no", "stage", "occurred_at", "department", "item_name",
             "applicant_name", "query_code"]


def good_row(n: int, stage: object = "受理") -> list[object]:
    return [f"E{n}", "SL2024-0001", stage, f"2024-05-0{n % 9 + 1}T09:00:00", "市场监督管理局",
            "企业设立登记", "张三", "001234"]


def write_xlsx(path: Path, rows: Sequence[Any], merges: Sequence[str] = (),
               sheet: str = "办件") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Any], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_all(path: Path) -> list[tuple[Location, CaseEvent | ImportProblem]]:
    return list(read_case_events(path))


def events_of(items: list[tuple[Location, CaseEvent | ImportProblem]]) -> list[CaseEvent]:
    return [item for _, item in items if isinstance(item, CaseEvent)]


def errors_of(items: list[tuple[Location, CaseEvent | ImportProblem]]) -> list[ImportProblem]:
    return [item for _, item in items if isinstance(item, ImportProblem) and not item.warning]


def warnings_of(items: list[tuple[Location, CaseEvent | ImportProblem]]) -> list[ImportProblem]:
    return [item for _, item in items if isinstance(item, ImportProblem) and item.warning]


# --- headers ------------------------------------------------------------------------------

HEADER_STYLES = {
    "chinese headers are accepted": CN_HEADER,
    "english wire names are accepted": EN_HEADER,
    "case, width and spaces in headers are ignored": [
        " 事件编号 ", "ＣＡＳＥ＿ＮＯ", "办理 环节", "OCCURRED_AT", "部门", "事项名称", "申请人",
        "查询码"],
    "headers written as 中文 (key) are accepted": [
        f"{cn} ({en})" for cn, en in zip(CN_HEADER, EN_HEADER, strict=True)],
}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("header", HEADER_STYLES.values(), ids=HEADER_STYLES.keys())
def test_header_styles(tmp_path: Path, header: list[str], suffix: str) -> None:
    rows = [header, good_row(1)]
    path = (write_xlsx if suffix == ".xlsx" else write_csv)(tmp_path / f"c{suffix}", rows)
    items = read_all(path)
    assert errors_of(items) == []
    [event] = events_of(items)
    assert event.stage is Stage.ACCEPTED and event.department == "市场监督管理局"
    assert event.applicant is not None and event.applicant.name == "张三"


def test_a_missing_required_column_is_reported_with_the_header_row(tmp_path: Path) -> None:
    header = [h for h in CN_HEADER if h != "发生时间"]
    path = write_xlsx(tmp_path / "c.xlsx", [header, good_row(1)[:3]])
    [(where, problem)] = read_all(path)
    assert isinstance(problem, ImportProblem) and not problem.warning
    assert where.row == 1
    assert "发生时间 (occurred_at)" in problem.message
    assert "事件编号 | 办件编号 | 办理环节 | 部门" in problem.message


def test_a_file_without_a_header_row_is_reported_without_echoing_its_data(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [good_row(1), good_row(2)])
    [(_, problem)] = read_all(path)
    assert isinstance(problem, ImportProblem)
    assert "缺少表头" in problem.message and "张三" not in problem.message


def test_a_title_line_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", [["某局办件数据导出"], [], CN_HEADER, good_row(1)])
    items = read_all(path)
    assert [where.row for where, _ in items] == [4]
    assert len(events_of(items)) == 1


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [[*CN_HEADER, "内部流水"], [*good_row(1), "x"]])
    items = read_all(path)
    warnings = warnings_of(items)
    assert len(warnings) == 1 and "内部流水" in warnings[0].message
    assert len(events_of(items)) == 1


# --- rows ---------------------------------------------------------------------------------

def test_a_bad_stage_in_row_7_is_reported_at_row_7_and_the_stage_column(tmp_path: Path) -> None:
    rows = [CN_HEADER, *(good_row(n) for n in range(1, 6)), good_row(6, stage="foo"), good_row(7)]
    path = write_xlsx(tmp_path / "cases.xlsx", rows)
    items = read_all(path)
    [problem] = errors_of(items)
    assert problem.location == Location(str(path), "办件", 7, "办理环节", "stage")
    assert problem.message == "未知的环节 'foo'"
    assert str(problem.location) == f"{path}, sheet 办件, row 7, column 办理环节 (stage)"
    assert len(events_of(items)) == 6  # one bad row does not stop the others


def test_every_chinese_stage_label_is_accepted(tmp_path: Path) -> None:
    labels = {"受理": "accepted", "承办": "undertaken", "审核": "reviewed", "批准": "approved",
              "办结": "concluded", "补正": "supplement_requested", "特别程序": "suspended",
              "恢复办理": "resumed", "不予受理": "rejected", "不予许可": "rejected",
              "撤回": "withdrawn", "Concluded": "concluded"}
    rows = [CN_HEADER, *(good_row(n, stage=label) for n, label in enumerate(labels, start=1))]
    events = events_of(read_all(write_csv(tmp_path / "c.csv", rows)))
    assert [e.stage.value for e in events] == list(labels.values())


CELL_CASES = {
    "numeric query code 12345 becomes 012345": ("查询码", 12345, "query_code", "012345"),
    "a query code typed as text keeps its zeros": ("查询码", "000123", "query_code", "000123"),
    "是 means confidential": ("是否涉密", "是", "confidential", True),
    "0 means not confidential": ("是否涉密", 0, "confidential", False),
    "promised days accept 个工作日": ("承诺时限", "20个工作日", "promised_days", 20),
    "promised days accept an Excel number": ("承诺时限", 20.0, "promised_days", 20),
    "a phone stored as a number loses Excel's .0": ("咨询电话", 7712345678.0, "office_phone",
                                                    "7712345678"),
    "不予许可 is the not_approved result": ("办理结果", "不予许可", "result", "not_approved"),
    "missing materials split on 、 and ；": (
        "补正材料", "身份证、户口本；照片", "missing_materials", ("身份证", "户口本", "照片")),
    "missing materials one per line may contain 、": (
        "补正材料", "身份证、户口本\n照片", "missing_materials", ("身份证、户口本", "照片")),
    "a line break in a note becomes a space": ("备注", "第一行\n第二行", "note", "第一行 第二行"),
}


@pytest.mark.parametrize(("header", "cell", "attr", "expected"), CELL_CASES.values(),
                         ids=CELL_CASES.keys())
def test_cell_values(tmp_path: Path, header: str, cell: object, attr: str,
                     expected: object) -> None:
    rows = [[*CN_HEADER[:4], header], [*good_row(1)[:4], cell]]
    [event] = events_of(read_all(write_xlsx(tmp_path / "c.xlsx", rows)))
    value = getattr(event, attr)
    assert (value.value if attr == "result" else value) == expected


def test_excel_datetime_cells_are_accepted_as_shanghai_time(tmp_path: Path) -> None:
    row = good_row(1)
    row[3] = datetime(2024, 5, 6, 14, 30)
    [event] = events_of(read_all(write_xlsx(tmp_path / "c.xlsx", [CN_HEADER, row])))
    assert event.occurred_at == datetime(2024, 5, 6, 14, 30, tzinfo=SHANGHAI)


def test_excel_style_slash_dates_in_csv_are_accepted(tmp_path: Path) -> None:
    row = good_row(1)
    row[3] = "2024/5/6 9:05"
    [event] = events_of(read_all(write_csv(tmp_path / "c.csv", [CN_HEADER, row])))
    assert event.occurred_at == datetime(2024, 5, 6, 9, 5, tzinfo=SHANGHAI)


def test_applicant_kind_and_nested_field_errors_name_the_right_column(tmp_path: Path) -> None:
    header = [*CN_HEADER, "申请人类型", "申请人电话", "经办人", "经办人电话"]
    rows = [header,
            [*good_row(1), "企业", "", "李四", "1" * 41],
            [*good_row(2), "个人", "1" * 41, "李四", ""],
            [*good_row(3), "", "", "", "0771-1234567"]]
    items = read_all(write_xlsx(tmp_path / "c.xlsx", rows))
    problems = errors_of(items)
    assert [(p.location.row, p.location.column) for p in problems] == [
        (2, "经办人电话"), (3, "申请人电话"), (4, "经办人")]
    assert "1111" not in "".join(p.message for p in problems)  # values are never echoed


def test_an_organisation_applicant_is_read_from_its_chinese_label(tmp_path: Path) -> None:
    rows = [[*CN_HEADER, "申请人类型"], [*good_row(1), "企业"]]
    [event] = events_of(read_all(write_csv(tmp_path / "c.csv", rows)))
    assert event.applicant is not None and event.applicant.kind is ApplicantKind.ORGANISATION


def test_a_repeated_event_id_is_reported_at_the_second_row(tmp_path: Path) -> None:
    rows = [CN_HEADER, good_row(1), good_row(1)]
    items = read_all(write_csv(tmp_path / "c.csv", rows))
    [problem] = errors_of(items)
    assert (problem.location.row, problem.location.column) == (3, "事件编号")
    assert "第 2 行" in problem.message


def test_merged_cells_are_reported_with_their_range_and_their_rows_skipped(
        tmp_path: Path) -> None:
    rows = [CN_HEADER, good_row(1), good_row(2), [*good_row(3)[:4], None, *good_row(3)[5:]],
            good_row(4)]
    path = write_xlsx(tmp_path / "c.xlsx", rows, merges=["E3:E4"])
    items = read_all(path)
    [problem] = errors_of(items)
    assert "E3:E4" in problem.message and "第 3–4 行未导入" in problem.message
    assert (problem.location.row, problem.location.column) == (3, "部门")
    assert [e.event_id for e in events_of(items)] == ["E1", "E4"]


def test_blank_rows_are_skipped_and_progress_is_exposed(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", [CN_HEADER, good_row(1), [], good_row(2)])
    with CaseFileReader(path) as reader:
        assert reader.total == 3
        seen = [(reader.position, item.event_id) for _, item in reader
                if isinstance(item, CaseEvent)]
        assert seen == [(1, "E1"), (3, "E2")]


def test_progress_reaches_the_total_through_trailing_blank_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [CN_HEADER, good_row(1), [""] * 8, [""] * 8])
    with CaseFileReader(path) as reader:
        assert [item.event_id for _, item in reader if isinstance(item, CaseEvent)] == ["E1"]
        assert reader.position == reader.total == 3


# --- encodings and file formats -----------------------------------------------------------

def test_a_utf8_csv_with_a_bom_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [CN_HEADER, good_row(1)], encoding="utf-8-sig")
    items = read_all(path)
    assert len(events_of(items)) == 1 and errors_of(items) == []


def test_a_gb18030_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [CN_HEADER, good_row(1)], encoding="gb18030")
    items = read_all(path)
    [(_, warning), (_, event)] = items
    assert isinstance(warning, ImportProblem) and warning.warning
    assert "GB18030" in warning.message
    assert isinstance(event, CaseEvent) and event.item_name == "企业设立登记"


def test_non_utf8_garbage_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    [(_, problem)] = read_all(path)
    assert isinstance(problem, ImportProblem) and "编码" in problem.message


UNREADABLE = {
    "a text file named .xlsx is not a workbook": ("c.xlsx", b"event_id,case_no\n"),
    "old .xls files are refused with advice": ("c.xls", b"\xd0\xcf\x11\xe0"),
    "an unknown extension is refused": ("c.txt", b"x"),
    "a broken JSON array is reported": ("c.json", b'[{"event_id": '),
}


@pytest.mark.parametrize(("name", "content"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_files(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with CaseFileReader(path) as reader:
        items = list(reader)
    [(where, problem)] = items
    assert isinstance(problem, ImportProblem) and not problem.warning
    assert where.file == str(path) and where.row is None


def wire(n: int, **extra: object) -> dict[str, object]:
    return {"event_id": f"E{n}", "case_no": "SL-1", "stage": "accepted",
            "occurred_at": "2024-05-01T09:00:00+08:00", **extra}


def test_a_json_array_numbers_rows_from_one(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([wire(1), wire(2, stage="nope"), wire(3)]), encoding="utf-8")
    items = read_all(path)
    [problem] = errors_of(items)
    assert (problem.location.row, problem.location.column) == (2, "stage")
    assert [where.row for where, _ in items] == [1, 2, 3]


def test_ndjson_lines_are_numbered_and_a_bad_line_does_not_stop_the_rest(
        tmp_path: Path) -> None:
    path = tmp_path / "c.ndjson"
    lines = [json.dumps(wire(1)), "", "{not json", json.dumps(wire(4, applicant={"name": "x",
                                                                              "kind": "alien"}))]
    path.write_text("\n".join([*lines, json.dumps(wire(5))]) + "\n", encoding="utf-8")
    items = read_all(path)
    assert [(p.location.row, p.location.column) for p in errors_of(items)] == [
        (3, None), (4, "applicant.kind")]
    assert [e.event_id for e in events_of(items)] == ["E1", "E5"]


def test_only_the_first_sheet_is_read_and_the_others_are_named(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", [CN_HEADER, good_row(1)])
    book = openpyxl.load_workbook(path)
    book.create_sheet("填写说明")
    book.save(path)
    items = read_all(path)
    warnings = warnings_of(items)
    assert len(warnings) == 1 and "填写说明" in warnings[0].message
    assert len(events_of(items)) == 1


# --- guides -------------------------------------------------------------------------------

def write_guide_docx(path: Path, *, basic_as_table: bool = True) -> Path:
    document = docx.Document()
    document.add_heading("企业设立登记", level=0)
    document.add_heading("一、基本信息", level=2)
    basic = [("编号", "SCJG-001"), ("实施部门", "市场监督管理局"), ("事项类型", "行政许可"),
             ("法定时限", "15个工作日"), ("承诺时限", "1个工作日"), ("收费标准", "不收费"),
             ("办理窗口", "3 号窗口"), ("办理地点", "市民中心二楼"),
             ("办理时间", "工作日 9:00-17:00"), ("咨询电话", "0771-1234567"),
             ("网上办理", "https://zwfw.example.gov.cn/1"), ("人生事件", "开办企业；投资"),
             ("别名", "开公司；注册公司")]
    if basic_as_table:
        table = document.add_table(rows=0, cols=2)
        for key, value in basic:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = key, value
    else:
        for key, value in basic:
            document.add_paragraph(f"{key}：{value}")
    document.add_heading("设定依据", level=2)
    document.add_paragraph("《中华人民共和国市场主体登记管理条例》第三条")
    document.add_heading("受理条件", level=2)
    document.add_paragraph("申请人为拟设立企业的投资人", style="List Number")
    document.add_paragraph("名称已自主申报", style="List Number")
    document.add_heading("申请材料", level=2)
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["材料名称", "材料形式", "份数", "备注"],
                          strict=True):
        cell.text = text
    for values in (["公司登记申请书", "原件", "1", ""],
                   ["公司章程", "原件", "2份", "全体股东签署"]):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_heading("办理流程", level=2)
    document.add_paragraph("网上申报", style="List Number")
    document.add_paragraph("窗口审核", style="List Number")
    document.add_heading("常见问题", level=2)
    document.add_paragraph("问：需要本人到场吗？")
    document.add_paragraph("答：全程网办无需到场。")
    document.add_paragraph("如需纸质执照，可邮寄。")
    document.save(str(path))
    return path


EXPECTED_DOCX_GUIDE = Guide(
    id="SCJG-001", title="企业设立登记", department="市场监督管理局", item_type="行政许可",
    legal_basis="《中华人民共和国市场主体登记管理条例》第三条",
    conditions=("申请人为拟设立企业的投资人", "名称已自主申报"),
    materials=(Material("公司登记申请书", "原件", 1, ""),
               Material("公司章程", "原件", 2, "全体股东签署")),
    procedure=("网上申报", "窗口审核"), legal_days=15, promised_days=1, fee="不收费",
    window="3 号窗口", location="市民中心二楼", office_hours="工作日 9:00-17:00",
    phone="0771-1234567",
    faqs=(Faq("需要本人到场吗？", "全程网办无需到场。\n如需纸质执照，可邮寄。"),),
    online_url="https://zwfw.example.gov.cn/1", life_events=("开办企业", "投资"),
    aliases=("开公司", "注册公司"),
)


@pytest.mark.parametrize("basic_as_table", [True, False], ids=["基本信息 as a table",
                                                               "基本信息 as 键：值 paragraphs"])
def test_a_docx_guide_with_headings_is_parsed_into_all_sections(
        tmp_path: Path, basic_as_table: bool) -> None:
    path = write_guide_docx(tmp_path / "guide.docx", basic_as_table=basic_as_table)
    [(where, guide)] = list(read_guides(path))
    assert guide == EXPECTED_DOCX_GUIDE
    assert where.file == str(path)


def test_a_docx_guide_with_a_bad_day_count_names_the_key(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("某事项", level=1)
    document.add_heading("基本信息", level=2)
    for line in ("编号：X-1", "实施部门：某局", "法定时限：十五天", "宣传口号：无"):
        document.add_paragraph(line)
    path = tmp_path / "bad.docx"
    document.save(str(path))
    items = [item for _, item in read_guides(path)]
    assert all(isinstance(i, ImportProblem) for i in items)
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert [(p.warning, p.location.section, p.location.column) for p in problems] == [
        (True, "基本信息", "宣传口号"), (False, "基本信息", "法定时限")]


GUIDE_HEADER = ["编号", "事项名称", "实施部门", "受理条件", "申请材料", "法定时限", "常见问题"]


def test_a_guide_spreadsheet_row_is_read_with_lists_and_materials(tmp_path: Path) -> None:
    rows = [GUIDE_HEADER, ["G-1", "个体户登记", "市场局", "年满18周岁；有经营场所",
                           "身份证|原件|1|；照片|电子件|2|近期", "5", "收费吗|不收费"]]
    [(_, guide)] = list(read_guides(write_xlsx(tmp_path / "g.xlsx", rows, sheet="指南")))
    assert isinstance(guide, Guide)
    assert guide.conditions == ("年满18周岁", "有经营场所")
    assert guide.materials == (Material("身份证", "原件", 1, ""),
                               Material("照片", "电子件", 2, "近期"))
    assert guide.faqs == (Faq("收费吗", "不收费"),)
    assert guide.legal_days == 5 and guide.fee == ""  # an unstated fee is not 不收费


def test_guide_merged_cells_are_reported_and_their_rows_skipped(tmp_path: Path) -> None:
    rows = [GUIDE_HEADER, ["G-1", "甲", "市场局"], ["G-2", "乙", "市场局"], [],
            ["G-3", "丙", "市场局"], ["G-4", "丁", "税务局"]]
    items = list(read_guides(write_xlsx(tmp_path / "g.xlsx", rows, merges=["C3:C5"])))
    [problem] = [item for _, item in items if isinstance(item, ImportProblem)]
    assert "C3:C5" in problem.message and "未导入" in problem.message
    assert problem.location.row == 3
    assert [item.id for _, item in items if isinstance(item, Guide)] == ["G-1", "G-4"]


def test_blank_guide_rows_are_skipped_silently(tmp_path: Path) -> None:
    rows = [GUIDE_HEADER, [], ["G-1", "甲", "局"], ["", " ", ""], ["G-2", "乙", "局"]]
    items = list(read_guides(write_csv(tmp_path / "g.csv", rows)))
    assert [(where.row, item.id) for where, item in items if isinstance(item, Guide)] == [
        (3, "G-1"), (5, "G-2")]
    assert len(items) == 2


GUIDE_ROW_PROBLEMS = {
    "an id with spaces is refused": (["G 1", "名称", "局"], "编号"),
    "an empty department is refused": (["G-1", "名称", ""], "实施部门"),
    "negative days are refused": (["G-1", "名称", "局", "", "", "-3"], "法定时限"),
    "a material count must be a number": (["G-1", "名称", "局", "", "身份证|原件|两"], "申请材料"),
}


@pytest.mark.parametrize(("row", "column"), GUIDE_ROW_PROBLEMS.values(),
                         ids=GUIDE_ROW_PROBLEMS.keys())
def test_guide_row_problems(tmp_path: Path, row: list[str], column: str) -> None:
    path = write_csv(tmp_path / "g.csv", [GUIDE_HEADER, ["OK-1", "好", "局"], row])
    items = list(read_guides(path))
    assert isinstance(items[0][1], Guide)
    [(where, problem)] = items[1:]
    assert isinstance(problem, ImportProblem)
    assert (where.row, where.column) == (3, column)


def test_a_json_guide_object_or_array_is_read(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"id": "A-1", "title": "甲", "department": "局"}), "utf-8")
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"id": "B-1", "title": "乙", "department": "局"},
                                {"id": "B-2", "title": "丙", "department": "局",
                                 "promised_days": "三"}]), "utf-8")
    assert [g.id for _, g in read_guides(single) if isinstance(g, Guide)] == ["A-1"]
    items = list(read_guides(many))
    assert isinstance(items[0][1], Guide)
    assert (items[1][0].row, items[1][0].column) == (2, "promised_days")


def test_a_directory_is_read_recursively_in_order_and_problems_name_their_file(
        tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    write_guide_docx(tmp_path / "b" / "guide.docx")
    (tmp_path / "b" / "~$guide.docx").write_bytes(b"lock file of an open document")
    (tmp_path / "a.json").write_text(json.dumps({"id": "A-1", "title": "甲", "department": ""}),
                                     "utf-8")
    (tmp_path / "c.csv").write_text("编号,事项名称,实施部门\nSCJG-001,重复,局\n", "utf-8")
    (tmp_path / "readme.txt").write_text("说明", "utf-8")
    items = list(read_guides(tmp_path))
    summary = [(Path(where.file).name, type(item).__name__) for where, item in items]
    assert summary == [("a.json", "ImportProblem"), ("guide.docx", "Guide"),
                       ("c.csv", "ImportProblem"), ("readme.txt", "ImportProblem")]
    duplicate = items[2][1]
    assert isinstance(duplicate, ImportProblem) and "重复" in duplicate.message
    skipped = items[3][1]
    assert isinstance(skipped, ImportProblem) and skipped.warning


def test_an_unsupported_guide_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.pdf"
    path.write_bytes(b"%PDF")
    [(_, problem)] = list(read_guides(path))
    assert isinstance(problem, ImportProblem) and not problem.warning
