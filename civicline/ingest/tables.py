"""Spreadsheet access shared by case and guide imports: .xlsx and .csv as header + numbered rows."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import openpyxl

from civicline.ingest.columns import Column, HeaderMatch, match_header
from civicline.ingest.report import ImportProblem, Location

Cells = tuple[object, ...]
RowItem = tuple[int, Cells] | ImportProblem
TABLE_SUFFIXES = (".xlsx", ".csv")
_HEADER_SCAN_ROWS = 10  # exports often put a title line or two above the header
_MERGE_MARK = b"mergeCell"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged cell range, e.g. `B3:B5`."""

    ref: str
    min_row: int
    max_row: int
    min_col: int


@dataclass
class Table:
    """An opened spreadsheet: its header and an iterator over the data rows after it."""

    file: str
    sheet: str | None
    header_row: int
    header: HeaderMatch
    total: int | None  # data rows below the header, counting blank ones; None if unknown
    rows: Iterator[RowItem]
    merges: list[Merge] = field(default_factory=list)
    notes: list[ImportProblem] = field(default_factory=list)
    close: Callable[[], None] = lambda: None
    headers: dict[str, str] = field(default_factory=dict)  # key -> spec header, for absent ones
    consumed: int = 0  # data rows read so far by `data_rows`, blank and merged ones included

    def data_rows(self, merge_problem: Callable[[Table, Merge], ImportProblem]
                  ) -> Iterator[RowItem]:
        """A problem per merged range (worded by `merge_problem`), then the rows to import.

        Read failures pass through as problems. Blank rows are skipped, and so are the rows a
        merged range covers: only its top-left cell holds a value, the others cannot be known.
        """
        for merge in self.merges:
            yield merge_problem(self, merge)
        merged_rows = [(m.min_row, m.max_row) for m in self.merges]
        for item in self.rows:
            if isinstance(item, ImportProblem):
                yield item
                continue
            number, cells = item
            self.consumed = number - self.header_row
            if is_blank(cells) or any(lo <= number <= hi for lo, hi in merged_rows):
                continue
            yield item

    def location(self, row: int | None = None, key: str | None = None) -> Location:
        """Location of a row, and of a column by its key, named as the file names it."""
        if key is None:
            return Location(self.file, self.sheet, row)
        column = self.header.names.get(key) or self.headers.get(key) or key
        return Location(self.file, self.sheet, row, column, key)


