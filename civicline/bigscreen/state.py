"""The snapshot a fresh or reconnecting screen draws everything from at once."""

from __future__ import annotations

from typing import Any

from civicline import __version__
from civicline.bigscreen.config import BigscreenSettings, Screen
from civicline.core.hall_stats import DepartmentStats, HallStatsService
from civicline.services import Services


def stats_json(stats: DepartmentStats) -> dict[str, Any]:
    rate = stats.on_time_rate
    return {"department": stats.department, "accepted_today": stats.accepted_today,
            "concluded_today": stats.concluded_today,
            "on_time_rate": None if rate is None else round(rate * 100, 1),
            "overdue": stats.overdue, "seriously_overdue": stats.seriously_overdue}


def client_json(screen: Screen, config: BigscreenSettings) -> dict[str, Any]:
    """What the page needs to lay itself out and heal itself."""
    return {
        "id": screen.screen_id, "title": screen.title, "panels": list(screen.panels),
        "layout": screen.layout, "rotation_seconds": screen.rotation_seconds,
        "recent_calls": screen.recent_calls, "results_per_page": screen.results_per_page,
        "page_seconds": screen.page_seconds, "speech": config.speech,
        "reconnect_min_ms": config.reconnect_min_ms, "reconnect_max_ms": config.reconnect_max_ms,
        "snapshot_poll_seconds": config.snapshot_poll_seconds,
        "version_poll_seconds": config.version_poll_seconds,
    }


async def build_state(services: Services, screen: Screen, config: BigscreenSettings,
                      stats: HallStatsService) -> dict[str, Any]:
    """Calls (ticket and window only, never names), masked publication, statistics, notices."""
    queue = services.queue
    calls = await queue.recent_calls(screen.recent_calls + 1)
    waiting = await queue.waiting_counts()
    departments = list(screen.departments) or None
    published = await services.query.published_results(
        departments=departments, page_size=config.results_limit)
    hall = await stats.get(screen.departments)
    now = services.clock()
    return {
        "version": __version__,
        "server_time": now.isoformat(),
        "screen": client_json(screen, config),
        "last_call_id": max((c.id for c in calls), default=0),
        "calls": [c.to_json() for c in calls],  # newest first
        "waiting": [{"prefix": prefix, "name": queue.categories[prefix].name, "waiting": count}
                    for prefix, count in waiting.items()],
        # PublishedResult is already masked and never confidential; the case number is
        # left off the wall on purpose (the item and masked name are enough to recognise).
        "results": [{"item_name": r.item_name, "department": r.department,
                     "masked_applicant": r.masked_applicant, "result_label": r.result_label,
                     "concluded_at": r.concluded_at.strftime("%H:%M")} for r in published],
        "stats": {"day": hall.day.isoformat(), "total": stats_json(hall.total()),
                  "departments": [stats_json(d) for d in hall.departments]},
        "notices": list(config.notices),
    }
