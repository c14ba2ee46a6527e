"""The dialog engine, as tables: what the caller does → what the call does."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from civicline.core.errors import ConfigError
from civicline.ivr.config import DEFAULT_MENU
from civicline.ivr.dialog import (
    ASKS,
    Action,
    Answered,
    AskCase,
    AskGuides,
    AskQueue,
    CallerHungUp,
    Gather,
    HangUp,
    Input,
    Keys,
    Outcome,
    Play,
    RequestCallback,
    SayDigits,
    SendGuideLink,
    SetLanguage,
    Silence,
    Speech,
    State,
    Transfer,
    start,
    step,
)
from civicline.ivr.menu import Menu, load_menu, menu_from_dict

CASE_NO = "440920261127000123"
MENU = load_menu(DEFAULT_MENU)


def answer_of(action: Action) -> Answered:
    """What a core with one known case (code 654321) and two marriage guides would answer."""
    if isinstance(action, AskCase):
        if action.case_no != CASE_NO:
            return Answered(Outcome.NOT_FOUND)
        if action.code is None:
            return Answered(Outcome.FOUND)
        return Answered(Outcome.FULL if action.code == "654321" else Outcome.WRONG_CODE)
    if isinstance(action, AskGuides):
        refs = ("G-marriage", "G-divorce") if action.value == "婚姻" else ()
        return Answered(Outcome.LISTED if refs else Outcome.EMPTY, refs)
    if isinstance(action, AskQueue):
        return Answered(Outcome.DONE)
    return Answered(Outcome.SENT)


def walk(inputs: list[Input], *, office_open: bool = True, menu: Menu = MENU
         ) -> tuple[State, list[Action]]:
    """Run a call: every ask is answered at once, as the executor would."""
    state, actions = start(menu, office_open=office_open)
    heard = list(actions)
    pending = list(inputs)
    while True:
        ask = next((a for a in actions if isinstance(a, ASKS)), None)
        if ask is not None:
            state, actions = step(menu, state, answer_of(ask))
        elif pending and not state.ended:
            state, actions = step(menu, state, pending.pop(0))
        else:
            return state, heard
        heard.extend(actions)


def gathers(actions: list[Action]) -> list[str]:
    return [a.prompt for a in actions if isinstance(a, Gather)]


@dataclass
class Case:
    label: str
    inputs: list[Input]
    has: list[Action]  # in this order, not necessarily adjacent
    lacks: list[Action] = field(default_factory=list)
    office_open: bool = True
    ended: bool = False
    last_gather: str | None = None


K = Keys
CASES = [
    Case("a caller who picks no language gets Mandarin and the main menu", [Silence()],
         [Gather("language", 1, 5.0), Gather("main_menu", 1, 6.0)],
         lacks=[SetLanguage("yue")], last_gather="main_menu"),
    Case("pressing 2 at the start switches to Cantonese", [K("2")],
         [SetLanguage("yue"), Gather("main_menu", 1, 6.0)]),
    Case("a case number is read back digit by digit and confirmed before the lookup",
         [K("1"), K("1"), K(CASE_NO), K("1")],
         [Gather("case_no_entry", 18, 15.0, "#"), Play("you_entered"), SayDigits(CASE_NO),
          Gather("case_confirm", 1, 6.0), AskCase(CASE_NO), Gather("code_entry", 6, 12.0, "#")]),
    Case("the right code gives the full view, then the case menu",
         [K("1"), K("1"), K(CASE_NO + "#"), K("1"), K("654321")],
         [AskCase(CASE_NO), AskCase(CASE_NO, "654321"), Gather("case_done", 1, 6.0)]),
    Case("a wrong code is said and the code asked again",
         [K("1"), K("1"), K(CASE_NO), K("1"), K("111111")],
         [AskCase(CASE_NO, "111111"), Play("code_wrong"), Gather("code_entry", 6, 12.0, "#")]),
    Case("2 at the confirmation lets the caller enter the number again",
         [K("1"), K("1"), K(CASE_NO), K("2")],
         [Gather("case_confirm", 1, 6.0), Gather("case_no_entry", 18, 15.0, "#")],
         lacks=[AskCase(CASE_NO)]),
    Case("an unknown case is said and the number asked again",
         [K("1"), K("1"), K("440920261127999999"), K("1")],
         [AskCase("440920261127999999"), Play("case_not_found"),
          Gather("case_no_entry", 18, 15.0, "#")]),
    Case("a short case number is refused without asking the core",
         [K("1"), K("1"), K("4409")],
         [Play("case_no_invalid"), Gather("case_no_entry", 18, 15.0, "#")],
         lacks=[AskCase("4409")]),
    Case("a caller who enters a wrong number twice then presses 0 reaches a person",
         [K("1"), K("1"), K("123"), K("456"), K("0")],
         [Play("case_no_invalid"), Play("case_no_invalid"), Play("transferring"), Transfer()],
         ended=True),
    Case("three wrong keys lead to the last offer, and silence there to goodbye",
         [K("1"), K("7"), K("8"), K("7"), Silence()],
         [Play("invalid_input"), Play("invalid_input"), Play("too_many_tries"),
          Gather("exhausted", 1, 5.0), Play("goodbye"), HangUp()], ended=True),
    Case("0 at the last offer reaches a person",
         [K("1"), Silence(), Silence(), Silence(), K("0")],
         [Play("no_input"), Play("no_input"), Play("too_many_tries"), Transfer()], ended=True),
    Case("garbage keys are wrong input, never a crash",
         [K("1"), K("A"), K("**##"), K("D")],
         [Play("invalid_input"), Play("invalid_input"), Play("too_many_tries")]),
    Case("rating is off in the default menu, so 4 is wrong input",
         [K("1"), K("4")], [Play("invalid_input")], lacks=[Gather("rating", 1, 6.0)]),
    Case("9 repeats the menu and * goes back a level",
         [K("1"), K("2"), K("9"), K("*")],
         [Gather("guide_topics", 1, 8.0), Gather("guide_topics", 1, 8.0),
          Gather("main_menu", 1, 6.0)], last_gather="main_menu"),
    Case("* during digit entry goes back to the main menu",
         [K("1"), K("1"), K("*")],
         [Gather("case_no_entry", 18, 15.0, "#"), Gather("main_menu", 1, 6.0)]),
    Case("guides of a life event are read out and one is sent by SMS",
         [K("1"), K("2"), K("1"), K("2")],
         [AskGuides("life_event", "婚姻", 3), Gather("guide_sms_offer", 1, 8.0),
          SendGuideLink("G-divorce"), Play("sms_sent"), Gather("guide_sms_offer", 1, 8.0)]),
    Case("a guide number beyond the list is wrong input",
         [K("1"), K("2"), K("1"), K("5")], [Play("invalid_input")],
         lacks=[SendGuideLink("G-marriage")]),
    Case("a topic without guides says so and offers the topics again",
         [K("1"), K("2"), K("3")],
         [AskGuides("life_event", "购房", 3), Play("no_guides"), Gather("guide_topics", 1, 8.0)]),
    Case("the queue is read and its menu offered", [K("1"), K("3")],
         [AskQueue(), Gather("queue_done", 1, 6.0)]),
    Case("0 outside office hours says when people are there and offers a callback",
         [K("1"), K("0"), K("1")],
         [Play("agent_closed"), Gather("callback_offer", 1, 6.0), RequestCallback(),
          Play("callback_booked"), Play("goodbye"), HangUp()],
         lacks=[Transfer()], office_open=False, ended=True),
    Case("0 at the language menu already reaches a person", [K("0")],
         [Play("transferring"), Transfer()], ended=True),
    Case("spoken words and Chinese numerals work like keys",
         [Speech("普通话就是一"), Speech("一"), Speech("一"),
          Speech("四四零九二零二六一一二七零零零一二三"), Speech("一")],
         [AskCase(CASE_NO)]),
    Case("asking for a person by voice transfers", [K("1"), Speech("我要转人工")],
         [Transfer()], ended=True),
    Case("a hang-up ends the call with nothing more", [K("1"), CallerHungUp(), K("1")],
         [Gather("main_menu", 1, 6.0)], lacks=[Gather("case_no_entry", 18, 15.0, "#")],
         ended=True),
]


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_dialog(case: Case) -> None:
    state, heard = walk(case.inputs, office_open=case.office_open)
    position = 0
    for expected in case.has:
        assert expected in heard[position:], f"{expected} missing after {heard[:position]}"
        position = heard.index(expected, position) + 1
    for unwanted in case.lacks:
        assert unwanted not in heard
    assert state.ended is case.ended
    if case.last_gather:
        assert gathers(heard)[-1] == case.last_gather


def test_the_code_is_never_kept_in_the_state() -> None:
    state, _ = walk([K("1"), K("1"), K(CASE_NO), K("1"), K("654321")])
    assert "654321" not in repr(state)
    assert state.case_no == CASE_NO


def test_one_language_skips_the_language_menu() -> None:
    menu = load_menu(DEFAULT_MENU, languages=("cmn",))
    _, actions = start(menu, office_open=True)
    assert actions == (Gather("main_menu", 1, 6.0),)


BAD_MENUS: list[tuple[dict[str, object], dict[str, object], str]] = [
    ({"start": "nowhere"}, {}, "no node 'nowhere'"),
    ({}, {"main": {"kind": "dance"}}, "kind: must be one of"),
    ({}, {"main": {"kind": "menu", "prompt": "p", "choices": {"0": "main"}}},
     "single digits 1–8"),
    ({}, {"rating": {"kind": "rating", "enabled": True}}, "rating core"),
    ({"max_tries": 5}, {}, "max_tries: 1–3"),
]


@pytest.mark.parametrize(("top", "nodes", "message"), BAD_MENUS,
                         ids=[m for _, _, m in BAD_MENUS])
def test_a_bad_menu_is_refused_naming_the_key(top: dict[str, object],
                                              nodes: dict[str, object], message: str) -> None:
    import tomllib

    raw = tomllib.loads(DEFAULT_MENU.read_text(encoding="utf-8"))
    raw = {**raw, **top, "nodes": {**raw["nodes"], **nodes}}
    with pytest.raises(ConfigError, match=message):
        menu_from_dict(raw)
