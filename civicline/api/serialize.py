"""JSON shapes of the API: case views, guides, search hits, publication rows."""

from __future__ import annotations

from typing import Any

from civicline.core.answer import CaseView, LinkKind
from civicline.core.models import Guide
from civicline.core.ports import GuideHit
from civicline.core.query import PublishedResult
from civicline.web.links import site_path


def case_json(view: CaseView) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_no": view.case_no,
        "view": "full" if view.full else "public",
        "item_name": view.item_name,
        "department": view.department,
        "stage": view.stage.value,
        "stage_label": view.stage_label,
        "accepted_on": view.accepted_on.isoformat() if view.accepted_on else None,
        "applicant": view.masked_applicant,
        "deadline_state": view.deadline_state.value,
        "deadline_state_label": view.deadline_state.label,
        "links": {"wap": site_path(LinkKind.CASE, view.case_no)},
    }
    if view.guide_id:
        body["guide_id"] = view.guide_id
        body["links"]["guide"] = f"/api/v1/guides/{view.guide_id}"
    if view.full:
        body.update({
            "deadline": view.deadline.isoformat() if view.deadline else None,
            "working_days_left": view.working_days_left,
            "promised_days": view.promised_days,
            "window": view.window,
            "office_phone": view.office_phone,
            "missing_materials": list(view.missing_materials),
            "result": view.result_label or None,
            "pickup": view.pickup or None,
            "concluded_on": view.concluded_on.isoformat() if view.concluded_on else None,
            "timeline": [
                {"stage": t.stage.value, "label": t.label, "at": t.at.isoformat(),
                 "role": t.handler_role, "note": t.note}
                for t in view.timeline
            ],
        })
    return body


def guide_json(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.id,
        "title": guide.title,
        "department": guide.department,
        "item_type": guide.item_type,
        "legal_basis": guide.legal_basis,
        "conditions": list(guide.conditions),
        "materials": [{"name": m.name, "form": m.form, "count": m.count, "notes": m.notes}
                      for m in guide.materials],
        "procedure": list(guide.procedure),
        "legal_days": guide.legal_days,
        "promised_days": guide.promised_days,
        "fee": guide.fee,
        "window": guide.window,
        "location": guide.location,
        "office_hours": guide.office_hours,
        "phone": guide.phone,
        "faqs": [{"question": f.question, "answer": f.answer} for f in guide.faqs],
        "online_url": guide.online_url,
        "life_events": list(guide.life_events),
        "aliases": list(guide.aliases),
        "version": guide.version,
        "updated_at": guide.updated_at.isoformat() if guide.updated_at else None,
        "links": {"wap": site_path(LinkKind.GUIDE, guide.id)},
    }


def hit_json(hit: GuideHit) -> dict[str, Any]:
    return {"id": hit.guide_id, "title": hit.title, "department": hit.department,
            "snippet": hit.snippet, "score": round(hit.score, 4),
            "links": {"self": f"/api/v1/guides/{hit.guide_id}",
                      "wap": site_path(LinkKind.GUIDE, hit.guide_id)}}


def result_json(row: PublishedResult) -> dict[str, Any]:
    return {"case_no": row.case_no, "item_name": row.item_name, "department": row.department,
            "applicant": row.masked_applicant, "result": row.result_label,
            "concluded_at": row.concluded_at.isoformat()}
