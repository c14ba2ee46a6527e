"""Factories with defaults and overrides for events, cases and guides."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from civicline.core.events import parse_event
from civicline.core.folding import fold
from civicline.core.models import Case, Guide, Material

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)  # a Friday
_ids = itertools.count(1)

DEPARTMENT = "市场监督管理局"
OTHER_DEPARTMENT = "公安局"


def make_event(case_no: str = "440920261127000123", stage: str = "accepted", *,
               at: datetime | None = None, first: bool = True, **overrides: Any
               ) -> dict[str, Any]:
    """A wire event; `first=True` carries what a new case needs."""
    event: dict[str, Any] = {
        "event_id": f"ev-{next(_ids)}",
        "case_no": case_no,
        "stage": stage,
        "occurred_at": (at or NOW - timedelta(days=3)).isoformat(),
    }
    if first:
        event.update({
            "department": DEPARTMENT,
            "item_name": "食品经营许可（新办）",
            "applicant": {"name": "张小明", "kind": "person", "phone": "13800001111",
                          "id_number": "440902199001011234"},
            "query_code": "654321",
            "promised_days": 5,
            "handler": {"name": "李受理", "phone": "13900002222", "role": "受理人员"},
            "window": "综合受理区 12 号窗口",
            "office_phone": "0668-2881234",
            "confidential": False,
            "guide_id": "1001",
        })
    event.update(overrides)
    return event


def make_case(stage: str = "accepted", **overrides: Any) -> Case:
    events = [make_event(**overrides)]
    if stage != "accepted":
        events.append(make_event(stage=stage, first=False, case_no=events[0]["case_no"],
                                 at=NOW - timedelta(days=1)))
    return fold((parse_event(e), i) for i, e in enumerate(events, start=1))


def make_guide(guide_id: str = "1001", **overrides: Any) -> Guide:
    values: dict[str, Any] = {
        "id": guide_id, "title": "食品经营许可（新办）", "department": DEPARTMENT,
        "item_type": "行政许可", "conditions": ("有与经营的食品品种相适应的经营场所",),
        "materials": (Material("食品经营许可申请书", "原件", 1),
                      Material("营业执照", "复印件", 1)),
        "procedure": ("申请", "受理", "审查", "决定"), "legal_days": 20, "promised_days": 5,
        "fee": "不收费", "window": "12 号窗口", "location": "市政务服务中心二楼",
        "office_hours": "周一至周五 9:00-17:30", "phone": "0668-2881234",
        "life_events": ("开办企业", "经营"), "aliases": ("开饭店",),
    }
    values.update(overrides)
    return Guide(**values)
