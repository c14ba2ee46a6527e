"""Inbound case events: validation of the wire form into a typed CaseEvent.

Departments' systems send a full first event and later events carrying only what changed,
so every field but the identity, stage and time is optional here; `folding` decides what
a new case needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from civicline.core.errors import InvalidInput
from civicline.core.models import Applicant, Person
from civicline.core.normalize import CASE_NO_RE, QUERY_CODE_RE
from civicline.core.stages import ApplicantKind, CaseResult, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")
_CONTROL_RE = re.compile(r"[\x00-\x1f]")
EVENT_ID_RE = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces
_MAX_TEXT = 500
_STAGES = {stage.value: stage for stage in Stage}
# Optional free-text fields and their length limits.
_OPTIONAL_TEXTS = (("department", 100), ("item_name", 200), ("window", 100),
                   ("office_phone", 40), ("fee", 100), ("pickup", 200), ("guide_id", 40),
                   ("note", _MAX_TEXT))
_EARLIEST = datetime(2000, 1, 1, tzinfo=SHANGHAI)


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One validated event; None means "not carried by this event"."""

    event_id: str
    case_no: str
    stage: Stage
    occurred_at: datetime
    department: str | None = None
    item_name: str | None = None
    applicant: Applicant | None = None
    query_code: str | None = None
    promised_days: int | None = None
    handler: Person | None = None
    confidential: bool | None = None
    window: str | None = None
    office_phone: str | None = None
    fee: str | None = None
    result: CaseResult | None = None
    pickup: str | None = None
    guide_id: str | None = None
    missing_materials: tuple[str, ...] | None = None
    note: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The canonical wire dict (round-trips through `parse_event`)."""
        wire: dict[str, Any] = {
            "event_id": self.event_id,
            "case_no": self.case_no,
            "stage": self.stage.value,
            "occurred_at": self.occurred_at.isoformat(),
        }
        for name in ("department", "item_name", "query_code", "promised_days", "confidential",
                     "window", "office_phone", "fee", "pickup", "guide_id", "note"):
            value = getattr(self, name)
            if value is not None:
                wire[name] = value
        if self.result is not None:
            wire["result"] = self.result.value
        if self.missing_materials is not None:
            wire["missing_materials"] = list(self.missing_materials)
        if self.applicant is not None:
            wire["applicant"] = {
                "name": self.applicant.name,
                "kind": self.applicant.kind.value,
                "phone": self.applicant.phone,
                "id_number": self.applicant.id_number,
            }
        if self.handler is not None:
            wire["handler"] = {
                "name": self.handler.name, "phone": self.handler.phone, "role": self.handler.role
            }
        return wire


def _text(data: dict[str, Any], key: str, *, required: bool = False, limit: int = _MAX_TEXT,
          ) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InvalidInput("缺少必填字段", key)
        return None
    if not isinstance(value, str):
        raise InvalidInput("应为字符串", key)
    value = value.strip()
    if required and not value:
        raise InvalidInput("不能为空", key)
    if len(value) > limit:
        raise InvalidInput(f"长度不能超过 {limit} 个字符", key)
    if _CONTROL_RE.search(value):
        raise InvalidInput("含有控制字符", key)
    return value


def parse_datetime(value: Any, key: str = "occurred_at") -> datetime:
    """ISO 8601 time; a time without offset is Asia/Shanghai. Impossible dates are rejected."""
    if not isinstance(value, str):
        raise InvalidInput("应为 ISO 8601 时间字符串", key)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"无效的时间 {value[:40]!r}", key) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    if parsed < _EARLIEST or parsed.year > 2100:
        raise InvalidInput("时间超出合理范围", key)
    return parsed


def _nested_text(data: dict[str, Any], parent: str, key: str, limit: int,
                 required: bool = False) -> str:
    """A text field of a nested object; errors name the full path (applicant.phone)."""
    try:
        return _text(data, key, required=required, limit=limit) or ""
    except InvalidInput as exc:
        raise InvalidInput(exc.reason, f"{parent}.{key}") from None


def _person(data: Any, key: str) -> Person | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InvalidInput("应为对象", key)
    return Person(name=_nested_text(data, key, "name", 100, required=True),
                  phone=_nested_text(data, key, "phone", 40),
                  role=_nested_text(data, key, "role", 100))


def _applicant(data: Any) -> Applicant | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InvalidInput("应为对象", "applicant")
    kind_raw = data.get("kind", "person")
    try:
        kind = ApplicantKind(kind_raw)
    except ValueError:
        raise InvalidInput("应为 person 或 organisation", "applicant.kind") from None
    return Applicant(name=_nested_text(data, "applicant", "name", 200, required=True),
                     kind=kind, phone=_nested_text(data, "applicant", "phone", 40),
                     id_number=_nested_text(data, "applicant", "id_number", 40))


def parse_event(data: Any) -> CaseEvent:
    """Validate one wire event; raises InvalidInput naming the field and the reason."""
    if not isinstance(data, dict):
        raise InvalidInput("事件应为 JSON 对象")
    event_id = _text(data, "event_id", required=True, limit=100)
    assert event_id is not None  # noqa: S101 -- required=True guarantees it
    if not EVENT_ID_RE.match(event_id):
        raise InvalidInput("只能包含可打印 ASCII 字符，且不含空格", "event_id")
    case_no = _text(data, "case_no", required=True, limit=40)
    assert case_no is not None  # noqa: S101 -- required=True guarantees it
    if not CASE_NO_RE.match(case_no):
        raise InvalidInput("只能由 1–40 个字母、数字或 - 组成", "case_no")
    try:
        stage = _STAGES[data["stage"]]
    except (KeyError, TypeError):
        raise InvalidInput(f"未知的环节 {str(data.get('stage'))[:40]!r}", "stage") from None
    occurred_at = parse_datetime(data.get("occurred_at"))

    query_code = _text(data, "query_code", limit=6)
    if query_code is not None and not QUERY_CODE_RE.match(query_code):
        raise InvalidInput("应为 6 位数字", "query_code")
    promised = data.get("promised_days")
    if promised is not None and (
        isinstance(promised, bool) or not isinstance(promised, int) or not 0 <= promised <= 3650
    ):
        raise InvalidInput("应为 0–3650 的整数", "promised_days")
    confidential = data.get("confidential")
    if confidential is not None and not isinstance(confidential, bool):
        raise InvalidInput("应为 true 或 false", "confidential")
    result_raw = data.get("result")
    try:
        result = CaseResult(result_raw) if result_raw is not None else None
    except ValueError:
        raise InvalidInput("应为 approved 或 not_approved", "result") from None
    missing_raw = data.get("missing_materials")
    missing: tuple[str, ...] | None = None
    if missing_raw is not None:
        if not isinstance(missing_raw, list) or not all(
            isinstance(m, str) and 0 < len(m) <= _MAX_TEXT for m in missing_raw
        ):
            raise InvalidInput("应为字符串数组", "missing_materials")
        missing = tuple(m.strip() for m in missing_raw)
    # Later events carry few fields: look at the optional texts only when present.
    texts = {key: _text(data, key, limit=limit)
             for key, limit in _OPTIONAL_TEXTS if data.get(key) is not None}
    applicant = data.get("applicant")
    handler = data.get("handler")
    return CaseEvent(
        event_id=event_id,
        case_no=case_no,
        stage=stage,
        occurred_at=occurred_at,
        applicant=None if applicant is None else _applicant(applicant),
        query_code=query_code,
        promised_days=promised,
        handler=None if handler is None else _person(handler, "handler"),
        confidential=confidential,
        result=result,
        missing_materials=missing,
        **texts,
    )
