"""The dialog engine: `step(menu, state, input) -> (state, actions)`, with no I/O.

Inputs are what the caller did (keys, silence, speech, hanging up) or what the executor
found when it carried out an ask (`Answered`). Actions are data: prompts to play, digits to
read back, a gather that ends the turn, asks for the query service, an SMS link, a transfer,
hanging up. Both renderers (AGI and TwiML) read the same actions, so the two phone paths
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from civicline.ivr.menu import (
    AGENT,
    AGENT_KEY,
    BACK_KEY,
    END_KEY,
    EXHAUSTED,
    GOODBYE,
    REPEAT_KEY,
    Menu,
    Node,
    NodeKind,
)
from civicline.ivr.spoken import keys_from_speech

# -- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Keys:
    keys: str  # DTMF as received, without the terminating #


@dataclass(frozen=True, slots=True)
class Silence:
    """No key within the gather's timeout."""


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    pass


@dataclass(frozen=True, slots=True)
class Speech:
    text: str


class Outcome(StrEnum):
    FOUND = "found"  # public view read out
    FULL = "full"  # full view read out
    NOT_FOUND = "not_found"  # unknown, confidential, or a malformed number: said alike
    WRONG_CODE = "wrong_code"
    LOCKED = "locked"
    LIMITED = "limited"
    LISTED = "listed"  # guides read out; refs: their ids
    EMPTY = "empty"
    SENT = "sent"
    FAILED = "failed"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Answered:
    outcome: Outcome
    refs: tuple[str, ...] = ()


Input = Keys | Silence | CallerHungUp | Speech | Answered

# -- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    prompt: str  # a prompt id (civicline/ivr/prompts.py)


@dataclass(frozen=True, slots=True)
class SayDigits:
    digits: str  # read one by one


@dataclass(frozen=True, slots=True)
class Say:
    """Dynamic text from an answer (item names, stages, dates already in words)."""

    text: str
    private: bool = False  # full-view facts: rendered for this call only, never cached


@dataclass(frozen=True, slots=True)
class Gather:
    """Play `prompt` and collect keys; ends the turn (the next input answers it)."""

    prompt: str
    max_digits: int
    timeout_seconds: float
    terminator: str = ""  # "#" for digit entry


@dataclass(frozen=True, slots=True)
class AskCase:
    case_no: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class AskGuides:
    by: str  # "life_event" | "department"
    value: str
    top: int


@dataclass(frozen=True, slots=True)
class AskQueue:
    pass


@dataclass(frozen=True, slots=True)
class SendGuideLink:
    guide_id: str  # to the caller's own number only


@dataclass(frozen=True, slots=True)
class RequestCallback:
    pass


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class Transfer:
    """To a person ([ivr] agent_number); the call leaves the menu."""


@dataclass(frozen=True, slots=True)
class HangUp:
    pass


Action = (Play | SayDigits | Say | Gather | AskCase | AskGuides | AskQueue | SendGuideLink
          | RequestCallback | SetLanguage | Transfer | HangUp)
ASKS = (AskCase, AskGuides, AskQueue, SendGuideLink, RequestCallback)


@dataclass(frozen=True, slots=True)
class State:
    node: str
    language: str = "cmn"
    tries: int = 0  # wrong or missing inputs at this node
    office_open: bool = True
    case_no: str = ""  # the number being asked about (never the code)
    guides: tuple[str, ...] = ()  # the guide ids last read out, for "send N by SMS"
    ended: bool = False


Step = tuple[State, tuple[Action, ...]]

# -- the engine ------------------------------------------------------------------------------


def start(menu: Menu, *, office_open: bool, language: str = "cmn") -> Step:
    """The call's first state and actions."""
    return _enter(menu, State(node=menu.start, language=language, office_open=office_open),
                  menu.start)


def step(menu: Menu, state: State, given: Input) -> Step:
    """What the call does next after `given`."""
    if state.ended:
        return state, ()
    if isinstance(given, CallerHungUp):
        return replace(state, ended=True), ()
    node = menu.node(state.node)
    if isinstance(given, Answered):
        return _answered(menu, state, node, given)
    keys = _keys(given)
    if keys is None:
        if node.kind is NodeKind.LANGUAGE:  # a caller who does not choose gets the default
            return _enter(menu, state, node.then)
        return _retry(menu, state, node, "no_input")
    if keys == AGENT_KEY and node.kind is not NodeKind.AGENT:
        return _enter(menu, state, AGENT)
    if keys == BACK_KEY or (keys.startswith(BACK_KEY) and node.digits > 1):
        return _enter(menu, state, node.parent) if node.parent else _repeat(state, node)
    if keys == REPEAT_KEY and node.digits == 1:
        return _repeat(state, node)
    return _chosen(menu, state, node, keys)


