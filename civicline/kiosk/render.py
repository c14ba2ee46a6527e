"""Render core answers into the small JSON shapes the kiosk page lays out (pure, no I/O)."""

from __future__ import annotations

from typing import Any

from civicline.core.answer import Answer, AnswerKind
from civicline.core.models import Guide
from civicline.core.ports import GuideHit
from civicline.core.query import DepartmentInfo, PublishedResult
from civicline.core.queue import Call, QueueCategory, Ticket
from civicline.kiosk.qr import qr_svg

GUIDE_QR_TITLE = "手机扫码查看本指南"
TICKET_QR_TITLE = "手机扫码查看排队进度"
# What the page says for answers that carry no case view.
CASE_MESSAGES: dict[AnswerKind, str] = {
    AnswerKind.CASE_NOT_FOUND: "请核对办件编号后重试；涉密办件需输入查询码。",
    AnswerKind.INVALID: "办件编号由数字和字母组成，印在受理回执上。",
    AnswerKind.RATE_LIMITED: "查询过于频繁，请稍后再试。",
}


def case_payload(answer: Answer) -> dict[str, Any]:
    """A case answer: its kind, title, facts in the core's order and, in full view, the timeline."""
    body: dict[str, Any] = {
        "kind": answer.kind.value,
        "title": answer.title,
        "full": bool(answer.case and answer.case.full),
        "facts": [{"key": f.key, "label": f.label, "value": f.value} for f in answer.facts],
        "next_steps": list(answer.next_steps),
        "message": CASE_MESSAGES.get(answer.kind, ""),
        "timeline": [],
    }
    if answer.case is not None:
        body["case_no"] = answer.case.case_no
        body["deadline_state"] = answer.case.deadline_state.value
        if answer.case.full:
            body["timeline"] = [
                {"label": t.label, "at": t.at.strftime("%Y-%m-%d %H:%M"), "note": t.note}
                for t in answer.case.timeline
            ]
    return body


def guide_payload(guide: Guide, wap_url: str) -> dict[str, Any]:
    """A guide for the detail screen: summary, materials checklist and the QR of its WAP page."""
    return {
        "id": guide.id,
        "title": guide.title,
        "department": guide.department,
        "summary": [
            {"label": "承诺时限",
             "value": f"{guide.promised_days} 个工作日" if guide.promised_days else "即办"},
            {"label": "收费标准", "value": guide.fee or "不收费"},
            {"label": "办理地点",
             "value": "，".join(x for x in (guide.location, guide.window) if x) or "咨询窗口"},
            {"label": "办理时间", "value": guide.office_hours},
            {"label": "咨询电话", "value": guide.phone},
        ],
        "conditions": list(guide.conditions),
        "materials": [
            {"name": m.name, "form": m.form, "count": m.count, "notes": m.notes}
            for m in guide.materials
        ],
        "procedure": list(guide.procedure),
        "qr": {"text": wap_url, "svg": qr_svg(wap_url, GUIDE_QR_TITLE)},
    }


def hit_payload(hit: GuideHit) -> dict[str, str]:
    return {"id": hit.guide_id, "title": hit.title, "department": hit.department}


def page_payload(items: list[Any], total: int, page: int, size: int) -> dict[str, Any]:
    """One page of a list, with the page count the pager needs."""
    return {"items": items, "total": total, "page": page,
            "pages": max(1, -(-total // size))}


def department_payload(info: DepartmentInfo) -> dict[str, Any]:
    return {"name": info.name, "count": info.guide_count}


def result_payload(row: PublishedResult) -> dict[str, str]:
    return {"case_no": row.case_no, "item_name": row.item_name, "department": row.department,
            "applicant": row.masked_applicant, "result": row.result_label,
            "at": row.concluded_at.strftime("%H:%M")}


def queue_payload(calls: list[Call], waiting: dict[str, int],
                  categories: dict[str, QueueCategory], shown: int = 6) -> dict[str, Any]:
    """The numbers being called now (newest first) and each category's waiting count."""
    latest: dict[str, Call] = {}
    for call in calls:  # newest first: a recall replaces the earlier call of its ticket
        latest.setdefault(call.ticket, call)
    return {
        "enabled": True,
        "calls": [{"id": c.id, "ticket": c.ticket, "window": c.window, "service": c.service,
                   "recall": c.recall} for c in list(latest.values())[:shown]],
        "categories": [{"prefix": prefix, "name": category.name,
                        "waiting": waiting.get(prefix, 0)}
                       for prefix, category in categories.items()],
    }


def ticket_payload(ticket: Ticket, follow_url: str) -> dict[str, Any]:
    """A printed ticket: number, category, how many wait ahead, and a QR to follow on a phone."""
    return {
        "number": ticket.number,
        "category": ticket.category.name,
        "prefix": ticket.category.prefix,
        "waiting_ahead": ticket.waiting_ahead,
        "issued_at": ticket.issued_at.strftime("%Y-%m-%d %H:%M"),
        "qr": {"text": follow_url, "svg": qr_svg(follow_url, TICKET_QR_TITLE)},
    }
