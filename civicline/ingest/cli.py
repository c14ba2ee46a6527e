"""The import/export commands: files in the standard formats, through the ingest fold."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from civicline.core.events import CaseEvent
from civicline.core.ingest import OutcomeStatus, apply_batch_sync
from civicline.ingest import (
    CaseFileReader,
    ExportError,
    ImportProblem,
    Location,
    export_cases,
    export_guides,
    read_guides,
)
from civicline.progress import Progress
from civicline.services import Services, open_services
from civicline.settings import Settings

BATCH = 500


def _report(location: Location, message: str, *, warning: bool = False) -> None:
    print(f"{'警告' if warning else '错误'}: {location}: {message}", file=sys.stderr)


def _flush(services: Services, batch: list[tuple[Location, CaseEvent]]) -> int:
    """Apply a batch; report events the fold refused at their file location. Returns errors."""
    outcomes = apply_batch_sync(services.cases, [event for _, event in batch])
    errors = 0
    for outcome in outcomes:
        if outcome.status in (OutcomeStatus.REJECTED, OutcomeStatus.FORBIDDEN):
            errors += 1
            location = batch[outcome.index][0]
            _report(location, f"{outcome.field + ': ' if outcome.field else ''}{outcome.reason}")
    return errors


def import_cases(services: Services | None, path: Path, *, dry_run: bool) -> tuple[int, int]:
    """(events read, errors); with dry_run nothing is written and services may be None."""
    read = errors = 0
    batch: list[tuple[Location, CaseEvent]] = []
    with CaseFileReader(path) as reader:
        progress = Progress(f"import {path.name}", reader.total)
        for location, item in reader:
            progress.advance()
            if isinstance(item, ImportProblem):
                _report(item.location, item.message, warning=item.warning)
                errors += 0 if item.warning else 1
                continue
            read += 1
            if services is not None and not dry_run:
                batch.append((location, item))
                if len(batch) >= BATCH:
                    errors += _flush(services, batch)
                    batch = []
        if batch and services is not None:
            errors += _flush(services, batch)
        progress.close()
    return read, errors


async def _import_guides(services: Services | None, path: Path, dry_run: bool
                         ) -> tuple[int, int]:
    read = errors = 0
    progress = Progress(f"import {path.name}")
    for _, item in read_guides(path):
        progress.advance()
        if isinstance(item, ImportProblem):
            _report(item.location, item.message, warning=item.warning)
            errors += 0 if item.warning else 1
            continue
        read += 1
        if services is not None and not dry_run:
            await services.guide_service.put(item)
    progress.close()
    return read, errors


def run_import(settings: Settings, kind: str, path: Path, *, dry_run: bool) -> int:
    if not path.exists():
        print(f"错误: 找不到文件 {path}", file=sys.stderr)
        return 2
    services = None if dry_run else open_services(settings, with_search=kind == "guides")
    try:
        if kind == "cases":
            read, errors = import_cases(services, path, dry_run=dry_run)
        else:
            read, errors = asyncio.run(_import_guides(services, path, dry_run))
    finally:
        if services is not None:
            asyncio.run(services.close())
    verb = "checked" if dry_run else "imported"
    print(f"{verb} {read} {'events' if kind == 'cases' else 'guides'} from {path}; "
          f"{errors} error(s)", file=sys.stderr)
    return 1 if errors else 0


def run_export(settings: Settings, kind: str, path: str) -> int:
    services = open_services(settings, with_search=False)
    try:
        if kind == "cases":
            written = export_cases(services.cases.iter_all(), Path(path))
        else:
            written = export_guides(services.guides.iter_all(), path)
    except ExportError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    finally:
        asyncio.run(services.close())
    print(f"exported {written} {'rows' if kind == 'cases' else 'guides'} to {path}",
          file=sys.stderr)
    return 0
