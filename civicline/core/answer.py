"""The channel-neutral Answer every channel renders within its own limits.

The core decides *what* the answer is; adapters decide length, markup and speech. Facts carry
an importance so a channel with little room (an SMS part, a voice prompt) drops the least
important first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum

from civicline.core.models import Guide
from civicline.core.ports import GuideHit
from civicline.core.stages import DeadlineState, Stage


class AnswerKind(StrEnum):
    CASE_PUBLIC = "case_public"
    CASE_FULL = "case_full"
    CASE_NOT_FOUND = "case_not_found"  # also what a confidential case looks like without a code
    CASE_LOCKED = "case_locked"
    WRONG_CODE = "wrong_code"  # only ever said together with the public view being withheld
    GUIDE_LIST = "guide_list"
    GUIDE_DETAIL = "guide_detail"
    GUIDE_NOT_FOUND = "guide_not_found"
    NO_RESULTS = "no_results"
    HELP = "help"
    RATE_LIMITED = "rate_limited"
    INVALID = "invalid"


class Importance(IntEnum):
    ESSENTIAL = 0  # never dropped
    HIGH = 1
    NORMAL = 2
    LOW = 3


@dataclass(frozen=True, slots=True)
class Fact:
    key: str  # stable machine name ("stage", "deadline"), for adapters that pick facts
    label: str  # Chinese label
    value: str
    importance: Importance = Importance.NORMAL


class LinkKind(StrEnum):
    CASE = "case"  # ref: the case number
    GUIDE = "guide"  # ref: the guide id
    EXTERNAL = "external"  # ref: an absolute http(s) URL (a department's online service)


@dataclass(frozen=True, slots=True)
class Link:
    """What an answer points to, as data: each channel turns it into its own URL, QR code,
    button or spoken hint (the core knows no channel's URLs)."""

    kind: LinkKind
    ref: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    key: str  # what the citizen types or presses ("1")
    label: str
    ref: str  # guide id


@dataclass(frozen=True, slots=True)
class TimelineItem:
    stage: Stage
    label: str
    at: datetime
    handler_role: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class CaseView:
    """Structured case data for channels that lay it out themselves (API, WAP, kiosk)."""

    case_no: str
    item_name: str
    department: str
    stage: Stage
    stage_label: str
    accepted_on: date | None
    masked_applicant: str
    deadline_state: DeadlineState
    full: bool = False
    # Full view only:
    deadline: date | None = None
    working_days_left: int | None = None
    promised_days: int | None = None
    window: str = ""
    office_phone: str = ""
    missing_materials: tuple[str, ...] = ()
    result_label: str = ""
    pickup: str = ""
    concluded_on: date | None = None
    timeline: tuple[TimelineItem, ...] = ()
    guide_id: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    kind: AnswerKind
    title: str
    facts: tuple[Fact, ...] = ()
    next_steps: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    choices: tuple[Choice, ...] = ()
    case: CaseView | None = None
    guide: Guide | None = None
    hits: tuple[GuideHit, ...] = ()
    total: int = 0
    page: int = 1
    did_you_mean: str | None = None
    retry_after_seconds: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def fact(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)