def is_blank(cells: Cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def open_table(path: Path, columns: Sequence[Column]) -> Table | ImportProblem:
    """Open `path` (.xlsx first sheet, or .csv) and find its header row among the first rows."""
    file = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        return ImportProblem(Location(file), "文件不存在")
    if suffix == ".xlsx":
        source = _open_xlsx(path, file)
    elif suffix == ".csv":
        source = _open_csv(path, file)
    elif suffix == ".xls":
        return ImportProblem(Location(file), "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx")
    else:
        return ImportProblem(Location(file), f"不支持的文件类型 {suffix or '（无扩展名）'}")
    if isinstance(source, ImportProblem):
        return source
    table = _with_header(source, columns)
    if isinstance(table, ImportProblem):
        source.close()
    return table


@dataclass
class _Source:
    file: str
    sheet: str | None
    max_row: int | None
    rows: Iterator[RowItem]
    merges: list[Merge]
    notes: list[ImportProblem]
    close: Callable[[], None]


def _with_header(source: _Source, columns: Sequence[Column]) -> Table | ImportProblem:
    buffered: list[RowItem] = []
    for item in source.rows:
        buffered.append(item)
        if isinstance(item, ImportProblem) or len(buffered) >= _HEADER_SCAN_ROWS:
            break
    candidates = [(i, item) for i, item in enumerate(buffered)
                  if not isinstance(item, ImportProblem) and not is_blank(item[1])]
    if not candidates:
        failure = next((b for b in buffered if isinstance(b, ImportProblem)), None)
        return failure or ImportProblem(Location(source.file, source.sheet), "文件中没有数据")
    scored = [(i, row, match_header(row[1], columns)) for i, row in candidates]
    complete = [s for s in scored if not s[2].missing(columns)]
    index, (header_row, cells), header = (
        complete[0] if complete else max(scored, key=lambda s: len(s[2].index))
    )
    at = Location(source.file, source.sheet, header_row)
    missing = header.missing(columns)
    if missing:
        needed = f"缺少必需的列：{'、'.join(c.shown for c in missing)}。"
        if not header.index:
            # Probably a data row of a file without a header: do not echo personal data.
            return ImportProblem(
                at, f"{needed}第 {header_row} 行中没有可识别的列名，文件可能缺少表头行")
        written = " | ".join("" if c is None else str(c).strip() for c in cells)
        return ImportProblem(at, f"{needed}第 {header_row} 行的表头为：{written}")
    if header.duplicated:
        return ImportProblem(at, f"列重复：{'、'.join(header.duplicated)}")
    notes = list(source.notes)
    if header.unknown:
        notes.append(ImportProblem(at, f"未识别的列，已忽略：{'、'.join(header.unknown)}",
                                   warning=True))
    return Table(
        file=source.file,
        sheet=source.sheet,
        header_row=header_row,
        header=header,
        total=None if source.max_row is None else max(source.max_row - header_row, 0),
        rows=chain(buffered[index + 1:], source.rows),
        merges=[m for m in source.merges if m.max_row >= header_row],
        notes=notes,
        close=source.close,
        headers={c.key: c.header for c in columns},
    )


def _has_merges(path: Path) -> bool:
    """Cheap scan of the sheet XML: read-only mode cannot see merges, full mode costs memory."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with archive.open(name) as part:
                while chunk := part.read(_CHUNK):
                    if _MERGE_MARK in tail + chunk:
                        return True
                    tail = chunk[-len(_MERGE_MARK):]
    return False


def _open_xlsx(path: Path, file: str) -> _Source | ImportProblem:
    where = Location(file)
    try:
        if not zipfile.is_zipfile(path):
            return ImportProblem(
                where, "不是有效的 .xlsx 文件（可能是改了扩展名的 .xls 或文件已损坏）"
            )
        merged = _has_merges(path)
        book = openpyxl.load_workbook(path, read_only=not merged, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; all mean "cannot read this file"
        return ImportProblem(where, f"无法读取 .xlsx 文件：{type(exc).__name__}")
    if not book.worksheets:
        book.close()
        return ImportProblem(where, "工作簿中没有工作表")
    sheet = book.worksheets[0]
    notes = []
    if len(book.worksheets) > 1:
        others = "、".join(ws.title for ws in book.worksheets[1:])
        notes.append(ImportProblem(Location(file, sheet.title),
                                   f"只导入第一个工作表，已忽略：{others}", warning=True))
    merges = []
    if merged:
        for cell_range in sheet.merged_cells.ranges:
            merges.append(Merge(cell_range.coord, cell_range.min_row, cell_range.max_row,
                                cell_range.min_col))
        merges.sort(key=lambda m: (m.min_row, m.min_col))
    max_row = sheet.max_row if isinstance(sheet.max_row, int) else None

    def rows() -> Iterator[RowItem]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, tuple(values)
        except Exception as exc:  # a corrupt sheet part ends this file, not the whole run
            yield ImportProblem(Location(file, sheet.title),
                                f"工作表内容损坏，无法继续读取：{type(exc).__name__}")

    return _Source(file, sheet.title, max_row, rows(), merges, notes, book.close)


def _decode(data: bytes, where: Location) -> tuple[str, list[ImportProblem]] | ImportProblem:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return ImportProblem(
            where, "无法识别文件编码：既不是 UTF-8 也不是 GB18030，请另存为 UTF-8 的 CSV"
        )
    return text, [ImportProblem(where, "文件不是 UTF-8 编码，已按 GB18030 读取", warning=True)]


def _open_csv(path: Path, file: str) -> _Source | ImportProblem:
    where = Location(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportProblem(where, f"无法读取文件：{exc.strerror or exc}")
    decoded = _decode(data, where)
    if isinstance(decoded, ImportProblem):
        return decoded
    text, notes = decoded
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" and some systems export tab-separated files named .csv
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        total: int | None = sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        total = None

    def rows() -> Iterator[RowItem]:
        number = 0
        try:
            for number, record in enumerate(
                csv.reader(io.StringIO(text), delimiter=delimiter), start=1
            ):
                yield number, tuple(record)
        except csv.Error as exc:
            yield ImportProblem(Location(file, row=number + 1),
                                f"CSV 格式错误，无法继续读取：{exc}")

    return _Source(file, None, total, rows(), [], notes, lambda: None)


def merged_rows_skipped(table: Table, merge: Merge) -> ImportProblem:
    """The problem a merged range raises where each row is one record (guides, staff)."""
    return ImportProblem(table.location(merge.min_row),
                         f"合并单元格 {merge.ref}：无法确定各行的值，所涉行未导入")
