"""Reading case event files (.xlsx, .csv, .json/.ndjson): one row per event, validated per row."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from civicline.core.errors import InvalidInput
from civicline.core.events import CaseEvent, parse_event
from civicline.ingest import cells
from civicline.ingest.columns import (
    BOOL_VALUES,
    CASE_COLUMNS,
    CASE_FIELD_COLUMN,
    KIND_VALUES,
    RESULT_VALUES,
    STAGE_VALUES,
    HeaderMatch,
)
from civicline.ingest.report import ImportProblem, Location
from civicline.ingest.tables import Cells, Merge, Table, open_table

CASE_SUFFIXES = (".xlsx", ".csv", ".json", ".ndjson", ".jsonl")
_JSON_SUFFIXES = (".json", ".ndjson", ".jsonl")
Item = tuple[Location, CaseEvent | ImportProblem]
_BAD_LINE = object()  # marks an NDJSON line that is not JSON

_CONVERTERS: dict[str, Callable[[object], object]] = {
    "event_id": cells.text,
    "case_no": cells.text,
    "stage": lambda v: cells.label(v, STAGE_VALUES),
    "occurred_at": cells.timestamp,
    "applicant_kind": lambda v: cells.label(v, KIND_VALUES),
    "query_code": cells.query_code,
    "promised_days": cells.day_count,
    "confidential": lambda v: cells.flag(v, BOOL_VALUES),
    "result": lambda v: cells.label(v, RESULT_VALUES),
    "missing_materials": cells.split_list,
}
_NESTED = (("applicant", "申请人"), ("handler", "经办人"))


def wire_from_row(row: Cells, header: HeaderMatch) -> dict[str, Any] | tuple[str, str]:
    """The wire dict of one spreadsheet row, or (column key, message) when it cannot be built."""
    wire: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {"applicant": {}, "handler": {}}
    for key, i in header.index.items():
        value = _CONVERTERS.get(key, cells.one_line)(row[i] if i < len(row) else None)
        if value is None:
            continue  # an empty cell: "not carried by this event"
        owner, _, sub = key.partition("_")
        if owner in nested and sub:
            nested[owner][sub] = value
        else:
            wire[key] = value
    for owner, who in _NESTED:
        if nested[owner]:
            if "name" not in nested[owner]:
                return f"{owner}_name", f"填写了{who}的其他信息时，{who}不能为空"
            wire[owner] = nested[owner]
    return wire


def failing_column(exc: InvalidInput, wire: dict[str, Any]) -> str | None:
    """The case column key behind an InvalidInput raised for `wire`."""
    if exc.field in CASE_FIELD_COLUMN:
        return CASE_FIELD_COLUMN[exc.field]
    owner, dot, sub = exc.field.partition(".")
    if dot:  # parse_event names nested fields as applicant.phone / handler.name
        return f"{owner}_{sub}"
    return exc.field or None


def _merge_problem(table: Table, merge: Merge) -> ImportProblem:
    key = next((k for k, i in table.header.index.items() if i == merge.min_col - 1), None)
    first = max(merge.min_row, table.header_row + 1)
    skipped = "" if merge.max_row <= table.header_row else (
        f"，第 {first} 行未导入" if first == merge.max_row
        else f"，第 {first}–{merge.max_row} 行未导入"
    )
    return ImportProblem(
        table.location(merge.min_row, key),
        f"合并单元格 {merge.ref}：只有左上角单元格有值，无法确定其余单元格的值{skipped}；"
        "请取消合并并逐行填写",
    )


class CaseFileReader:
    """One case file; iterate for (Location, CaseEvent | ImportProblem), one per data row."""

    # `total` counts data rows when known (progress bars), `position` those consumed so far.
    # Only the first worksheet of an .xlsx is read (others are often instructions) and the
    # rest are named in a warning. An unreadable file yields one problem; nothing raises.

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.total: int | None = None
        self._records_read = 0
        self._table: Table | None = None
        self._records: list[tuple[int, Any]] = []
        self._notes: list[ImportProblem] = []
        self._seen: dict[str, int] = {}
        if path.suffix.lower() in _JSON_SUFFIXES:
            self._open_json()
        else:
            opened = open_table(path, CASE_COLUMNS)
            if isinstance(opened, ImportProblem):
                self._notes.append(opened)
                self.total = 0
            else:
                self._table = opened
                self.total = opened.total
                self._notes.extend(opened.notes)

    @property
    def position(self) -> int:
        """Data rows consumed so far, blank ones included: progress against `total`."""
        return self._table.consumed if self._table is not None else self._records_read

    def __enter__(self) -> CaseFileReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._table is not None:
            self._table.close()

    def __iter__(self) -> Iterator[Item]:
        for note in self._notes:
            yield note.location, note
        if self._table is not None:
            yield from self._table_items(self._table)
        else:
            yield from self._json_items()

    def _open_json(self) -> None:
        where = Location(self.file)
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self._notes.append(ImportProblem(where, f"无法读取文件：{exc.strerror or exc}"))
            return
        data = data.removeprefix(codecs.BOM_UTF8)
        if not data.strip():
            self._notes.append(ImportProblem(where, "文件中没有数据"))
            return
        try:
            whole = orjson.loads(data)
        except orjson.JSONDecodeError:
            whole = None
            if data.lstrip()[:1] == b"[":
                self._notes.append(ImportProblem(where, "不是有效的 JSON 数组（应为 UTF-8 编码）"))
                return
            self._records = list(self._ndjson_lines(data))
        if isinstance(whole, list):
            self._records = list(enumerate(whole, start=1))
        elif whole is not None:
            self._records = [(1, whole)]
        self.total = len(self._records)

    @staticmethod
    def _ndjson_lines(data: bytes) -> Iterator[tuple[int, Any]]:
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                try:
                    yield number, orjson.loads(line)
                except orjson.JSONDecodeError:
                    yield number, _BAD_LINE

    def _json_items(self) -> Iterator[Item]:
        for number, record in self._records:
            self._records_read += 1
            where = Location(self.file, row=number)
            if record is _BAD_LINE:
                problem = ImportProblem(where, "不是有效的 JSON（应为 UTF-8 编码，每行一个对象）")
                yield where, problem
                continue

            def locate(key: str | None, row: int = number) -> Location:
                owner, _, sub = (key or "").partition("_")
                dotted = f"{owner}.{sub}" if owner in ("applicant", "handler") and sub else key
                return Location(self.file, row=row, column=dotted)

            yield self._parse(record, locate)

    def _table_items(self, table: Table) -> Iterator[Item]:
        for item in table.data_rows(_merge_problem):
            if isinstance(item, ImportProblem):
                yield item.location, item
                continue
            number, row = item
            wire = wire_from_row(row, table.header)
            if isinstance(wire, tuple):
                at = table.location(number, wire[0])
                yield at, ImportProblem(at, wire[1])
                continue
            yield self._parse(wire, partial(table.location, number))

    def _parse(self, wire: Any, locate: Callable[[str | None], Location]) -> Item:
        try:
            event = parse_event(wire)
        except InvalidInput as exc:
            where = locate(failing_column(exc, wire) if isinstance(wire, dict) else None)
            return where, ImportProblem(where, exc.reason)
        where = locate(None)
        first = self._seen.setdefault(event.event_id, where.row or 0)
        if first != (where.row or 0):
            at = locate("event_id")
            return at, ImportProblem(at, f"事件编号与第 {first} 行重复")
        return where, event


def read_case_events(path: Path) -> Iterator[Item]:
    """Every row of a case file as (Location, CaseEvent | ImportProblem); see CaseFileReader."""
    with CaseFileReader(path) as reader:
        yield from reader
