"""Small policy objects the core is configured with (settings hand them in as plain values).

The core reads no settings module: the `[query]` section is a `QueryPolicy` itself, and the
`[deadlines]` section builds its `DeadlinePolicy`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryPolicy:
    lockout_attempts: int = 5
    lockout_window_minutes: int = 60
    lockout_minutes: int = 60
    lookups_per_minute: int = 30  # per sender, every lookup path
    lookup_burst: int = 10
    results_page_size: int = 50
    # Decoded cases kept in memory by the case store.
    cached_cases: int = 10_000


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """When an open case counts as due soon, and as seriously overdue, in working days."""

    due_soon_days: int = 1  # working days left at or below which a case is due soon
    seriously_overdue_days: int = 3  # working days past the deadline for the red level
