"""The staff directory: files in, errors located, stored with contact points, listed masked."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import orjson
import pytest

from civicline.ingest.report import ImportProblem
from civicline.ingest.staff_files import read_staff
from civicline.notify.model import ContactPoint
from civicline.notify.recipients import StaffMember
from civicline.services import Services
from civicline.storage.staff_sqlite import SqliteStaffDirectory

HEADER = ["部门", "姓名", "角色", "手机", "其他联系方式"]
LI = ["市场监督管理局", "李四", "科长", "139 0000 1111", "telegram:777；voice:+8613700001234"]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read(path: Path) -> tuple[list[StaffMember], list[str]]:
    members, problems = [], []
    for _, item in read_staff(path):
        if isinstance(item, ImportProblem):
            problems.append(str(item))
        else:
            members.append(item)
    return members, problems


def test_a_row_becomes_a_member_with_its_contact_points_in_order(tmp_path: Path) -> None:
    members, problems = _read(_csv(tmp_path / "staff.csv", [LI]))
    assert problems == []
    assert members == [StaffMember("市场监督管理局", "李四", "科长", "13900001111", (
        ContactPoint("telegram", "777"), ContactPoint("voice", "+8613700001234")))]


@pytest.mark.parametrize(("label", "row", "where", "message"), [
    ("no name", ["市场监督管理局", "", "科长", "13900001111", ""],
     "row 2, column 姓名 (name)", "姓名不能为空"),
    ("a phone that is not one", ["市场监督管理局", "王五", "科长", "1390000abcd", ""],
     "row 2, column 手机 (phone)", "手机号格式不正确"),
    ("a contact point without a channel", ["市场监督管理局", "王五", "科长", "", "777"],
     "row 2, column 其他联系方式 (contacts)", "第 1 项联系方式应写作“渠道:地址”"),
    ("no way to reach the person", ["市场监督管理局", "王五", "科长", "", ""],
     "row 2, column 手机 (phone)", "至少需要手机号或一种其他联系方式"),
])
def test_a_bad_row_is_named_by_file_row_and_column_without_echoing_the_address(
        tmp_path: Path, label: str, row: list[str], where: str, message: str) -> None:
    members, problems = _read(_csv(tmp_path / "staff.csv", [row, LI]))
    assert [m.name for m in members] == ["李四"], label
    assert len(problems) == 1, (label, problems)
    assert f"staff.csv, {where}" in problems[0] and message in problems[0], (label, problems)
    assert "abcd" not in problems[0] and "777" not in problems[0], label


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    _, problems = _read(_csv(tmp_path / "staff.csv", [LI[:2]], header=["部门", "姓名"]))
    assert len(problems) == 1 and "缺少必需的列：角色 (role)" in problems[0]


def test_a_person_listed_twice_in_a_department_is_refused_the_second_time(
        tmp_path: Path) -> None:
    members, problems = _read(_csv(tmp_path / "staff.csv", [LI, LI]))
    assert len(members) == 1
    assert problems == [f"{tmp_path / 'staff.csv'}, row 3: 同一部门的人员重复，首次出现于 "
                        f"{tmp_path / 'staff.csv'}, row 2"]


def test_an_xlsx_problem_names_the_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "人员"
    sheet.append(["通讯录"])  # a title line above the header, as exports have
    sheet.append(HEADER)
    sheet.append(LI)
    sheet.append(["市场监督管理局", "王五", "", 13900002222, ""])  # Excel keeps phones as numbers
    path = tmp_path / "staff.xlsx"
    book.save(path)
    members, problems = _read(path)
    assert [m.name for m in members] == ["李四"]
    assert problems == [f"{path}, sheet 人员, row 4, column 角色 (role): 角色不能为空"]


def test_json_staff_lists_read_like_tables(tmp_path: Path) -> None:
    path = tmp_path / "staff.json"
    path.write_bytes(orjson.dumps({"staff": [
        {"department": "税务局", "name": "赵六", "role": "受理", "phone": 13600003333,
         "contacts": ["wechat:o6_abc"]},
        {"department": "税务局", "name": "钱七", "role": "受理", "contacts": "sms"},
        "not an object"]}))
    members, problems = _read(path)
    assert members == [StaffMember("税务局", "赵六", "受理", "13600003333",
                                   (ContactPoint("wechat", "o6_abc"),))]
    assert problems == [f"{path}, row 2, column contacts: 第 1 项联系方式应写作“渠道:地址”，"
                        "如 sms:+8613800000000、telegram:123456",
                        f"{path}, row 3: 每位人员应为 JSON 对象"]


async def test_the_directory_stores_updates_and_finds_members_by_contact_point(
        services: Services) -> None:
    directory = SqliteStaffDirectory(services.db)
    li = StaffMember("市场监督管理局", "李四", "科长", "13900001111",
                     (ContactPoint("telegram", "777"),))
    zhao = StaffMember("市场监督管理局", "赵六", "受理", "13600003333")
    first = await directory.put_many([li, zhao], 1.0)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    moved = StaffMember("市场监督管理局", "李四", "副局长", "13900001111",
                        (ContactPoint("voice", "+8613700001234"),))
    again = await directory.put_many([moved, zhao], 2.0)
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1)
    assert directory.members("市场监督管理局", "副局长") == [moved]
    assert directory.members(role="科长") == []
    assert directory.find(ContactPoint("sms", "13900001111")) == [moved]
    assert directory.find(ContactPoint("telegram", "777")) == []  # replaced by the update
    assert directory.find(ContactPoint("voice", "+8613700001234")) == [moved]


def _civicline(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own CLI with fixed arguments
        [sys.executable, "-m", "civicline.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "CIVICLINE_LOGGING_FORMAT": "console"})


def test_staff_import_checks_with_dry_run_stores_good_rows_and_lists_them_masked(
        tmp_path: Path) -> None:
    path = _csv(tmp_path / "staff.csv", [LI, ["市场监督管理局", "", "科长", "", ""]])
    data = tmp_path / "data"
    dry = _civicline("staff", "import", str(path), "--dry-run", data_dir=data)
    assert dry.returncode == 1 and "row 3, column 姓名 (name)" in dry.stderr
    assert not (data / "civicline.sqlite3").exists()
    real = _civicline("staff", "import", str(path), data_dir=data)
    assert real.returncode == 1 and "1 added" in real.stderr, real.stderr
    listed = _civicline("staff", "list", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    assert "李四\t科长\t139****1111" in listed.stdout
    assert "13900001111" not in listed.stdout and "sms:139****1111" in listed.stdout
