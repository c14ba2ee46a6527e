"""Writing cases and guides in the standard import formats, so that re-importing reproduces them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from civicline.core.events import CaseEvent
from civicline.core.models import Case, Guide, guide_to_dict
from civicline.core.stages import ApplicantKind
from civicline.ingest.columns import CASE_COLUMNS, GUIDE_COLUMNS, Column
from civicline.ingest.docx_guides import write_docx_guide

_KIND_LABELS = {ApplicantKind.PERSON: "个人", ApplicantKind.ORGANISATION: "单位"}


class ExportError(ValueError):
    """An export target the formats cannot express (unknown extension)."""


def case_events(case: Case) -> list[CaseEvent]:
    """The events that re-fold into `case`, one per timeline entry, in timeline order."""
    # The case's own fields ride on the first event and its result on the last, so folding
    # these again (arrival order = timeline order) gives the same case.
    events: list[CaseEvent] = []
    last = len(case.timeline) - 1
    for i, entry in enumerate(case.timeline):
        identity: dict[str, Any] = {}
        if i == 0:
            identity = {
                "department": case.department or None,
                "item_name": case.item_name or None,
                "applicant": case.applicant if case.applicant.name else None,
                "query_code": case.query_code or None,
                "promised_days": case.promised_days,
                "confidential": case.confidential,
                "window": case.window or None,
                "office_phone": case.office_phone or None,
                "fee": case.fee or None,
                "pickup": case.pickup or None,
                "guide_id": case.guide_id or None,
            }
        events.append(CaseEvent(
            event_id=entry.event_id,
            case_no=case.case_no,
            stage=entry.stage,
            occurred_at=entry.occurred_at,
            handler=entry.handler,
            note=entry.note or None,
            missing_materials=entry.missing_materials or None,
            result=case.result if i == last else None,
            **identity,
        ))
    return events


def event_row(event: CaseEvent) -> dict[str, Any]:
    """One event as a flat row keyed by case column key, in the labels departments read."""
    wire = event.to_wire()
    row: dict[str, Any] = {k: v for k, v in wire.items() if k not in ("applicant", "handler")}
    row["stage"] = event.stage.label
    if event.result is not None:
        row["result"] = event.result.label
    if event.confidential is not None:
        row["confidential"] = "是" if event.confidential else "否"
    if event.missing_materials is not None:
        row["missing_materials"] = "\n".join(event.missing_materials)
    if event.applicant is not None:
        row |= {"applicant_name": event.applicant.name,
                "applicant_kind": _KIND_LABELS[event.applicant.kind],
                "applicant_phone": event.applicant.phone,
                "applicant_id_number": event.applicant.id_number}
    if event.handler is not None:
        row |= {"handler_name": event.handler.name, "handler_phone": event.handler.phone,
                "handler_role": event.handler.role}
    return row


def _guide_row(guide: Guide) -> dict[str, Any]:
    row = {k: v for k, v in guide_to_dict(guide).items() if isinstance(v, str | int)}
    for key in ("conditions", "procedure"):
        row[key] = "\n".join(getattr(guide, key))
    for key in ("life_events", "aliases", "keywords"):
        row[key] = "；".join(getattr(guide, key))
    row["materials"] = "\n".join(
        f"{m.name}|{m.form}|{m.count}|{m.notes}" for m in guide.materials)
    row["faqs"] = "\n".join(f"{f.question}|{f.answer}" for f in guide.faqs)
    row["updated_at"] = guide.updated_at.isoformat() if guide.updated_at else ""
    return row


def _text_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        # Text stays text: openpyxl would otherwise store "=…" as a formula Excel then runs,
        # and Excel would drop a query code's leading zeros.
        cell.data_type = "s"
        cell.number_format = "@"
    return cell


def _write_rows(path: Path, columns: Sequence[Column], rows: Iterable[dict[str, Any]],
                sheet_title: str) -> None:
    suffix = path.suffix.lower()
    headers = [c.header for c in columns]
    if suffix == ".csv":
        # BOM: Excel opens BOM-less UTF-8 CSV as the ANSI code page and garbles Chinese.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(["" if row.get(c.key) is None else row[c.key] for c in columns])
        return
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(sheet, h) for h in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, row.get(c.key)) for c in columns])
    book.save(path)


def _check_suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ExportError(f"不支持导出为 {suffix or '无扩展名的文件'}（支持 {'、'.join(allowed)}）")
    return suffix


def export_cases(cases: Iterable[Case], path: Path) -> int:
    """Write cases one row per timeline entry as .xlsx, .csv, .json or .ndjson; returns rows."""
    suffix = _check_suffix(path, (".xlsx", ".csv", ".json", ".ndjson"))
    count = 0

    def events() -> Iterator[CaseEvent]:
        nonlocal count
        for case in cases:
            for event in case_events(case):
                count += 1
                yield event

    if suffix == ".json":
        path.write_bytes(orjson.dumps([e.to_wire() for e in events()], option=orjson.OPT_INDENT_2))
    elif suffix == ".ndjson":
        with path.open("wb") as handle:
            for event in events():
                handle.write(orjson.dumps(event.to_wire()) + b"\n")
    else:
        _write_rows(path, CASE_COLUMNS, (event_row(e) for e in events()), "办件")
    return count


def _is_directory_target(path: Path | str) -> bool:
    return str(path).endswith(("/", "\\")) or Path(path).is_dir() or not Path(path).suffix


def export_guides(guides: Iterable[Guide], path: Path | str) -> int:
    """Write guides as .json, .csv or .xlsx, or one `<id>.docx` each into a directory."""
    # A directory target: an existing directory, a path ending in "/", or no extension at all
    # (Path("out/") drops the slash, hence `Path | str`).
    count = 0
    if _is_directory_target(path):
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        for guide in guides:
            write_docx_guide(guide, directory / f"{guide.id}.docx")
            count += 1
        return count
    target = Path(path)
    suffix = _check_suffix(target, (".json", ".csv", ".xlsx"))
    listed = list(guides) if suffix == ".json" else guides
    if suffix == ".json":
        data = [guide_to_dict(g) for g in listed]
        target.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        return len(data)

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for guide in listed:
            count += 1
            yield _guide_row(guide)

    _write_rows(target, GUIDE_COLUMNS, rows(), "办事指南")
    return count
