"""Building case views and their facts: what a public or full answer contains.

The privacy rules live here, once, for every channel: the public view never carries phones,
ID numbers or staff names; only the full view carries the timeline and the window.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from civicline.core.answer import CaseView, Fact, Importance, TimelineItem
from civicline.core.deadlines import DeadlineInfo, local_date
from civicline.core.masking import mask_applicant
from civicline.core.models import Case
from civicline.core.stages import DeadlineState, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def build_case_view(case: Case, deadline: DeadlineInfo, *, full: bool) -> CaseView:
    accepted_at = case.accepted_at or (case.timeline[0].occurred_at if case.timeline else None)
    view = CaseView(
        case_no=case.case_no,
        item_name=case.item_name,
        department=case.department,
        stage=case.stage,
        stage_label=case.stage.label,
        accepted_on=local_date(accepted_at) if accepted_at else None,
        masked_applicant=mask_applicant(case.applicant.name, case.applicant.kind),
        deadline_state=deadline.state,
        guide_id=case.guide_id,
    )
    if not full:
        return view
    return replace(
        view,
        full=True,
        deadline=deadline.deadline,
        working_days_left=deadline.working_days_left,
        promised_days=case.promised_days,
        window=case.window,
        office_phone=case.office_phone,
        missing_materials=case.missing_materials
        if case.stage is Stage.SUPPLEMENT_REQUESTED else (),
        result_label=case.result.label if case.result and case.stage.is_final else "",
        pickup=case.pickup if case.stage is Stage.CONCLUDED else "",
        concluded_on=local_date(case.concluded_at) if case.concluded_at else None,
        timeline=tuple(
            TimelineItem(stage=e.stage, label=e.stage.label, at=e.occurred_at.astimezone(SHANGHAI),
                         handler_role=e.handler.role if e.handler else "", note=e.note)
            for e in case.timeline
        ),
    )


def _deadline_text(view: CaseView) -> str:
    state = view.deadline_state
    if state is DeadlineState.PAUSED:
        return "计时暂停（补正或特别程序期间不计入办理时限）"
    if view.working_days_left is None or view.stage.is_final:
        return state.label
    left = view.working_days_left
    if left > 0:
        return f"{state.label}，剩余 {left} 个工作日"
    if left == 0:
        return f"{state.label}，今日到期"
    return f"{state.label}，已超过 {-left} 个工作日"


def case_facts(view: CaseView) -> tuple[Fact, ...]:
    """Facts in order of importance for channels that must shorten (SMS, voice)."""
    facts = [
        Fact("case_no", "办件编号", view.case_no, Importance.ESSENTIAL),
        Fact("stage", "当前环节", view.stage_label, Importance.ESSENTIAL),
        Fact("item_name", "办理事项", view.item_name, Importance.HIGH),
        Fact("department", "办理部门", view.department, Importance.NORMAL),
        Fact("applicant", "申请人", view.masked_applicant, Importance.LOW),
    ]
    if view.accepted_on:
        facts.append(Fact("accepted_on", "受理日期", view.accepted_on.isoformat(),
                          Importance.NORMAL))
    if view.full:
        if view.result_label:
            facts.append(Fact("result", "办理结果", view.result_label, Importance.ESSENTIAL))
        if view.pickup:
            facts.append(Fact("pickup", "领取方式", view.pickup, Importance.HIGH))
        if view.missing_materials:
            facts.append(Fact("missing_materials", "需补正材料", "、".join(view.missing_materials),
                              Importance.ESSENTIAL))
        if view.deadline and not view.stage.is_final:
            facts.append(Fact("deadline", "承诺办结日期", view.deadline.isoformat(),
                              Importance.HIGH))
        if view.window:
            facts.append(Fact("window", "办理窗口", view.window, Importance.NORMAL))
        if view.office_phone:
            facts.append(Fact("office_phone", "咨询电话", view.office_phone, Importance.LOW))
    if not view.stage.is_final or view.full:
        facts.append(Fact("deadline_state", "时限状态", _deadline_text(view),
                          Importance.HIGH if view.full else Importance.NORMAL))
    return tuple(facts)