def _keys(given: Keys | Silence | Speech) -> str | None:
    if isinstance(given, Silence):
        return None
    if isinstance(given, Speech):
        return keys_from_speech(given.text)
    keys = given.keys.removesuffix(END_KEY)
    return keys or None


def _chosen(menu: Menu, state: State, node: Node, keys: str) -> Step:
    kind = node.kind
    if kind is NodeKind.LANGUAGE and keys in node.choices:
        language = node.choices[keys]
        state = replace(state, language=language)
        new_state, actions = _enter(menu, state, node.then)
        return new_state, (SetLanguage(language), *actions)
    if kind is NodeKind.MENU and keys in node.choices:
        return _enter(menu, state, node.choices[keys])
    if kind is NodeKind.ENTRY and keys.isdigit() and len(keys) == node.digits:
        state = replace(state, case_no=keys)
        return _enter(menu, state, node.then, lead=(Play("you_entered"), SayDigits(keys)))
    if kind is NodeKind.CODE and keys.isdigit() and len(keys) == node.digits:
        return state, (AskCase(state.case_no, keys),)
    if kind is NodeKind.TOPICS and keys in node.choices:
        by, _, value = node.choices[keys].partition(":")
        return state, (AskGuides(by, value, node.top),)
    if kind is NodeKind.GUIDE_LIST and keys.isdigit() and 1 <= int(keys) <= len(state.guides):
        return state, (SendGuideLink(state.guides[int(keys) - 1]),)
    if kind is NodeKind.AGENT and keys == "1":
        return state, (RequestCallback(),)
    wrong = "case_no_invalid" if kind is NodeKind.ENTRY else (
        "code_invalid" if kind is NodeKind.CODE else "invalid_input")
    return _retry(menu, state, node, wrong)


def _answered(menu: Menu, state: State, node: Node, answered: Answered) -> Step:
    outcome, kind = answered.outcome, node.kind
    if outcome is Outcome.LIMITED:
        return _enter(menu, state, GOODBYE, lead=(Play("rate_limited"),))
    if kind is NodeKind.LOOKUP:
        if outcome is Outcome.FOUND:
            return _enter(menu, state, node.then)
        return _enter(menu, state, node.parent or GOODBYE, lead=(Play("case_not_found"),))
    if kind is NodeKind.CODE:
        if outcome is Outcome.FULL:
            return _enter(menu, state, node.then)
        if outcome is Outcome.LOCKED:
            return _enter(menu, state, node.then, lead=(Play("code_locked"),))
        return _retry(menu, state, node, "code_wrong")
    if kind is NodeKind.TOPICS:
        if outcome is Outcome.LISTED and answered.refs:
            return _enter(menu, replace(state, guides=answered.refs[:8]), node.then)
        return _repeat(state, node, lead=(Play("no_guides"),))
    if kind is NodeKind.GUIDE_LIST:
        said = "sms_sent" if outcome is Outcome.SENT else "sms_failed"
        return _repeat(state, node, lead=(Play(said),))
    if kind is NodeKind.QUEUE:
        return _enter(menu, state, node.then)
    if kind is NodeKind.AGENT:
        said = "callback_booked" if outcome is Outcome.SENT else "sms_failed"
        return _enter(menu, state, GOODBYE, lead=(Play(said),))
    return state, ()  # an answer nobody asked for (a late callback): nothing changes


def _enter(menu: Menu, state: State, name: str, lead: tuple[Action, ...] = ()) -> Step:
    node = menu.node(name)
    state = replace(state, node=name, tries=0)
    kind = node.kind
    if kind is NodeKind.LOOKUP:
        return state, (*lead, AskCase(state.case_no))
    if kind is NodeKind.QUEUE:
        return state, (*lead, AskQueue())
    if kind is NodeKind.GOODBYE:
        return replace(state, ended=True), (*lead, Play("goodbye"), HangUp())
    if kind is NodeKind.AGENT:
        if state.office_open:
            return replace(state, ended=True), (*lead, Play("transferring"), Transfer())
        lead = (*lead, Play("agent_closed"))
    return state, (*lead, _gather(node))


def _gather(node: Node) -> Gather:
    if node.kind in (NodeKind.ENTRY, NodeKind.CODE):
        return Gather(node.prompt, node.digits, node.timeout_seconds, END_KEY)
    return Gather(node.prompt, 1, node.timeout_seconds)


def _repeat(state: State, node: Node, lead: tuple[Action, ...] = ()) -> Step:
    return state, (*lead, _gather(node))


def _retry(menu: Menu, state: State, node: Node, said: str) -> Step:
    tries = state.tries + 1
    if tries >= menu.tries_of(node):
        if node.name == EXHAUSTED:
            return _enter(menu, state, GOODBYE)
        return _enter(menu, state, EXHAUSTED, lead=(Play("too_many_tries"),))
    return replace(state, tries=tries), (Play(said), _gather(node))
