"""Wiring: build every core service from settings, for the web app and the CLI alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicline.core.bus import EventBus, InProcessBus
from civicline.core.clock import now_shanghai
from civicline.core.guides import GuideService
from civicline.core.ingest import IngestService
from civicline.core.ports import Clock, GuideSearch, RateLimiter
from civicline.core.query import QueryService
from civicline.core.queue import QueueCategory, QueueService
from civicline.core.ratelimit import TokenBucketLimiter
from civicline.core.workdays import WorkCalendar
from civicline.settings import Settings
from civicline.storage.queue_sqlite import SqliteQueueStore
from civicline.storage.sqlite import (
    Database,
    SqliteAuditLog,
    SqliteCaseStore,
    SqliteCodeAttempts,
    SqliteGuideStore,
    SqliteTokenStore,
)

log = logging.getLogger("civicline.services")
SEARCH_INDEX_DIR = "search-index"


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    cases: SqliteCaseStore
    guides: SqliteGuideStore
    tokens: SqliteTokenStore
    audit: SqliteAuditLog
    bus: EventBus
    search: GuideSearch | None
    calendar: WorkCalendar
    query: QueryService
    ingest: IngestService
    guide_service: GuideService
    queue: QueueService

    # Scale-out only: the Redis client behind the bus and the limiter (closed after the bus).
    redis: Any = None

    async def close(self) -> None:
        await self.bus.close()
        if self.redis is not None:
            await self.redis.aclose()
        self.db.close()


def build_calendar(settings: Settings) -> WorkCalendar:
    """The working-day calendar, with its current and next year prepared off the hot path."""
    calendar = WorkCalendar.from_config(settings.deadlines.calendar_file)
    calendar.prepare_years()
    return calendar


def queue_categories(settings: Settings) -> list[QueueCategory]:
    return [QueueCategory(*entry.split(":", 1)) for entry in settings.queue.categories]


def open_search(settings: Settings, guides: SqliteGuideStore) -> GuideSearch | None:
    """Open (or rebuild) the guide index under the data directory."""
    from civicline.search import SearchEngine

    extra = settings.search.data_dir
    return SearchEngine.open(settings.data_dir / SEARCH_INDEX_DIR, rebuild_from=guides.iter_all,
                             data_dir=Path(extra) if extra else None)


def open_services(settings: Settings, clock: Clock | None = None, *,
                  bus: EventBus | None = None, limiter: RateLimiter | None = None,
                  with_search: bool = True) -> Services:
    """Every core service. With `[redis] url` set, the bus and the rate limits are shared
    across processes through Redis; otherwise they live in this process."""
    clock = clock or now_shanghai
    db = Database(settings.data_dir)
    cases = SqliteCaseStore(db, cache_size=settings.query.cached_cases)
    guides = SqliteGuideStore(db)
    audit = SqliteAuditLog(db)
    client = None
    if settings.redis.url and (bus is None or limiter is None):
        from civicline.scaleout import RedisBus, RedisRateLimiter, redis_client

        # No I/O here: the client connects on first use, inside the serving event loop.
        client = redis_client(settings.redis)
        bus = bus or RedisBus(client, settings.redis.prefix)
        limiter = limiter or RedisRateLimiter(
            client, settings.query.lookups_per_minute, settings.query.lookup_burst, clock,
            settings.redis.prefix)
    bus = bus or InProcessBus()
    limiter = limiter or TokenBucketLimiter(settings.query.lookups_per_minute,
                                            settings.query.lookup_burst, clock)
    search = open_search(settings, guides) if with_search else None
    calendar = build_calendar(settings)
    query = QueryService(
        cases=cases, guides=guides, search=search, audit=audit, attempts=SqliteCodeAttempts(db),
        limiter=limiter, calendar=calendar, policy=settings.query,
        deadlines=settings.deadlines.policy, clock=clock,
    )
    return Services(
        settings=settings, clock=clock, db=db, cases=cases, guides=guides,
        tokens=SqliteTokenStore(db), audit=audit, bus=bus, search=search, calendar=calendar,
        query=query, ingest=IngestService(cases, bus),
        guide_service=GuideService(guides, search, bus, clock),
        queue=QueueService(SqliteQueueStore(db), bus, queue_categories(settings), clock),
        redis=client,
    )
