"""The kiosk's pure renderers: answers and queue state into the page's JSON shapes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civicline.core.answer import Answer, AnswerKind, Fact
from civicline.core.query import help_answer
from civicline.core.queue import Call, QueueCategory
from civicline.kiosk.render import case_payload, page_payload, queue_payload
from tests.factories import NOW


def _call(call_id: int, ticket: str, window: str, recall: bool = False) -> Call:
    return Call(call_id, ticket, window, "综合受理", NOW + timedelta(minutes=call_id), recall)


@pytest.mark.parametrize(("answer", "kind", "message"), [
    (Answer(AnswerKind.CASE_NOT_FOUND, "未查到该办件",
            facts=(Fact("case_no", "办件编号", "X1"),)), "case_not_found", "请核对办件编号"),
    (Answer(AnswerKind.INVALID, "办件编号格式不正确"), "invalid", "办件编号由数字和字母组成"),
    (Answer(AnswerKind.RATE_LIMITED, "查询过于频繁，请稍后再试"), "rate_limited", "稍后再试"),
    (help_answer(), "help", ""),
], ids=["not found", "invalid", "rate limited", "help"])
def test_answers_without_a_case_carry_a_message_and_no_timeline(
        answer: Answer, kind: str, message: str) -> None:
    body = case_payload(answer)
    assert (body["kind"], body["full"], body["timeline"]) == (kind, False, [])
    assert "case_no" not in body
    assert message in body["message"] if message else body["message"] == ""


def test_a_recall_replaces_the_earlier_call_of_its_ticket_newest_first() -> None:
    calls = [_call(4, "A002", "3", recall=True), _call(3, "A003", "5"), _call(2, "A002", "3"),
             _call(1, "A001", "1")]
    body = queue_payload(calls, {"A": 2}, {"A": QueueCategory("A", "综合受理")}, shown=2)
    assert [(c["ticket"], c["recall"]) for c in body["calls"]] == [("A002", True),
                                                                   ("A003", False)]
    assert body["categories"] == [{"prefix": "A", "name": "综合受理", "waiting": 2}]


@pytest.mark.parametrize(("total", "size", "pages"), [(0, 8, 1), (8, 8, 1), (9, 8, 2),
                                                      (27, 8, 4)])
def test_page_counts_round_up_and_never_fall_below_one(total: int, size: int,
                                                       pages: int) -> None:
    assert page_payload([], total, 1, size)["pages"] == pages
