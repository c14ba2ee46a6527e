"""Reading the staff directory from .csv, .xlsx and .json files.

One person a row: department, name, role, phone, and other contact points written
`channel:address` (several separated by ；, ; or a line break). Every problem names the
file, sheet, row and column, and never echoes a phone number or an address.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import orjson

from civicline.ingest import cells
from civicline.ingest.columns import Column
from civicline.ingest.report import ImportProblem, Location
from civicline.ingest.tables import merged_rows_skipped, open_table
from civicline.notify.model import ContactPoint
from civicline.notify.recipients import StaffMember

STAFF_SUFFIXES = (".csv", ".xlsx", ".json")
STAFF_COLUMNS: tuple[Column, ...] = (
    Column("department", "部门", required=True, aliases=("所属部门", "单位")),
    Column("name", "姓名", required=True),
    Column("role", "角色", required=True, aliases=("岗位", "职务")),
    Column("phone", "手机", aliases=("手机号", "电话", "联系电话")),
    Column("contacts", "其他联系方式", aliases=("联系方式",)),
)
Item = tuple[Location, StaffMember | ImportProblem]
Locate = Callable[[str | None], Location]
_PHONE_RE = re.compile(r"^\+?\d{5,15}$")
_PHONE_PUNCTUATION_RE = re.compile(r"[\s\-()（）]")
_CONTACTS_SPLIT_RE = re.compile(r"[；;，,\n]+")


def _text(data: dict[str, object], key: str) -> str:
    return cells.one_line(data.get(key)) or ""


def _contacts(value: object) -> list[str] | str:
    """The listed contact points as text, or a problem message."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return "应为文本列表（渠道:地址）"
        return [v.strip() for v in value if v.strip()]
    if not isinstance(value, str | int | float):
        return "应为文本（渠道:地址）"
    return [p.strip() for p in _CONTACTS_SPLIT_RE.split(cells.text(value) or "") if p.strip()]


def check_staff(data: dict[str, object], locate: Locate) -> StaffMember | list[ImportProblem]:
    """A staff member from one record, or every problem with it (located by column)."""
    problems: list[ImportProblem] = []
    for key, label in (("department", "部门"), ("name", "姓名"), ("role", "角色")):
        if not _text(data, key):
            problems.append(ImportProblem(locate(key), f"{label}不能为空"))
    phone = _PHONE_PUNCTUATION_RE.sub("", cells.text(data.get("phone")) or "")
    if phone and not _PHONE_RE.match(phone):
        problems.append(ImportProblem(locate("phone"), "手机号格式不正确（应为 5–15 位数字，"
                                                       "可带 + 和国家代码）"))
    listed = _contacts(data.get("contacts"))
    points: list[ContactPoint] = []
    if isinstance(listed, str):
        problems.append(ImportProblem(locate("contacts"), listed))
    else:
        for number, text in enumerate(listed, start=1):
            try:
                points.append(ContactPoint.parse(text))
            except ValueError:
                problems.append(ImportProblem(locate("contacts"), (
                    f"第 {number} 项联系方式应写作“渠道:地址”，如 sms:+8613800000000、"
                    "telegram:123456")))
    if not phone and not listed:
        problems.append(ImportProblem(locate("phone"), "至少需要手机号或一种其他联系方式"))
    if problems:
        return problems
    return StaffMember(_text(data, "department"), _text(data, "name"), _text(data, "role"),
                       phone, tuple(dict.fromkeys(points)))


def _outcome(where: Location, result: StaffMember | list[ImportProblem]) -> Iterator[Item]:
    if isinstance(result, StaffMember):
        yield where, result
    else:
        yield from ((p.location, p) for p in result)


def _read_table(path: Path) -> Iterator[Item]:
    opened = open_table(path, STAFF_COLUMNS)
    if isinstance(opened, ImportProblem):
        yield opened.location, opened
        return
    try:
        for note in opened.notes:
            yield note.location, note
        for item in opened.data_rows(merged_rows_skipped):
            if isinstance(item, ImportProblem):
                yield item.location, item
                continue
            number, row = item
            data = {key: row[i] if i < len(row) else None
                    for key, i in opened.header.index.items()}
            yield from _outcome(opened.location(number), check_staff(
                data, partial(opened.location, number)))
    finally:
        opened.close()


def _json_location(file: str, row: int, key: str | None) -> Location:
    return Location(file, row=row, column=key)


def _read_json(path: Path) -> Iterator[Item]:
    file = str(path)
    where = Location(file)
    try:
        data = orjson.loads(path.read_bytes().removeprefix(codecs.BOM_UTF8))
    except OSError as exc:
        yield where, ImportProblem(where, f"无法读取文件：{exc.strerror or exc}")
        return
    except orjson.JSONDecodeError:
        yield where, ImportProblem(where, "不是有效的 JSON（应为 UTF-8 编码）")
        return
    if isinstance(data, dict) and isinstance(data.get("staff"), list):
        data = data["staff"]
    if not isinstance(data, list):
        yield where, ImportProblem(where, "应为人员对象的列表（或 {\"staff\": [...]}）")
        return
    for number, record in enumerate(data, start=1):
        at = Location(file, row=number)
        if not isinstance(record, dict):
            yield at, ImportProblem(at, "每位人员应为 JSON 对象")
            continue
        yield from _outcome(at, check_staff(record, partial(_json_location, file, number)))


def read_staff(path: Path) -> Iterator[Item]:
    """Every staff member in a file as (Location, StaffMember | ImportProblem); never raises.

    A person listed twice in one department is refused the second time.
    """
    suffix = path.suffix.lower()
    if suffix not in STAFF_SUFFIXES:
        where = Location(str(path))
        yield where, ImportProblem(where, f"不支持的文件类型（支持 {'、'.join(STAFF_SUFFIXES)}）")
        return
    reader = _read_json if suffix == ".json" else _read_table
    seen: dict[tuple[str, str], Location] = {}
    for where, item in reader(path):
        if isinstance(item, StaffMember):
            first = seen.setdefault((item.department, item.name), where)
            if first is not where:
                item = ImportProblem(where, f"同一部门的人员重复，首次出现于 {first}")
        yield where, item
