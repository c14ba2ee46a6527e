"""Ports: the small interfaces the core needs from storage, search and rate limiting.

The embedded default implements them over one SQLite file (civicline.storage.sqlite); a
scale-out deployment swaps in shared backends without touching channels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from civicline.core.events import CaseEvent
from civicline.core.models import Case, Guide

T = TypeVar("T")
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int  # arrival order, increasing, never reused
    case_key: str
    event: CaseEvent


class CaseWriteTx(Protocol):
    """One write transaction over cases and their events (runs in the store's writer thread)."""

    def existing_event_ids(self, event_ids: Sequence[str]) -> set[str]: ...
    def get_cases(self, keys: Sequence[str]) -> dict[str, Case]:
        """The existing ones among `keys` (absent keys are new cases)."""
        ...
    def load_events(self, key: str) -> list[tuple[CaseEvent, int]]: ...
    def next_seq(self) -> int: ...
    def insert_event(self, key: str, event: CaseEvent, seq: int) -> None: ...
    def put_case(self, case: Case) -> None: ...


class CaseStore(Protocol):
    async def get(self, key: str) -> Case | None: ...
    async def write(self, work: Callable[[CaseWriteTx], T]) -> T:
        """Run `work` in one transaction; commit if it returns, roll back if it raises."""
        ...
    async def concluded_on(self, day: date, departments: Sequence[str] | None = None,
                           limit: int = 200, offset: int = 0) -> list[Case]: ...
    async def count(self) -> int: ...
    def iter_all(self, batch: int = 1000) -> Iterator[Case]: ...
    def iter_active(self, day: date | None = None, batch: int = 1000) -> Iterator[Case]:
        """Open cases, plus those concluded on `day`: what deadline scans and daily figures
        need, without decoding the whole history (safe to call from a worker thread)."""
        ...
    async def events_after(self, seq: int, limit: int = 500) -> list[StoredEvent]:
        """Accepted events with arrival seq > `seq`, in arrival order: a durable feed that a
        consumer (the notifier) reads from its own saved cursor, so nothing is lost in a crash.
        """
        ...


class GuideStore(Protocol):
    async def get(self, guide_id: str) -> Guide | None: ...
    async def put(self, guide: Guide, at: datetime) -> Guide:
        """Store a new current version (version = previous + 1); returns it as stored."""
        ...
    async def remove(self, guide_id: str, at: datetime) -> bool: ...
    async def history(self, guide_id: str) -> list[Guide]: ...
    async def list_guides(self, department: str | None = None, life_event: str | None = None
                   ) -> list[Guide]: ...
    async def departments(self) -> list[tuple[str, int]]:
        """(department, number of current guides), ordered by department."""
        ...
    def iter_all(self) -> Iterator[Guide]: ...


class TokenStore(Protocol):
    async def create(self, department: str, at: datetime, label: str = "") -> str:
        """Create a token; returns the plaintext once (only a hash is kept)."""
        ...
    async def department_of(self, token: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One full-view disclosure, for the audit log."""

    at: datetime
    case_no: str
    channel: str
    sender: str
    reason: str  # "query_code" or "registered_phone"


class AuditLog(Protocol):
    async def record(self, disclosure: Disclosure) -> None: ...
    async def recent(self, case_no: str, limit: int = 50) -> list[Disclosure]: ...


class CodeAttempts(Protocol):
    """Wrong query-code attempts per case, for the brute-force lockout."""

    async def record_failure(self, key: str, at: datetime) -> None: ...
    async def failures_since(self, key: str, since: datetime) -> list[datetime]: ...


class RateLimiter(Protocol):
    async def allow(self, key: str, cost: float = 1.0) -> bool: ...


@dataclass(frozen=True, slots=True)
class GuideHit:
    guide_id: str
    title: str
    department: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    hits: tuple[GuideHit, ...]
    did_you_mean: str | None = None


class GuideSearch(Protocol):
    """Search over current guides (implemented by civicline.search)."""

    def search(self, query: str, department: str | None = None, life_event: str | None = None,
               page: int = 1, page_size: int = 10) -> SearchPage: ...
    def suggest(self, prefix: str, limit: int = 10) -> list[str]: ...
    def upsert(self, guide: Guide) -> None: ...
    def remove(self, guide_id: str) -> None: ...
    def rebuild(self, guides: Iterable[Guide], progress: Callable[[int], None] | None = None
                ) -> int:
        """Replace the whole index with `guides`; `progress` gets increments."""
        ...
