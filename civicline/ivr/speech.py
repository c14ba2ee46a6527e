"""Answers as speech: what the voice channel says of a case, a guide list and the queue.

Pure: the executor hands in what the core answered and gets back `Say` actions (numbers
and dates already in words) and the outcome the dialog engine branches on.
"""

from __future__ import annotations

from collections.abc import Sequence

from civicline.core.answer import Answer, AnswerKind, CaseView
from civicline.core.models import Guide
from civicline.core.queue import Call, QueueCategory
from civicline.core.stages import Stage
from civicline.ivr.chinese import count_text, date_text, digits_text, number_text, spoken_text
from civicline.ivr.dialog import Answered, Outcome, Say

_CASE_OUTCOMES = {
    AnswerKind.CASE_PUBLIC: Outcome.FOUND,
    AnswerKind.CASE_FULL: Outcome.FULL,
    AnswerKind.WRONG_CODE: Outcome.WRONG_CODE,
    AnswerKind.CASE_LOCKED: Outcome.LOCKED,
    AnswerKind.RATE_LIMITED: Outcome.LIMITED,
}


def case_speech(answer: Answer, language: str = "cmn") -> tuple[tuple[Say, ...], Answered]:
    """The public view (item, department, stage, deadline state) or the full view."""
    outcome = _CASE_OUTCOMES.get(answer.kind, Outcome.NOT_FOUND)
    view = answer.case
    if view is None or outcome not in (Outcome.FOUND, Outcome.FULL):
        return (), Answered(outcome)
    said = [_say(f"{view.item_name}，{view.department}。当前环节：{view.stage_label}。"
                 + _deadline_state(view), language)]
    if view.full:
        said.extend(_say(text, language, private=True) for text in _full_view(view))
    return tuple(said), Answered(outcome)


def _deadline_state(view: CaseView) -> str:
    if view.stage.is_final:
        return ""
    return f"时限状态：{view.deadline_state.label}。"


def _full_view(view: CaseView) -> list[str]:
    lines = []
    if view.timeline:
        last = view.timeline[-1]
        lines.append(f"最近进展：{date_text(last.at.date())}，{last.label}。")
    if view.deadline and not view.stage.is_final:
        line = f"承诺办结日期：{date_text(view.deadline)}"
        if view.working_days_left is not None and view.working_days_left > 0:
            line += f"，剩余{count_text(view.working_days_left, '个工作日')}"
        elif view.working_days_left is not None and view.working_days_left < 0:
            line += f"，已超过{count_text(-view.working_days_left, '个工作日')}"
        lines.append(line + "。")
    if view.window:
        lines.append(f"办理窗口：{view.window}。")
    if view.stage is Stage.SUPPLEMENT_REQUESTED and view.missing_materials:
        lines.append(f"需要补正的材料：{'、'.join(view.missing_materials)}。")
    if view.result_label:
        lines.append(f"办理结果：{view.result_label}。")
    if view.pickup:
        lines.append(f"领取方式：{view.pickup}。")
    return lines


def guides_speech(guides: Sequence[Guide], language: str = "cmn"
                  ) -> tuple[tuple[Say, ...], Answered]:
    """Each guide's name, time limit and number of materials, numbered for the SMS offer."""
    if not guides:
        return (), Answered(Outcome.EMPTY)
    said = []
    for index, guide in enumerate(guides, start=1):
        limit = (count_text(guide.promised_days, "个工作日") if guide.promised_days
                 else "即来即办")
        said.append(_say(f"第{number_text(index)}项，{guide.title}，承诺时限{limit}，"
                         f"需要材料{count_text(len(guide.materials), '份')}。", language))
    return tuple(said), Answered(Outcome.LISTED, tuple(g.id for g in guides))


def queue_speech(categories: Sequence[QueueCategory], waiting: dict[str, int],
                 recent: Sequence[Call], language: str = "cmn") -> tuple[Say, ...]:
    """Per category: the number being served and how many people wait."""
    serving: dict[str, str] = {}
    for call in sorted(recent, key=lambda c: c.id):  # the latest call of each category wins
        serving[call.ticket.rstrip("0123456789")] = call.ticket
    lines = []
    for category in categories:
        line = f"{category.name}，"
        ticket = serving.get(category.prefix)
        if ticket:
            number = ticket[len(category.prefix):]
            spoken = digits_text(number, language).replace(" ", "")
            line += f"正在办理{category.prefix}{spoken}号，"
        line += f"等候{count_text(waiting.get(category.prefix, 0), '人')}。"
        lines.append(line)
    return tuple(_say(line, language) for line in lines) or (Say("今天暂无排队信息。"),)


def _say(text: str, language: str, *, private: bool = False) -> Say:
    """Item names and windows carry numbers too (第2类, 12号窗口): said in words."""
    return Say(spoken_text(text, language), private)
