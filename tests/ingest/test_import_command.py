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


def stored_case_numbers(data_dir: Path) -> list[str]:
    services = open_services(make_settings(data_dir), with_search=False)
    try:
        return sorted(case.case_no for case in services.cases.iter_all())
    finally:
        asyncio.run(services.close())


def stored_guide_ids(data_dir: Path) -> list[str]:
    services = open_services(make_settings(data_dir), with_search=False)
    try:
        return sorted(guide.id for guide in services.guides.iter_all())
    finally:
        asyncio.run(services.close())


def test_a_case_import_reports_read_and_fold_problems_and_writes_the_good_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    code = run_import(make_settings(data_dir), "cases", write_cases(tmp_path / "cases.csv"),
                      dry_run=False)
    stderr = capsys.readouterr().err
    assert code == 1
    assert "cases.csv, row 3, column 办理环节" in stderr
    assert "cases.csv, row 4: department: 不能更改办件所属部门" in stderr
    assert "imported 3 events from" in stderr and "2 error(s)" in stderr
    assert stored_case_numbers(data_dir) == ["C-1", "C-3"]


def test_a_case_dry_run_reports_read_problems_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    code = run_import(make_settings(data_dir), "cases", write_cases(tmp_path / "cases.csv"),
                      dry_run=True)
    stderr = capsys.readouterr().err
    assert code == 1
    assert "cases.csv, row 3, column 办理环节" in stderr
    assert "checked 3 events from" in stderr and "1 error(s)" in stderr
    assert not data_dir.exists()


@pytest.mark.parametrize(("dry_run", "verb", "stored"), [
    (False, "imported", ["G-1", "G-3"]),
    (True, "checked", []),
])
def test_a_guide_import_reports_problems_and_writes_the_good_guides_unless_dry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool, verb: str,
        stored: list[str]) -> None:
    data_dir = tmp_path / "data"
    code = run_import(make_settings(data_dir), "guides", write_guides(tmp_path / "guides"),
                      dry_run=dry_run)
    stderr = capsys.readouterr().err
    assert code == 1
    assert "a.json, row 2, column title: 不能为空" in stderr
    assert f"{verb} 2 guides from" in stderr and "1 error(s)" in stderr
    assert (stored_guide_ids(data_dir) if data_dir.exists() else []) == stored


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(make_settings(tmp_path / "data"), "cases", tmp_path / "none.csv",
                      dry_run=False) == 2
    assert "找不到文件" in capsys.readouterr().err
