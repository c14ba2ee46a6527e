"""The executor: between the dialog engine and a renderer, it carries out the engine's asks.

A turn runs the engine on one input, then answers every ask (query service, queue service,
SMS links) and feeds the outcome back, until only things to say and a gather (or a transfer,
or a hang-up) remain; those go to the renderer. Caller ID is used only as the asker's opaque
id and as the number an SMS link goes to: never to open the full view (it is spoofable).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from civicline.core.answer import Link, LinkKind
from civicline.core.masking import mask_phone
from civicline.core.models import Guide
from civicline.core.query import Asker, QueryService
from civicline.core.queue import QueueService
from civicline.ivr.dialog import (
    ASKS,
    Action,
    Answered,
    AskCase,
    AskGuides,
    AskQueue,
    Input,
    Outcome,
    RequestCallback,
    SendGuideLink,
    State,
    Step,
    start,
    step,
)
from civicline.ivr.menu import Menu
from civicline.ivr.speech import case_speech, guides_speech, queue_speech
from civicline.web.links import public_url

log = logging.getLogger("civicline.ivr")
VOICE_CHANNEL = "voice"
MAX_ASKS_PER_TURN = 8  # a menu that loops through asks without a gather is a bug, not a call


class LinkTexter(Protocol):
    """Sends one SMS to the caller's own number (through the platform's outbox)."""

    async def send_text(self, to: str, text: str, dedupe_key: str) -> bool: ...


@dataclass(frozen=True)
class VoiceCore:
    """What the executor asks: the hub's services and the SMS port."""

    query: QueryService
    queue: QueueService
    texter: LinkTexter | None  # None: SMS links are not wired (the caller hears so)
    public_base: str
    office_hours_text: str = ""


def phone_number(caller_id: str) -> str | None:
    """The caller's number when it looks like one we could text (not anonymous/unknown)."""
    digits = caller_id.strip().lstrip("+")
    return caller_id.strip() if digits.isdigit() and 7 <= len(digits) <= 15 else None


@dataclass
class CallExecutor:
    """One call's executor; `turn` returns only what a renderer turns into commands."""

    menu: Menu
    core: VoiceCore
    caller_id: str  # as the network reported it: untrusted
    call_id: str

    @property
    def asker(self) -> Asker:
        return Asker(channel=VOICE_CHANNEL, sender_id=self.caller_id or self.call_id,
                     phone=None)

    async def begin(self, *, office_open: bool, language: str = "cmn") -> Step:
        return await self._carry_out(start(self.menu, office_open=office_open,
                                           language=language))

    async def turn(self, state: State, given: Input) -> Step:
        return await self._carry_out(step(self.menu, state, given))

    async def _carry_out(self, result: Step) -> Step:
        state, actions = result
        said: list[Action] = []
        for _ in range(MAX_ASKS_PER_TURN):
            ask = next((a for a in actions if isinstance(a, ASKS)), None)
            if ask is None:
                return state, (*said, *actions)
            before = actions[:actions.index(ask)]
            speech, answered = await self._ask(ask, state)
            said.extend((*before, *speech))
            state, actions = step(self.menu, state, answered)
        raise RuntimeError(f"menu loops through asks at node {state.node!r}")

    async def _ask(self, ask: Action, state: State) -> tuple[Sequence[Action], Answered]:
        language = state.language
        if isinstance(ask, AskCase):
            answer = await self.core.query.lookup_case(ask.case_no, self.asker, code=ask.code)
            return case_speech(answer, language)
        if isinstance(ask, AskGuides):
            return guides_speech(await self._guides(ask), language)
        if isinstance(ask, AskQueue):
            queue = self.core.queue
            waiting = await queue.waiting_counts()
            recent = await queue.recent_calls(50)
            return queue_speech(list(queue.categories.values()), waiting, recent,
                                language), Answered(Outcome.DONE)
        if isinstance(ask, SendGuideLink):
            return (), await self._send_guide(ask.guide_id)
        if isinstance(ask, RequestCallback):
            return (), await self._callback()
        raise TypeError(f"not an ask: {ask!r}")

    async def _guides(self, ask: AskGuides) -> list[Guide]:
        answer = await self.core.query.search_guides(
            "", self.asker, page_size=ask.top,
            department=ask.value if ask.by == "department" else None,
            life_event=ask.value if ask.by == "life_event" else None)
        found = []
        for hit in answer.hits[:ask.top]:
            guide = await self.core.query.guide(hit.guide_id)
            if guide is not None:
                found.append(guide)
        return found

    async def _send_guide(self, guide_id: str) -> Answered:
        guide = await self.core.query.guide(guide_id)
        to = phone_number(self.caller_id)
        if guide is None or to is None or self.core.texter is None:
            return Answered(Outcome.FAILED)
        url = public_url(Link(LinkKind.GUIDE, guide.id), self.core.public_base)
        sent = await self.core.texter.send_text(
            to, f"{guide.title}办事指南：{url}", _dedupe("guide", self.call_id, guide.id))
        log.info("ivr_guide_link", extra={"guide": guide.id, "to": mask_phone(to),
                                          "sent": sent})
        return Answered(Outcome.SENT if sent else Outcome.FAILED)

    async def _callback(self) -> Answered:
        to = phone_number(self.caller_id)
        if to is None or self.core.texter is None:
            return Answered(Outcome.FAILED)
        text = "您的人工回电预约已登记，工作人员将在工作时间回电"
        if self.core.office_hours_text:
            text += f"（{self.core.office_hours_text}）"
        sent = await self.core.texter.send_text(to, text + "。", _dedupe("callback",
                                                                         self.call_id))
        log.info("ivr_callback_requested", extra={"to": mask_phone(to), "sent": sent})
        return Answered(Outcome.SENT if sent else Outcome.FAILED)


def _dedupe(*parts: str) -> str:
    """One SMS per call and purpose however often the key is pressed."""
    return "ivr:" + hashlib.sha256(":".join(parts).encode()).hexdigest()[:24]
