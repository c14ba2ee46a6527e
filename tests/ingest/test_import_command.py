"""`civicline import` in process: problems reported at their place, good items written."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from civicline.ingest.cli import run_import
from civicline.services import open_services
from tests.conftest import make_settings

CASE_HEADER = ["事件编号", "办件编号", "办理环节", "发生时间", "部门", "事项名称", "申请人"]
CASE_ROWS = [
    ["E1", "C-1", "受理", "2026-05-06T09:00:00", "市场监督管理局", "企业设立登记", "张三"],
    ["E2", "C-2", "飞走", "2026-05-06T09:00:00", "市场监督管理局", "企业设立登记", "李四"],
    ["E3", "C-1", "承办", "2026-05-06T10:00:00", "税务局", "", ""],  # the fold refuses this
    ["E4", "C-3", "受理", "2026-05-06T09:00:00", "税务局", "税务登记", "王五"],
]


def write_cases(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([CASE_HEADER, *CASE_ROWS])
    return path


def write_guides(directory: Path) -> Path:
    directory.mkdir()
    (directory / "a.json").write_text(json.dumps([
        {"id": "G-1", "title": "个体户登记", "department": "市场局"},
        {"id": "G-2", "title": "", "department": "市场局"},
        {"id": "G-3", "title": "税务登记", "department": "税务局"},
    ]), "utf-8")
    return directory


def stored(data_dir: Path) -> tuple[list[str], list[str]]:
    """(case numbers, guide ids) in a data directory; none when it was never created."""
    if not data_dir.exists():
        return [], []
    services = open_services(make_settings(data_dir), with_search=False)
    try:
        return (sorted(case.case_no for case in services.cases.iter_all()),
                sorted(guide.id for guide in services.guides.iter_all()))
    finally:
        asyncio.run(services.close())


READ_PROBLEM = "cases.csv, row 3, column 办理环节"
FOLD_PROBLEM = "cases.csv, row 4: department: 不能更改办件所属部门"


@pytest.mark.parametrize(("dry_run", "reported", "not_reported", "cases"), [
    (False, [READ_PROBLEM, FOLD_PROBLEM, "imported 3 events from", "2 error(s)"], [],
     ["C-1", "C-3"]),
    # A dry run checks the rows but never reaches the fold.
    (True, [READ_PROBLEM, "checked 3 events from", "1 error(s)"], [FOLD_PROBLEM], []),
], ids=["an import", "a dry run"])
def test_a_case_import_reports_each_problem_at_its_row_and_writes_only_good_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool, reported: list[str],
        not_reported: list[str], cases: list[str]) -> None:
    data_dir = tmp_path / "data"
    code = run_import(make_settings(data_dir), "cases", write_cases(tmp_path / "cases.csv"),
                      dry_run=dry_run)
    stderr = capsys.readouterr().err
    assert code == 1
    assert [line for line in reported if line not in stderr] == []
    assert [line for line in not_reported if line in stderr] == []
    assert stored(data_dir) == (cases, [])


@pytest.mark.parametrize(("dry_run", "verb", "guides"), [
    (False, "imported", ["G-1", "G-3"]),
    (True, "checked", []),
], ids=["an import", "a dry run"])
def test_a_guide_import_reports_problems_and_writes_the_good_guides_unless_dry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool, verb: str,
        guides: list[str]) -> None:
    data_dir = tmp_path / "data"
    code = run_import(make_settings(data_dir), "guides", write_guides(tmp_path / "guides"),
                      dry_run=dry_run)
    stderr = capsys.readouterr().err
    assert code == 1
    assert "a.json, row 2, column title: 不能为空" in stderr
    assert f"{verb} 2 guides from" in stderr and "1 error(s)" in stderr
    assert stored(data_dir) == ([], guides)


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(make_settings(tmp_path / "data"), "cases", tmp_path / "none.csv",
                      dry_run=False) == 2
    assert "找不到文件" in capsys.readouterr().err
