"""Case <-> JSON bytes for the store. Hand-written because it sits on the lookup hot path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from civicline.core.events import CaseEvent
from civicline.core.models import Applicant, Case, Person, TimelineEntry
from civicline.core.stages import ApplicantKind, CaseResult, Stage

# Enum lookups by value through dicts: Enum.__call__ costs ~1 µs, and a case has a dozen.
_STAGES = {stage.value: stage for stage in Stage}
_KINDS = {kind.value: kind for kind in ApplicantKind}
_RESULTS = {result.value: result for result in CaseResult}
_fromiso = datetime.fromisoformat


def _person(p: Person | None) -> list[str] | None:
    return None if p is None else [p.name, p.phone, p.role]


def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def encode_case(case: Case) -> bytes:
    a = case.applicant
    return orjson.dumps({
        "no": case.case_no, "st": case.stage.value, "dep": case.department,
        "item": case.item_name, "acc": _dt(case.accepted_at), "upd": _dt(case.updated_at),
        "app": [a.name, a.kind.value, a.phone, a.id_number], "code": case.query_code,
        "days": case.promised_days, "win": case.window, "tel": case.office_phone,
        "fee": case.fee, "conf": case.confidential,
        "res": case.result.value if case.result else None, "pick": case.pickup,
        "guide": case.guide_id, "h": {k: _person(v) for k, v in case.handlers.items()},
        "miss": list(case.missing_materials), "end": _dt(case.concluded_at),
        "tl": [[e.event_id, e.stage.value, e.occurred_at.isoformat(), e.arrival_seq,
                _person(e.handler), e.note, list(e.missing_materials)] for e in case.timeline],
    })


def decode_case(raw: bytes) -> Case:
    d: dict[str, Any] = orjson.loads(raw)
    app = d["app"]
    persons: dict[tuple[str, str, str], Person] = {}  # handlers repeat across the timeline

    def person(v: list[str] | None) -> Person | None:
        if v is None:
            return None
        key = (v[0], v[1], v[2])
        found = persons.get(key)
        if found is None:
            found = persons[key] = Person(*key)
        return found

    acc, end = d["acc"], d["end"]
    return Case(
        case_no=d["no"], stage=_STAGES[d["st"]], department=d["dep"], item_name=d["item"],
        accepted_at=_fromiso(acc) if acc else None, updated_at=_fromiso(d["upd"]),
        applicant=Applicant(app[0], _KINDS[app[1]], app[2], app[3]),
        query_code=d["code"], promised_days=d["days"], window=d["win"], office_phone=d["tel"],
        fee=d["fee"], confidential=d["conf"],
        result=_RESULTS[d["res"]] if d["res"] else None, pickup=d["pick"],
        guide_id=d["guide"],
        handlers={k: p for k, v in d["h"].items() if (p := person(v)) is not None},
        missing_materials=tuple(d["miss"]), concluded_at=_fromiso(end) if end else None,
        timeline=tuple(
            TimelineEntry(t[0], _STAGES[t[1]], _fromiso(t[2]), t[3], person(t[4]), t[5],
                          tuple(t[6]))
            for t in d["tl"]
        ),
    )


def encode_event(event: CaseEvent) -> bytes:
    return orjson.dumps(event.to_wire())


def decode_event(raw: bytes) -> CaseEvent:
    """A stored event. It was validated on the way in, so this only rebuilds the record:
    the notifier and late-event refolds read events back at ingest rates."""
    d: dict[str, Any] = orjson.loads(raw)
    applicant, handler, result = d.get("applicant"), d.get("handler"), d.get("result")
    missing = d.get("missing_materials")
    return CaseEvent(
        event_id=d["event_id"], case_no=d["case_no"], stage=_STAGES[d["stage"]],
        occurred_at=_fromiso(d["occurred_at"]), department=d.get("department"),
        item_name=d.get("item_name"),
        applicant=None if applicant is None else Applicant(
            applicant["name"], _KINDS[applicant["kind"]], applicant["phone"],
            applicant["id_number"]),
        query_code=d.get("query_code"), promised_days=d.get("promised_days"),
        handler=None if handler is None else Person(handler["name"], handler["phone"],
                                                    handler["role"]),
        confidential=d.get("confidential"), window=d.get("window"),
        office_phone=d.get("office_phone"), fee=d.get("fee"),
        result=None if result is None else _RESULTS[result], pickup=d.get("pickup"),
        guide_id=d.get("guide_id"),
        missing_materials=None if missing is None else tuple(missing), note=d.get("note"),
    )
