"""Case <-> JSON bytes for the store. Hand-written because it sits on the lookup hot path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from civicline.core.events import CaseEvent, parse_event
from civicline.core.models import Applicant, Case, Person, TimelineEntry
from civicline.core.stages import ApplicantKind, CaseResult, Stage


def _person(p: Person | None) -> list[str] | None:
    return None if p is None else [p.name, p.phone, p.role]


def _unperson(v: list[str] | None) -> Person | None:
    return None if v is None else Person(v[0], v[1], v[2])


def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def _undt(v: str | None) -> datetime | None:
    return None if v is None else datetime.fromisoformat(v)


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
    updated = _undt(d["upd"])
    assert updated is not None  # noqa: S101 -- always written
    return Case(
        case_no=d["no"], stage=Stage(d["st"]), department=d["dep"], item_name=d["item"],
        accepted_at=_undt(d["acc"]), updated_at=updated,
        applicant=Applicant(app[0], ApplicantKind(app[1]), app[2], app[3]),
        query_code=d["code"], promised_days=d["days"], window=d["win"], office_phone=d["tel"],
        fee=d["fee"], confidential=d["conf"],
        result=CaseResult(d["res"]) if d["res"] else None, pickup=d["pick"],
        guide_id=d["guide"],
        handlers={k: p for k, v in d["h"].items() if (p := _unperson(v)) is not None},
        missing_materials=tuple(d["miss"]), concluded_at=_undt(d["end"]),
        timeline=tuple(
            TimelineEntry(t[0], Stage(t[1]), datetime.fromisoformat(t[2]), t[3],
                          _unperson(t[4]), t[5], tuple(t[6]))
            for t in d["tl"]
        ),
    )


def encode_event(event: CaseEvent) -> bytes:
    return orjson.dumps(event.to_wire())


def decode_event(raw: bytes) -> CaseEvent:
    return parse_event(orjson.loads(raw))
