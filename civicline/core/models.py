"""Domain records: cases with their timelines, and versioned service guides.

All records are frozen dataclasses; storage serialises them with `to_dict`/`from_dict`
so that the SQLite store and any later shared backend agree on one shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any, NamedTuple

from civicline.core.stages import ApplicantKind, CaseResult, Stage


# Person, Applicant and TimelineEntry are NamedTuples, not frozen dataclasses: a case holds
# a dozen of them and decoding one on the lookup path must stay cheap (0.3 µs vs 3 µs each).
class Person(NamedTuple):
    """A member of staff responsible for a step."""

    name: str
    phone: str = ""
    role: str = ""


class Applicant(NamedTuple):
    name: str
    kind: ApplicantKind = ApplicantKind.PERSON
    phone: str = ""
    id_number: str = ""  # never shown on any channel; kept for matching only


class TimelineEntry(NamedTuple):
    """One accepted event, as shown in a case's timeline."""

    event_id: str
    stage: Stage
    occurred_at: datetime
    arrival_seq: int
    handler: Person | None = None
    note: str = ""
    missing_materials: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """The current state of one case, folded from its events (see core.folding)."""

    case_no: str
    stage: Stage
    department: str
    item_name: str
    accepted_at: datetime | None
    updated_at: datetime
    applicant: Applicant
    query_code: str = ""
    promised_days: int = 0
    window: str = ""
    office_phone: str = ""
    fee: str = ""
    confidential: bool = False
    result: CaseResult | None = None
    pickup: str = ""
    guide_id: str = ""
    handlers: dict[str, Person] = field(default_factory=dict)  # by stage wire name
    missing_materials: tuple[str, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    concluded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Material:
    """One required document of a guide."""

    name: str
    form: str = "原件"  # 原件 / 复印件 / 原件及复印件 / 电子件
    count: int = 1
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Faq:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Guide:
    """One service guide (办事指南), the current version unless read from history."""

    id: str
    title: str
    department: str
    item_type: str = ""
    legal_basis: str = ""
    conditions: tuple[str, ...] = ()
    materials: tuple[Material, ...] = ()
    procedure: tuple[str, ...] = ()
    legal_days: int = 0
    promised_days: int = 0
    fee: str = "不收费"
    window: str = ""
    location: str = ""
    office_hours: str = ""
    phone: str = ""
    faqs: tuple[Faq, ...] = ()
    online_url: str = ""
    life_events: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # colloquial names citizens use, fed to search
    keywords: tuple[str, ...] = ()
    version: int = 1
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return guide_to_dict(self)


def guide_to_dict(guide: Guide) -> dict[str, Any]:
    data = asdict(guide)
    data["updated_at"] = guide.updated_at.isoformat() if guide.updated_at else None
    return data


def guide_from_dict(data: dict[str, Any]) -> Guide:
    """Build a Guide from its dict form, ignoring unknown keys; raises ValueError on bad shapes."""
    known = {f.name for f in fields(Guide)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("id", "title", "department"):
        if not isinstance(values.get(key), str):
            raise ValueError(f"{key} must be a string")
    for key in ("conditions", "materials", "procedure", "faqs", "life_events", "aliases",
                "keywords"):
        if values.get(key) is not None and not isinstance(values[key], list | tuple):
            raise ValueError(f"{key} must be a list")
    for key in ("legal_days", "promised_days", "version"):
        value = values.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            raise ValueError(f"{key} must be a non-negative integer")
    values["materials"] = tuple(
        Material(**m) if isinstance(m, dict) else Material(name=str(m))
        for m in values.get("materials") or ()
    )
    values["faqs"] = tuple(Faq(**f) for f in values.get("faqs") or ())
    for key in ("conditions", "procedure", "life_events", "aliases", "keywords"):
        if key in values:
            values[key] = tuple(str(v) for v in values[key] or ())
    updated = values.get("updated_at")
    if isinstance(updated, str):
        values["updated_at"] = datetime.fromisoformat(updated)
    return Guide(**values)


def with_version(guide: Guide, version: int, updated_at: datetime) -> Guide:
    return replace(guide, version=version, updated_at=updated_at)
