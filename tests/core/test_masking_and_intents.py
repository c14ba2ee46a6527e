"""Tables: masking of personal data, and what free text asks for."""

from __future__ import annotations

import pytest

from civicline.core.intents import Intent, parse_text
from civicline.core.masking import mask_organisation, mask_person, mask_phone, redact_phones


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("张小明", "张*明"), ("欧阳小明", "欧**明"), ("李", "李"), ("", "*"),
])
def test_person_names_are_masked(name: str, masked: str) -> None:
    assert mask_person(name) == masked


@pytest.mark.parametrize(("name", "masked"), [
    ("茂名市信宜食品有限公司", "茂名市***有限公司"),
    ("广东华南科技股份有限公司", "***股份有限公司"),
    ("信宜市钱排镇农业合作社", "信宜市***合作社"),
])
def test_organisation_names_keep_place_and_legal_form(name: str, masked: str) -> None:
    assert mask_organisation(name) == masked


def test_phones_are_masked_in_answers_and_logs() -> None:
    assert mask_phone("+8613800000000") == "138****0000"
    assert redact_phones("sent to 13800001111 ok") == "sent to 138****1111 ok"


@pytest.mark.parametrize(("text", "intent", "case_no", "code"), [
    ("440920261127000123", Intent.CASE_LOOKUP, "440920261127000123", None),
    ("查 4409 2026 1127-000123 654321", Intent.CASE_LOOKUP, "440920261127000123", "654321"),
    ("查詢：４４０９２０２６１１２７０００１２３", Intent.CASE_LOOKUP, "440920261127000123", None),
    ("sbk", Intent.GUIDE_SEARCH, "", None),
    ("开饭店要办什么证", Intent.GUIDE_SEARCH, "", None),
    ("指南 结婚登记", Intent.GUIDE_SEARCH, "", None),
    ("指南 1001", Intent.GUIDE_DETAIL, "", None),
    ("帮助", Intent.HELP, "", None),
    ("HELP", Intent.HELP, "", None),
    ("？", Intent.HELP, "", None),
    ("   ", Intent.HELP, "", None),
])
def test_free_text_intents(text: str, intent: Intent, case_no: str, code: str | None) -> None:
    parsed = parse_text(text)
    assert parsed.intent is intent
    assert parsed.case_no == case_no
    assert parsed.code == code


def test_traditional_search_words_become_simplified() -> None:
    assert parse_text("身份證補辦").text == "身份证补办"
