"""Answer → SMS text within N parts: least important facts go first, the link stays."""

from __future__ import annotations

import pytest

from civicline.core.answer import Answer, AnswerKind, Fact, Importance, Link, LinkKind
from civicline.sms.render import render_answer
from civicline.sms.segments import count_parts

BASE = "https://civicline.example.gov.cn"


def _answer(*facts: Fact) -> Answer:
    return Answer(AnswerKind.CASE_FULL, "食品经营许可（新办）：受理", facts=facts,
                  links=(Link(LinkKind.CASE, "440920261127000123"),),
                  next_steps=("提供6位查询码可查看办理详情",))


LONG = "很长的说明" * 20  # 100 characters


@pytest.mark.parametrize(("label", "gateway", "max_parts", "kept", "dropped"), [
    ("everything fits in three parts", "twilio", 3, ("stage", "window"), ()),
    ("one part drops the low fact and the next steps first", "twilio", 1,
     ("stage",), ("next", "note")),
    ("the mainland gateway counts the signature", "gateway", 2, ("stage",), ("next", "note")),
])
def test_render_drops_least_important_facts_first(label: str, gateway: str, max_parts: int,
                                                  kept: tuple[str, ...],
                                                  dropped: tuple[str, ...]) -> None:
    answer = _answer(Fact("stage", "当前环节", "受理", Importance.ESSENTIAL),
                     Fact("window", "办理窗口", "综合受理区 12 号窗口", Importance.HIGH),
                     Fact("note", "说明", LONG, Importance.LOW))
    rendered = render_answer(answer, gateway=gateway, max_parts=max_parts,
                             signature="【市政务服务中心】", base_url=BASE)
    assert rendered.parts.parts <= max_parts, label
    assert rendered.text.endswith(f"{BASE}/w/c/440920261127000123"), label
    for key in dropped:
        assert key in rendered.dropped, label
    for key in kept:
        assert key not in rendered.dropped, label


def test_essential_text_too_long_is_cut_with_a_mark_and_keeps_the_link() -> None:
    answer = _answer(Fact("stage", "当前环节", "受" * 400, Importance.ESSENTIAL))
    rendered = render_answer(answer, max_parts=2, base_url=BASE)
    assert rendered.parts.parts == 2
    assert "…\n" + BASE in rendered.text


def test_emoji_is_kept_not_replaced_and_never_split() -> None:
    answer = Answer(AnswerKind.HELP, "😀" * 100)
    rendered = render_answer(answer, max_parts=1)
    assert set(rendered.text) <= {"😀", "…"}
    assert count_parts(rendered.text, "twilio").parts == 1


def test_gsm_text_stays_gsm() -> None:
    rendered = render_answer(Answer(AnswerKind.HELP, "Case 123 [ok] €5"), max_parts=1)
    assert rendered.parts.encoding == "GSM-7" and rendered.text == "Case 123 [ok] €5"
