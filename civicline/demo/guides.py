"""The demo guide set: one full 办事指南 per row of the bundled service_items.csv."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources

from civicline.core.events import SHANGHAI
from civicline.core.models import Faq, Guide
from civicline.demo.content import ITEM_SPECS
from civicline.demo.content.common import LIFE_EVENTS, OFFICE_HOURS
from civicline.demo.content.departments import DEPARTMENTS, FALLBACK, Department
from civicline.demo.content.spec import ItemSpec
from civicline.demo.guide_text import fee_text, generated_faqs, parse_material, procedure

FIRST_GUIDE_ID = 1001
# Fixed so that every run (and every test) sees the same guide versions.
GUIDES_UPDATED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
PORTAL = "https://www.gdzwfw.gov.cn/portal/v2/guide/"
_TYPE_CODES = {"行政许可": "01", "行政确认": "07", "行政备案": "20", "公共服务": "21"}


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """One row of service_items.csv."""

    department: str
    item_name: str
    item_type: str
    legal_days: int
    promised_days: int
    fee: int


def load_service_items() -> list[ServiceItem]:
    """The rows of the packaged service_items.csv, in file order."""
    text = resources.files("civicline.demo").joinpath("data/service_items.csv").read_text("utf-8")
    return [
        ServiceItem(row["department"].strip(), row["item_name"].strip(), row["item_type"].strip(),
                    int(row["legal_days"]), int(row["promised_days"]), int(row["fee"]))
        for row in csv.DictReader(io.StringIO(text))
    ]


def _fallback_spec(item: ServiceItem, dept: Department) -> ItemSpec:
    # Only reached when the CSV gains a row the content tables do not know yet.
    return ItemSpec(
        law=dept.law,
        conditions=("申请人具有相应的民事行为能力或为依法设立的单位",
                    "申请事项符合法律法规规定的条件"),
        materials=(f"{item.item_name}申请表|原|1|", "@身份证", "@委托书"),
        aliases=(),
        life_events=dept.life,
    )


def _unique(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def build_guide(item: ServiceItem, guide_id: str, index_in_department: int) -> Guide:
    """The full guide for one service item."""
    dept = DEPARTMENTS.get(item.department, FALLBACK)
    item_spec = ITEM_SPECS.get(item.item_name) or _fallback_spec(item, dept)
    materials = tuple(parse_material(raw) for raw in item_spec.materials)
    fee = fee_text(item.fee, item_spec.fee_unit)
    span = dept.last_window - dept.first_window + 1
    window = f"{dept.zone} {dept.first_window + index_in_department % span} 号窗口"
    online_url = f"{PORTAL}{dept.code}{_TYPE_CODES.get(item.item_type, '99')}{guide_id}000"
    extra = item_spec.steps
    faqs: list[Faq] = [Faq(q, a) for q, a in item_spec.faqs]
    # Two or three FAQs per guide: own ones first, then generated ones that fit this item.
    wanted = max(len(faqs), 2 + int(guide_id) % 2)
    for faq in generated_faqs(item.item_name, dept, item.promised_days, item.legal_days, fee,
                              materials, extra, online_url, int(guide_id)):
        if len(faqs) >= wanted:
            break
        faqs.append(faq)
    life = tuple(e for e in item_spec.life_events if e in LIFE_EVENTS) or dept.life
    return Guide(
        id=guide_id,
        title=item.item_name,
        department=item.department,
        item_type=item.item_type,
        legal_basis=item_spec.law,
        conditions=item_spec.conditions,
        materials=materials,
        procedure=procedure(item.item_type, item.promised_days, item.legal_days, dept.channel,
                            extra),
        legal_days=item.legal_days,
        promised_days=item.promised_days,
        fee=fee,
        window=window,
        location=dept.location,
        office_hours=OFFICE_HOURS,
        phone=dept.phone,
        faqs=tuple(faqs),
        online_url=online_url,
        life_events=life,
        aliases=_unique(item_spec.aliases),
        keywords=_unique([*item_spec.keywords, dept.short, item.item_type]),
        version=1,
        updated_at=GUIDES_UPDATED_AT,
    )


@lru_cache(maxsize=1)
def _all_guides() -> tuple[Guide, ...]:
    seen: dict[str, int] = {}
    guides = []
    for n, item in enumerate(load_service_items()):
        index = seen.get(item.department, 0)
        seen[item.department] = index + 1
        guides.append(build_guide(item, str(FIRST_GUIDE_ID + n), index))
    return tuple(guides)


def demo_guides() -> list[Guide]:
    """One guide per service_items.csv row, ids "1001".. in file order; the same every call."""
    return list(_all_guides())
