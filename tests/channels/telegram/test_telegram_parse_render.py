"""Telegram's pure halves: an update as a MessengerInput, a Reply as Bot API messages."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from civicline.channels.messenger.model import (
    Action,
    ActionKind,
    InputKind,
    MessengerInput,
    Reply,
)
from civicline.channels.telegram.parse import parse_update
from civicline.channels.telegram.render import MAX_TEXT, render
from civicline.core.answer import Answer, AnswerKind, Fact, Link, LinkKind
from tests.channels.telegram.harness import callback, contact, message

PARSE_CASES: list[tuple[str, dict[str, Any], MessengerInput | None]] = [
    ("free text is text", message("营业执照", chat=7),
     MessengerInput(InputKind.TEXT, "7", text="营业执照")),
    ("a command keeps its words as arguments", message("/status 4409 654321", chat=7),
     MessengerInput(InputKind.COMMAND, "7", command="status", args=("4409", "654321"))),
    ("a command addressed to the bot by name is the same command",
     message("/Help@CivicLineBot", chat=7), MessengerInput(InputKind.COMMAND, "7", command="help")),
    ("a button press is a choice", callback("g:1001", chat=7),
     MessengerInput(InputKind.CHOICE, "7", text="g:1001")),
    ("the user's own contact is marked own", contact("+8613800001111", 7, chat=7),
     MessengerInput(InputKind.CONTACT, "7", phone="+8613800001111", own_contact=True)),
    ("someone else's contact is not", contact("+8613800001111", 8, chat=7),
     MessengerInput(InputKind.CONTACT, "7", phone="+8613800001111", own_contact=False)),
    ("a contact without user id is not", contact("+8613800001111", None, chat=7),
     MessengerInput(InputKind.CONTACT, "7", phone="+8613800001111", own_contact=False)),
    ("a message without text is unsupported", message(chat=7, location={
        "latitude": 23.1, "longitude": 113.3}), MessengerInput(InputKind.UNSUPPORTED, "7")),
    ("a group message is ignored", message("x", chat=-5, chat_type="group"), None),
    ("an update without a message is ignored", {"update_id": 1}, None),
]


@pytest.mark.parametrize(("label", "wire", "expected"), PARSE_CASES,
                         ids=[c[0] for c in PARSE_CASES])
def test_parse_update(label: str, wire: dict[str, Any], expected: MessengerInput | None
                      ) -> None:
    parsed = parse_update(Update.de_json(wire, None))
    if expected is None:
        assert parsed is None
        return
    assert parsed is not None
    assert parsed.message_id == f"u{wire['update_id']}"
    assert parsed == MessengerInput(**{**_fields(expected), "message_id": parsed.message_id})


def _fields(item: MessengerInput) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}


BASE = "https://hall.example.cn"
CASE_ANSWER = Answer(AnswerKind.CASE_PUBLIC, "食品经营许可：受理",
                     facts=(Fact("stage", "当前环节", "受理 <b>"),),
                     links=(Link(LinkKind.CASE, "4409", "办件详情"),))


def test_an_answer_renders_as_escaped_html_with_its_links() -> None:
    (rendered,) = render(Reply(CASE_ANSWER), BASE)
    assert rendered.html
    assert rendered.text.startswith("<b>食品经营许可：受理</b>")
    assert "受理 &lt;b&gt;" in rendered.text
    assert f'<a href="{BASE}/w/c/4409">办件详情</a>' in rendered.text


def test_a_long_reply_is_split_into_messages_within_the_limit_with_buttons_on_the_last() -> None:
    lines = tuple(Fact(f"f{i}", "事项", "字" * 1000) for i in range(9))
    reply = Reply(Answer(AnswerKind.GUIDE_DETAIL, "很长", facts=lines),
                  actions=((Action("帮助", data="m:help"),),))
    messages = render(reply, BASE)
    assert len(messages) == 3
    assert all(len(m.text) <= MAX_TEXT for m in messages)
    assert [bool(m.buttons) for m in messages] == [False, False, True]


def test_one_paragraph_longer_than_a_message_is_cut_without_breaking_an_entity() -> None:
    (rendered,) = render(Reply(text="&" * 5000), BASE)
    assert len(rendered.text) <= MAX_TEXT
    assert rendered.text.endswith("&amp;…")


def test_the_share_contact_button_comes_on_its_own_reply_keyboard() -> None:
    reply = Reply(text="您好", actions=((Action("帮助", data="m:help"),),
                                      (Action("分享手机号", ActionKind.SHARE_CONTACT),)))
    first, second = render(reply, BASE)
    assert [b.data for row in first.buttons for b in row] == ["m:help"]
    assert [b.request_contact for row in second.buttons for b in row] == [True]


def test_a_button_whose_data_exceeds_64_bytes_is_left_out() -> None:
    reply = Reply(text="x", actions=((Action("长", data="g:" + "字" * 30),
                                      Action("短", data="g:1")),))
    (rendered,) = render(reply, BASE)
    assert [b.label for row in rendered.buttons for b in row] == ["短"]
