"""The import/export commands: files in the standard formats, through the ingest fold."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TypeVar

from civicline.core.events import CaseEvent
from civicline.core.ingest import OutcomeStatus, apply_batch_sync
from civicline.core.models import Guide
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

CASE_BATCH = 500  # events per store transaction
T = TypeVar("T")


def _report(location: Location, message: str, *, warning: bool = False) -> None:
    print(f"{'警告' if warning else '错误'}: {location}: {message}", file=sys.stderr)


async def _import_items(progress: Progress, items: Iterable[tuple[Location, T | ImportProblem]],
                        write: Callable[[list[tuple[Location, T]]], Awaitable[int]] | None,
                        batch_size: int) -> tuple[int, int]:
    """Report every problem and write the good items in batches: (items read, errors).

    `write` stores a batch and returns how many of its items the store refused; without it
    (a dry run) the items are only checked.
    """
    read = errors = 0
    batch: list[tuple[Location, T]] = []
    for location, item in items:
        progress.advance()
        if isinstance(item, ImportProblem):
            _report(item.location, item.message, warning=item.warning)
            errors += 0 if item.warning else 1
            continue
        read += 1
        if write is not None:
            batch.append((location, item))
            if len(batch) >= batch_size:
                errors += await write(batch)
                batch = []
    if batch and write is not None:
        errors += await write(batch)
    progress.close()
    return read, errors


async def _write_cases(services: Services, batch: list[tuple[Location, CaseEvent]]) -> int:
    """Apply a batch; report events the fold refused at their file location. Returns errors."""
    outcomes = apply_batch_sync(services.cases, [event for _, event in batch])
    errors = 0
    for outcome in outcomes:
        if outcome.status in (OutcomeStatus.REJECTED, OutcomeStatus.FORBIDDEN):
            errors += 1
            location = batch[outcome.index][0]
            _report(location, f"{outcome.field + ': ' if outcome.field else ''}{outcome.reason}")
    return errors


async def _write_guides(services: Services, batch: list[tuple[Location, Guide]]) -> int:
    """Store each guide as a new version; a guide that was read is never refused."""
    for _, guide in batch:
        await services.guide_service.put(guide)
    return 0


async def _import_file(services: Services | None, kind: str, path: Path) -> tuple[int, int]:
    """(items read, errors) of one file or directory; services None means a dry run."""
    if kind == "cases":
        with CaseFileReader(path) as reader:
            return await _import_items(
                Progress(f"import {path.name}", reader.total), reader,
                None if services is None else partial(_write_cases, services), CASE_BATCH)
    # Guides are written one by one as they are read: each is its own version.
    return await _import_items(
        Progress(f"import {path.name}"), read_guides(path),
        None if services is None else partial(_write_guides, services), 1)


def run_import(settings: Settings, kind: str, path: Path, *, dry_run: bool) -> int:
    if not path.exists():
        print(f"错误: 找不到文件 {path}", file=sys.stderr)
        return 2
    services = None if dry_run else open_services(settings, with_search=kind == "guides")
    try:
        read, errors = asyncio.run(_import_file(services, kind, path))
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
