"""One inbound SMS → one reply text: the code path shared by both webhooks and `simulate`.

Order: record (the database refuses a repeat) → parse → opt-out state → ask the query
service → render within the gateway's parts.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache

from civicline.core.answer import Answer, AnswerKind
from civicline.core.masking import mask_phone
from civicline.core.normalize import clean_case_no
from civicline.core.ports import Clock
from civicline.core.query import Asker, QueryService, help_answer
from civicline.sms.config import SmsSettings
from civicline.sms.parse import Command, CommandKind, parse_sms
from civicline.sms.render import render_answer
from civicline.sms.segments import PartCount, count_parts
from civicline.sms.state import SmsState
from civicline.sms.templates import get_template

log = logging.getLogger("civicline.sms")


def _text_hash(text: str) -> str:
    """What de-duplication compares (of the whole text, however long)."""
    return _short_text_hash(text) if len(text) <= 160 else _hash(text)


@lru_cache(maxsize=4096)
def _short_text_hash(text: str) -> str:
    # Cached: the same short texts (a case number, 帮助) come from many numbers.
    return _hash(text)


def _hash(text: str) -> str:
    # 64 bits: compared only between messages of one number within seconds.
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    parts: PartCount
    template: str = "reply"  # stop/start confirmations have their own approved templates


class Conversation:
    def __init__(self, query: QueryService, state: SmsState, sms: SmsSettings, clock: Clock,
                 base_url: str) -> None:
        self.query, self.state, self.sms, self.clock = query, state, sms, clock
        self.base_url = base_url

    async def handle(self, phone: str, text: str, *, gateway: str,
                     provider_message_id: str = "") -> Reply | None:
        """The reply to send, or None (a repeat, or a number that opted out)."""
        now = self.clock().timestamp()
        first = await self.state.record_inbound(provider_message_id, phone, _text_hash(text),
                                                now, self.sms.dedupe_seconds)
        if not first:
            if log.isEnabledFor(logging.INFO):
                log.info("sms_inbound_repeat", extra={"from": mask_phone(phone)})
            return None
        command = parse_sms(text)
        if command.kind is CommandKind.STOP:
            if not await self.state.opt_out(phone, "keyword", now):
                return None  # confirmed once already
            await self.state.unsubscribe_all(phone)
            return self._fixed("stop_confirm", gateway)
        if command.kind is CommandKind.START:
            await self.state.opt_in(phone)
            return self._fixed("start_confirm", gateway)
        if self.state.is_opted_out(phone):
            return None
        answer = await self._answer(phone, command, now)
        return self._reply(answer, gateway)

    def _reply(self, answer: Answer, gateway: str) -> Reply:
        rendered = render_answer(answer, gateway=gateway, max_parts=self.sms.max_parts,
                                 signature=self._signature(gateway), base_url=self.base_url)
        return Reply(rendered.text, rendered.parts)

    def _signature(self, gateway: str) -> str:
        return self.sms.signature if gateway == "gateway" else ""

    def _fixed(self, template: str, gateway: str) -> Reply:
        text = get_template(template).render({})
        return Reply(text, count_parts(text, gateway, self._signature(gateway)), template)

    async def _answer(self, phone: str, command: Command, now: float) -> Answer:
        asker = Asker(channel="sms", sender_id=phone, phone=phone)
        if command.kind is CommandKind.HELP:
            return help_answer()
        if command.kind is CommandKind.PICK:
            choices = self.state.choices(phone, now)
            if command.pick > len(choices):
                return help_answer()
            return await self.query.guide_detail(choices[command.pick - 1])
        if command.kind is CommandKind.UNSUBSCRIBE:
            removed = await self.state.unsubscribe_all(phone)
            return Answer(AnswerKind.HELP,
                          "已取消订阅办件进度提醒" if removed else "您没有订阅办件")
        if command.kind is CommandKind.SUBSCRIBE:
            return await self._subscribe(phone, command.case_no, command.code, asker, now)
        answer = await self.query.ask(command.text, asker)
        if answer.kind is AnswerKind.GUIDE_LIST:
            top = answer.choices[:3]
            await self.state.set_choices(phone, [c.ref for c in top],
                                         now + self.sms.choice_ttl_minutes * 60)
            answer = Answer(answer.kind, answer.title, choices=top, hits=answer.hits[:3],
                            total=answer.total, links=answer.links[:3])
        return answer

    async def _subscribe(self, phone: str, case_no: str, code: str, asker: Asker,
                         now: float) -> Answer:
        # The code is checked by the core, with its lockout and audit, like any lookup.
        answer = await self.query.lookup_case(case_no, asker, code=code)
        key = clean_case_no(case_no)
        if answer.kind is not AnswerKind.CASE_FULL or key is None:
            return answer
        await self.state.subscribe(phone, key, now)
        return Answer(AnswerKind.HELP, f"已订阅办件{key}的进度提醒，回复“取消订阅”可取消",
                      facts=answer.facts[:2], links=answer.links[:1])
