"""The executor against real services: what a caller hears of real answers."""

from __future__ import annotations

import pytest

from civicline.ivr.dialog import (
    Action,
    CallerHungUp,
    Gather,
    Input,
    Keys,
    Play,
    Say,
    State,
    Transfer,
)
from civicline.ivr.executor import CallExecutor, phone_number
from civicline.services import Services
from tests.ivr.harness import CALLER, CASE_NO, CODE, MENU, SentTexts, seed_hall, voice_core


async def call(services: Services, inputs: list[Input], *, caller: str = CALLER,
               texter: SentTexts | None = None) -> tuple[State, list[Action]]:
    await seed_hall(services)
    executor = CallExecutor(MENU, voice_core(services, texter), caller, "call-1")
    state, actions = await executor.begin(office_open=True)
    heard = list(actions)
    for given in inputs:
        state, actions = await executor.turn(state, given)
        heard.extend(actions)
    return state, heard


def said(heard: list[Action]) -> str:
    return " | ".join(a.text for a in heard if isinstance(a, Say))


async def test_the_public_view_names_item_department_and_stage(services: Services) -> None:
    _, heard = await call(services, [Keys("1"), Keys("1"), Keys(CASE_NO), Keys("1")])
    text = said(heard)
    assert "食品经营许可（新办）" in text and "市场监督管理局" in text and "受理" in text
    assert not any(isinstance(a, Say) and a.private for a in heard)
    assert isinstance(heard[-1], Gather) and heard[-1].prompt == "code_entry"


async def test_the_right_code_reads_the_full_view_privately_and_is_audited(
        services: Services) -> None:
    _, heard = await call(services, [Keys("1"), Keys("1"), Keys(CASE_NO), Keys("1"),
                                     Keys(CODE)])
    private = [a.text for a in heard if isinstance(a, Say) and a.private]
    assert any("承诺办结日期：二〇二六年" in t for t in private)
    assert any("综合受理区 十二 号窗口" in t for t in private)
    audit = await services.audit.recent(CASE_NO)
    assert [(a.channel, a.reason, a.sender) for a in audit] == [
        ("voice", "query_code", CALLER)]


async def test_the_caller_id_of_the_applicant_does_not_open_the_full_view(
        services: Services) -> None:
    _, heard = await call(services, [Keys("1"), Keys("1"), Keys(CASE_NO), Keys("1")],
                          caller="13800001111")  # the applicant's registered phone
    assert not any(isinstance(a, Say) and a.private for a in heard)


async def test_five_wrong_codes_lock_the_case_for_every_channel(services: Services) -> None:
    inputs: list[Input] = [Keys("1"), Keys("1"), Keys(CASE_NO), Keys("1"), Keys("111111"),
                           Keys("222222")]
    await call(services, inputs)
    executor = CallExecutor(MENU, voice_core(services), CALLER, "call-2")
    state, _ = await executor.begin(office_open=True)
    heard: list[Action] = []
    for given in [Keys("1"), Keys("1"), Keys(CASE_NO), Keys("1"), Keys("333333"),
                  Keys("444444"), Keys("555555")]:
        state, actions = await executor.turn(state, given)
        heard.extend(actions)
    assert Play("code_locked") in heard
    answer = await services.query.lookup_case(CASE_NO, executor.asker, code=CODE)
    assert answer.kind == "case_locked"


async def test_guides_are_read_with_time_limit_and_materials_and_sent_once(
        services: Services) -> None:
    texter = SentTexts()
    _, heard = await call(services, [Keys("1"), Keys("2"), Keys("1"), Keys("1"), Keys("1")],
                          texter=texter)
    text = said(heard)
    assert "第一项，结婚登记，承诺时限五个工作日，需要材料两份" in text
    assert "第二项，离婚登记，承诺时限即来即办" in text
    assert heard.count(Play("sms_sent")) == 2
    assert texter.sent == [(CALLER, "结婚登记办事指南：https://hall.example/w/g/2001",
                            texter.sent[0][2])]


async def test_an_anonymous_caller_is_told_the_sms_cannot_be_sent(services: Services) -> None:
    _, heard = await call(services, [Keys("1"), Keys("2"), Keys("1"), Keys("1")],
                          caller="anonymous", texter=SentTexts())
    assert Play("sms_failed") in heard


async def test_the_queue_says_the_number_served_and_people_waiting(services: Services
                                                                   ) -> None:
    _, heard = await call(services, [Keys("1"), Keys("3")])
    assert "综合受理，正在办理A零零幺号，等候一人。" in said(heard)


async def test_zero_in_office_hours_transfers(services: Services) -> None:
    state, heard = await call(services, [Keys("1"), Keys("0"), CallerHungUp()])
    assert heard[-1] == Transfer() and state.ended


@pytest.mark.parametrize(("caller", "number"), [
    ("+8613800009999", "+8613800009999"), ("13800009999", "13800009999"),
    ("anonymous", None), ("", None), ("12", None), ("<unknown>", None)])
def test_only_a_real_number_gets_texts(caller: str, number: str | None) -> None:
    assert phone_number(caller) == number
