"""Loading the demo data set into a store, once and idempotently."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from civicline.core.ingest import apply_batch_sync
from civicline.core.models import Guide
from civicline.progress import Progress
from civicline.services import Services

log = logging.getLogger("civicline.demo")
DEMO_META_KEY = "demo_loaded"
BATCH_EVENTS = 2000


def _batched(cases: Iterable[list[dict[str, Any]]], size: int) -> Iterator[tuple[int, list[Any]]]:
    """Group whole cases into batches of about `size` events: (number of cases, events)."""
    batch: list[Any] = []
    count = 0
    for events in cases:
        batch.extend(events)
        count += 1
        if len(batch) >= size:
            yield count, batch
            batch, count = [], 0
    if batch:
        yield count, batch


def load_guides(services: Services, guides: Iterable[Guide], total: int | None = None,
                label: str = "guides") -> int:
    """Store guides (a new version only where content changed) and rebuild the search index."""
    progress = Progress(label, total)
    stored = 0
    at = services.clock()
    for guide in guides:
        current = services.guides.get_sync(guide.id)
        if current is None or not same_content(current, guide):
            services.guides.put_sync(guide, at)
            stored += 1
        progress.advance()
    progress.close()
    if services.search is not None:
        rebuild_index(services)
    return stored


def same_content(a: Guide, b: Guide) -> bool:
    """Equal but for the version stamp, so reloading unchanged guides adds no history."""
    return replace(a, version=0, updated_at=None) == replace(b, version=0, updated_at=None)


def rebuild_index(services: Services, progress_label: str = "search index") -> None:
    if services.search is None:
        return
    total = len(services.guides.ids_sync())
    progress = Progress(progress_label, total)
    services.search.rebuild(services.guides.iter_all(), progress=progress.advance)
    progress.close()


def load_cases(services: Services, count: int, guides: list[Guide], now: datetime,
               seed: int) -> int:
    """Generate `count` cases and apply their events through the ingest fold."""
    from civicline.demo.cases import generate_case_events

    progress = Progress("cases", count)
    accepted = 0
    for n_cases, events in _batched(generate_case_events(count, guides, now, seed), BATCH_EVENTS):
        outcomes = apply_batch_sync(services.cases, events)
        accepted += sum(1 for o in outcomes if o.status == "accepted")
        progress.advance(n_cases)
    progress.close()
    return accepted


def load_demo(services: Services) -> bool:
    """Load the demo guides and cases unless this data directory already has them."""
    if services.db.get_meta(DEMO_META_KEY):
        return False
    from civicline.demo.guides import demo_guides

    guides = demo_guides()
    load_guides(services, guides, total=len(guides))
    settings = services.settings.demo
    load_cases(services, settings.cases, guides, services.clock(), settings.seed)
    services.db.set_meta_sync(DEMO_META_KEY, services.clock().isoformat())
    log.info("demo_loaded", extra={"guides": len(guides), "cases": settings.cases})
    return True
