"""Inbound SMS text → command, in every form citizens type."""

from __future__ import annotations

import pytest

from civicline.sms.parse import MAX_SMS_CHARS, CommandKind, parse_sms


@pytest.mark.parametrize(("text", "kind", "detail"), [
    ("", CommandKind.HELP, ""),
    ("   ", CommandKind.HELP, ""),
    ("帮助", CommandKind.HELP, ""),
    ("HELP", CommandKind.HELP, ""),
    ("?", CommandKind.HELP, ""),
    ("？", CommandKind.HELP, ""),
    ("幫助", CommandKind.HELP, ""),
    ("TD", CommandKind.STOP, ""),
    ("td", CommandKind.STOP, ""),
    ("退订", CommandKind.STOP, ""),
    ("退訂", CommandKind.STOP, ""),
    ("STOP", CommandKind.STOP, ""),
    ("ＳＴＯＰ", CommandKind.STOP, ""),
    ("START", CommandKind.START, ""),
    ("取消订阅", CommandKind.UNSUBSCRIBE, ""),
    ("1", CommandKind.PICK, "1"),
    ("３", CommandKind.PICK, "3"),
    (" 2 ", CommandKind.PICK, "2"),
    ("订阅 440920261127000123 654321", CommandKind.SUBSCRIBE, "440920261127000123/654321"),
    ("訂閱 4409-2026-1127-000123 654321", CommandKind.SUBSCRIBE,
     "4409-2026-1127-000123/654321"),
    ("订阅", CommandKind.HELP, ""),
    ("查 440920261127000123", CommandKind.QUERY, "440920261127000123"),
    ("查询：440920261127000123 654321", CommandKind.QUERY, "440920261127000123 654321"),
    ("４４０９２０２６１１２７０００１２３", CommandKind.QUERY, "440920261127000123"),
    ("指南 营业执照", CommandKind.QUERY, "指南 营业执照"),
    ("怎么开饭店", CommandKind.QUERY, "怎么开饭店"),
    ("4", CommandKind.QUERY, "4"),
])
def test_every_inbound_form_reads_as_the_right_command(text: str, kind: CommandKind,
                                                       detail: str) -> None:
    command = parse_sms(text)
    assert command.kind is kind
    if kind is CommandKind.PICK:
        assert str(command.pick) == detail
    elif kind is CommandKind.SUBSCRIBE:
        assert f"{command.case_no}/{command.code}" == detail
    elif kind is CommandKind.QUERY:
        assert command.text == detail


def test_an_oversized_body_is_read_from_its_first_1600_characters() -> None:
    # No SMS is longer (Twilio's limit); a huge form field must not reach the caches whole.
    command = parse_sms("查 440920261127000123" + " 办" * 500_000)
    assert command.kind is CommandKind.QUERY
    assert len(command.text) <= MAX_SMS_CHARS
    assert command.text.startswith("440920261127000123 办")
