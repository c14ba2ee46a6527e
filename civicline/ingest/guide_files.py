"""Reading service guides from .json, .csv, .xlsx and .docx files, or a directory of them."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from civicline.core.models import Guide, guide_from_dict
from civicline.ingest import cells
from civicline.ingest.columns import GUIDE_COLUMNS
from civicline.ingest.docx_guides import read_docx_guide
from civicline.ingest.report import ImportProblem, Location
from civicline.ingest.tables import Cells, Table, merged_rows_skipped, open_table

GUIDE_SUFFIXES = (".json", ".csv", ".xlsx", ".docx")
GUIDE_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
Item = tuple[Location, Guide | ImportProblem]
Locate = Callable[[str | None], Location]

_TEXT_FIELDS = ("id", "title", "department", "item_type", "legal_basis", "fee", "window",
                "location", "office_hours", "phone", "online_url")
_SINGLE_LINE = frozenset(_TEXT_FIELDS) - {"legal_basis"}
_LIST_FIELDS = ("conditions", "procedure", "life_events", "aliases", "keywords")
_DAY_FIELDS = ("legal_days", "promised_days")
_COUNT_RE = re.compile(r"^\s*(\d+)\s*份?\s*$")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _material_problem(material: object) -> str | None:
    if isinstance(material, str):
        return None if material.strip() else "材料名称不能为空"
    if not isinstance(material, dict):
        return "每项材料应为对象或文本"
    if not isinstance(material.get("name"), str) or not material["name"].strip():
        return "材料名称不能为空"
    if not all(isinstance(material.get(k, ""), str) for k in ("form", "notes")):
        return "材料形式和备注应为文本"
    count = material.get("count", 1)
    if not _is_int(count) or count < 1:
        return f"材料“{material['name'][:30]}”的份数应为正整数"
    return None


def _shape_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field, message) for every field of a guide dict that is missing or of the wrong kind."""
    for name in _TEXT_FIELDS:
        if name in data and not isinstance(data[name], str):
            yield name, "应为文本"
    for name in ("id", "title", "department"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            yield name, "不能为空"
    guide_id = data.get("id")
    if isinstance(guide_id, str) and guide_id.strip() and not GUIDE_ID_RE.match(guide_id):
        yield "id", "指南编号只能由 1–40 个字母、数字或 - 组成"
    for name in _DAY_FIELDS:
        if name in data and (not _is_int(data[name]) or data[name] < 0):
            yield name, "应为非负整数（天数）"
    if "version" in data and (not _is_int(data["version"]) or data["version"] < 1):
        yield "version", "应为正整数"
    for name in _LIST_FIELDS:
        value = data.get(name)
        if value is not None and (not isinstance(value, list | tuple)
                                  or not all(isinstance(v, str) for v in value)):
            yield name, "应为文本列表"
    materials = data.get("materials")
    if materials is not None:
        if not isinstance(materials, list | tuple):
            yield "materials", "应为列表"
        else:
            yield from (("materials", m) for m in map(_material_problem, materials) if m)
    faqs = data.get("faqs")
    if faqs is not None and (not isinstance(faqs, list | tuple) or not all(
        isinstance(f, dict) and isinstance(f.get("question"), str) and f["question"].strip()
        and isinstance(f.get("answer"), str) and f["answer"].strip() for f in faqs
    )):
        yield "faqs", "每个常见问题都应有问题和答案"
    updated = data.get("updated_at")
    if updated is not None and not isinstance(updated, datetime):
        try:
            datetime.fromisoformat(str(updated))
        except ValueError:
            yield "updated_at", "应为 ISO 8601 时间"


def check_guide(data: dict[str, Any], locate: Locate) -> Guide | list[ImportProblem]:
    """Validate a guide dict (shape of `guide_to_dict`) into a Guide, or every problem found."""
    problems = [ImportProblem(locate(f), m) for f, m in _shape_problems(data)]
    if problems:
        return problems
    # A guide that does not state its fee must not be published as 不收费 (the model default).
    values = {"fee": "", **data}
    for name in _TEXT_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    try:
        return guide_from_dict(values)
    except (TypeError, ValueError) as exc:
        return [ImportProblem(locate(None), f"指南格式不正确：{type(exc).__name__}")]


# --- tables -------------------------------------------------------------------------------

def _materials_cell(value: object) -> object:
    """`名称|原件|1|备注` items; a bad count is kept as text for the validator to name."""
    items = cells.split_list(value, cells.SEMICOLON_RE)
    if items is None:
        return []
    out: list[dict[str, Any]] = []
    for item in items:
        name, form, count, notes = ([p.strip() for p in item.split("|", 3)] + ["", "", ""])[:4]
        match = _COUNT_RE.match(count or "1")
        out.append({"name": name, "form": form or "原件",
                    "count": int(match.group(1)) if match else count, "notes": notes})
    return out


def _faqs_cell(value: object) -> object:
    """`问题|答案` items; a piece without `|` continues the previous answer (answers have ；)."""
    raw = cells.text(value)
    if raw is None:
        return []
    pieces = re.split(r"(\r?\n)" if "\n" in raw else r"([；;])", raw)
    faqs: list[dict[str, str]] = []
    # pieces alternate text, separator, text…; the separator before a continuation is kept
    for i in range(0, len(pieces), 2):
        piece = pieces[i].strip()
        if "|" in piece:
            question, answer = piece.split("|", 1)
            faqs.append({"question": question.strip(), "answer": answer.strip()})
        elif piece and faqs:
            faqs[-1]["answer"] += pieces[i - 1].replace("\r", "") + piece
        elif piece:
            faqs.append({"question": piece, "answer": ""})
    return faqs


def _cell_value(key: str, value: object) -> object:
    """A guide cell as its guide-dict value; an empty cell reads as empty, not as a default."""
    if key in _LIST_FIELDS:
        return cells.split_list(value, cells.SEMICOLON_RE) or []
    if key == "materials":
        return _materials_cell(value)
    if key == "faqs":
        return _faqs_cell(value)
    if key in _DAY_FIELDS:
        days = cells.day_count(value)
        return 0 if days is None else days
    if key == "version":
        return cells.day_count(value)
    if key == "updated_at":
        return cells.timestamp(value)
    if key in _SINGLE_LINE:
        return cells.one_line(value) or ""
    return cells.text(value) or ""


def _row_guide(table: Table, number: int, row: Cells) -> Guide | list[ImportProblem]:
    data: dict[str, Any] = {}
    for key, i in table.header.index.items():
        value = _cell_value(key, row[i] if i < len(row) else None)
        if value is not None:
            data[key] = value
    return check_guide(data, lambda key: table.location(number, key))


def _read_table(path: Path) -> Iterator[Item]:
    opened = open_table(path, GUIDE_COLUMNS)
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
            yield from _outcome(opened.location(number), _row_guide(opened, number, row))
    finally:
        opened.close()


def _outcome(where: Location, result: Guide | list[ImportProblem]) -> Iterator[Item]:
    if isinstance(result, Guide):
        yield where, result
    else:
        yield from ((p.location, p) for p in result)


# --- json and docx ------------------------------------------------------------------------

def _json_location(file: str, row: int | None, key: str | None) -> Location:
    return Location(file, row=row, column=key)


def _read_json(path: Path) -> Iterator[Item]:
    file = str(path)
    try:
        raw = path.read_bytes()
        data = orjson.loads(raw.removeprefix(codecs.BOM_UTF8))
    except OSError as exc:
        yield Location(file), ImportProblem(Location(file), f"无法读取文件：{exc.strerror or exc}")
        return
    except orjson.JSONDecodeError:
        yield Location(file), ImportProblem(Location(file), "不是有效的 JSON（应为 UTF-8 编码）")
        return
    records = list(enumerate(data, start=1)) if isinstance(data, list) else [(None, data)]
    for number, record in records:
        where = Location(file, row=number)
        if not isinstance(record, dict):
            yield where, ImportProblem(where, "指南应为 JSON 对象")
            continue
        yield from _outcome(where, check_guide(record, partial(_json_location, file, number)))


def _read_docx(path: Path) -> Iterator[Item]:
    parsed = read_docx_guide(path)
    yield from ((p.location, p) for p in parsed.problems)
    if any(not p.warning for p in parsed.problems):
        return
    where = Location(str(path))
    yield from _outcome(where, check_guide(
        parsed.data, lambda key: parsed.where.get(key or "", where)))


# --- dispatch -----------------------------------------------------------------------------

_READERS: dict[str, Callable[[Path], Iterator[Item]]] = {
    ".json": _read_json, ".csv": _read_table, ".xlsx": _read_table, ".docx": _read_docx,
}


def _files(directory: Path) -> Iterator[Path]:
    """Files under `directory`, sorted, without hidden files and Word's `~$` lock files."""
    for path in sorted(directory.rglob("*"), key=lambda p: p.relative_to(directory).parts):
        relative = path.relative_to(directory).parts
        if path.is_file() and not any(p.startswith((".", "~$")) for p in relative):
            yield path


def _read_any(path: Path) -> Iterator[Item]:
    if path.is_dir():
        for file in _files(path):
            reader = _READERS.get(file.suffix.lower())
            if reader is None:
                where = Location(str(file))
                yield where, ImportProblem(where, "不支持的文件类型，已跳过", warning=True)
            else:
                yield from reader(file)
        return
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        where = Location(str(path))
        yield where, ImportProblem(where, f"不支持的文件类型（支持 {'、'.join(GUIDE_SUFFIXES)}）")
        return
    yield from reader(path)


def read_guides(path: Path) -> Iterator[Item]:
    """Every guide in a file or directory as (Location, Guide | ImportProblem); never raises."""
    seen: dict[str, Location] = {}
    for where, item in _read_any(path):
        if isinstance(item, Guide):
            first = seen.setdefault(item.id, where)
            if first is not where:
                item = ImportProblem(where, f"指南编号 {item.id} 重复，首次出现于 {first}")
        yield where, item
