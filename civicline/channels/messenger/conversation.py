"""One messenger input → one reply: the conversation every messenger shares.

Order: de-duplicate → opt-out commands → who is asking (a verified phone, never the chat id
alone) → the core's intents (the same `QueryService.ask` SMS uses) → menus and choices.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from civicline.channels.messenger.model import (
    Action,
    ActionKind,
    InputKind,
    MessengerInput,
    Reply,
)
from civicline.channels.messenger.state import MessengerState
from civicline.core.answer import Answer, AnswerKind
from civicline.core.intents import Intent, parse_text
from civicline.core.masking import mask_phone
from civicline.core.normalize import clean_case_no
from civicline.core.ports import Clock
from civicline.core.query import Asker, QueryService, help_answer
from civicline.core.queue import QueueService

log = logging.getLogger("civicline.messenger")
MAX_TEXT_CHARS = 400  # the core reads no more of free text; longer messages are cut first
PAGE_SIZE = 5  # guides per browsing page: a keyboard that fits a phone screen
CHOICES_SHOWN = 5
CHOICE_TTL_SECONDS = 600.0

WELCOME = ("您好，这里是市政务服务中心。\n"
           "发送办件编号查询办理进度（编号后加空格和6位查询码可看详情），"
           "或发送事项名称查找办事指南。")
ASK_CASE_NO = "请发送办件编号，如：440920261127000123\n编号后加空格和6位查询码可查看详情。"
STALE_BUTTON = "该按钮已过期，请重新选择。"
UNSUPPORTED = "暂时只能识别文字消息。"

MAIN_MENU: tuple[tuple[Action, ...], ...] = (
    (Action("查办件", data="m:case"), Action("办事指南", data="m:guide")),
    (Action("排队情况", data="m:queue"), Action("帮助", data="m:help")),
)
SHARE_CONTACT = Action("分享手机号", ActionKind.SHARE_CONTACT)
# Menu labels typed as text (WeChat users type what they see) mean the same as the buttons.
MENU_WORDS = {"查办件": "m:case", "办事指南": "m:guide", "排队情况": "m:queue", "排队": "m:queue"}


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    channel: str  # "telegram", "wechat": the state and the asker are kept under it
    offers_contact: bool = False  # the platform can share a verified phone (Telegram)


class MessengerConversation:
    def __init__(self, settings: ConversationSettings, query: QueryService,
                 state: MessengerState, clock: Clock, queue: QueueService | None = None
                 ) -> None:
        self.channel = settings.channel
        self.offers_contact = settings.offers_contact
        self.query, self.state, self.queue, self.clock = query, state, queue, clock

    async def handle(self, message: MessengerInput) -> Reply | None:
        """The reply to send, or None (a repeat delivery, or an unfollow)."""
        now = self.clock().timestamp()
        if message.message_id and not await self.state.first_delivery(
                self.channel, message.message_id, now):
            return None
        chat = message.chat_id
        if message.kind is InputKind.UNFOLLOW:
            await self.state.opt_out(self.channel, chat, "unfollow", now)
            return None
        if message.kind is InputKind.FOLLOW:
            await self.state.opt_in(self.channel, chat)
            return self._welcome()
        if message.kind is InputKind.UNSUPPORTED:
            return Reply(help_answer(), text=UNSUPPORTED, actions=MAIN_MENU)
        if message.kind is InputKind.CONTACT:
            return await self._contact(message, now)
        if message.kind is InputKind.CHOICE:
            return await self._choice(chat, message.text, now)
        if message.kind is InputKind.COMMAND:
            return await self._command(chat, message.command, message.args, now)
        return await self._text(chat, message.text[:MAX_TEXT_CHARS], now)

    # -- who is asking ------------------------------------------------------------------------

    async def _asker(self, chat: str) -> Asker:
        # The chat id alone never unlocks the full view: only a phone the platform verified.
        phone = await self.state.verified_phone(self.channel, chat)
        return Asker(channel=self.channel, sender_id=chat, phone=phone)

    async def _contact(self, message: MessengerInput, now: float) -> Reply:
        if not message.own_contact or not message.phone:
            return Reply(text="只能用您本人的手机号验证：请点“分享手机号”按钮，"
                              "转发的联系人不能用于查询。")
        await self.state.set_verified_phone(self.channel, message.chat_id, message.phone, now)
        return Reply(text=f"已验证您的手机号 {mask_phone(message.phone)}。"
                          "现在发送办件编号，即可查看您本人办件的详情。", actions=MAIN_MENU)

    # -- commands -----------------------------------------------------------------------------

    async def _command(self, chat: str, command: str, args: tuple[str, ...], now: float
                       ) -> Reply:
        if command == "start":
            await self.state.opt_in(self.channel, chat)
            return self._welcome()
        if command == "status":
            return await self._status(chat, " ".join(args)) if args else Reply(text=ASK_CASE_NO)
        if command == "guide":
            if not args:
                return await self._departments()
            return await self._search(chat, " ".join(args), now)
        if command == "queue":
            return await self._queue()
        if command == "subscribe":
            return await self._subscribe(chat, args, now)
        if command == "unsubscribe":
            removed = await self.state.unsubscribe_all(self.channel, chat)
            return Reply(text="已取消订阅办件进度提醒。" if removed else "您没有订阅办件。")
        if command == "stop":
            await self.state.opt_out(self.channel, chat, "command", now)
            return Reply(text="已停止推送，您的订阅已全部取消。发送 /start 可重新开始。")
        return Reply(help_answer(), actions=MAIN_MENU)  # /help and anything unknown

    def _welcome(self) -> Reply:
        actions = (*MAIN_MENU, (SHARE_CONTACT,)) if self.offers_contact else MAIN_MENU
        return Reply(text=WELCOME, actions=actions)

    async def _status(self, chat: str, words: str) -> Reply:
        asker = await self._asker(chat)
        if parse_text(words[:MAX_TEXT_CHARS]).intent is Intent.CASE_LOOKUP:
            answer = await self.query.ask(words, asker)
        else:
            answer = await self.query.lookup_case(words[:MAX_TEXT_CHARS], asker)
        return self._case_reply(answer, asker)

    def _case_reply(self, answer: Answer, asker: Asker) -> Reply:
        if (answer.kind is AnswerKind.CASE_PUBLIC and self.offers_contact
                and asker.phone is None):
            # The applicant's own phone, verified by the platform, shows the full view.
            return Reply(answer, actions=((SHARE_CONTACT,),))
        return Reply(answer)

    async def _subscribe(self, chat: str, args: tuple[str, ...], now: float) -> Reply:
        if len(args) < 2:
            return Reply(text="订阅请发送：/subscribe 办件编号 查询码")
        asker = await self._asker(chat)
        case_no, code = "".join(args[:-1]), args[-1]
        # The code is checked by the core, with its lockout and audit, like any lookup.
        answer = await self.query.lookup_case(case_no, asker, code=code)
        key = clean_case_no(case_no)
        if answer.kind is not AnswerKind.CASE_FULL or key is None:
            return Reply(answer)
        await self.state.opt_in(self.channel, chat)
        await self.state.subscribe(self.channel, chat, key, now)
        return Reply(text=f"已订阅办件 {key} 的进度提醒，发送 /unsubscribe 可取消。")

    async def _queue(self) -> Reply:
        if self.queue is None:
            return Reply(text="暂无排队信息。")
        waiting = await self.queue.waiting_counts()
        lines = [f"{prefix} {self.queue.categories[prefix].name}：等候 {count} 人"
                 for prefix, count in waiting.items()]
        return Reply(text="当前排队情况\n" + "\n".join(lines))

    # -- buttons ------------------------------------------------------------------------------

    async def _choice(self, chat: str, data: str, now: float) -> Reply:
        kind, _, rest = data.partition(":")
        if kind == "m":
            return await self._menu(chat, rest, now)
        if kind == "g" and rest:
            return Reply(await self.query.guide_detail(rest))
        if kind in ("d", "e"):
            index, _, page = rest.partition(":")
            if index.isdigit() and page.isdigit():
                return await self._browse(chat, kind, int(index), int(page))
        # A keyboard from an old message (or forged data): say so, offer the menu again.
        return Reply(text=STALE_BUTTON, actions=MAIN_MENU)

    async def _menu(self, chat: str, item: str, now: float) -> Reply:
        if item == "case":
            return Reply(text=ASK_CASE_NO)
        if item == "guide":
            return await self._departments()
        if item == "events":
            return await self._life_events()
        if item == "queue":
            return await self._queue()
        if item == "help":
            return Reply(help_answer(), actions=MAIN_MENU)
        return Reply(text=STALE_BUTTON, actions=MAIN_MENU)

    async def _departments(self) -> Reply:
        departments = await self.query.departments()
        rows: list[tuple[Action, ...]] = [(Action(f"{d.name}（{d.guide_count}）", data=f"d:{i}:1"),)
                for i, d in enumerate(departments)]
        if await self.query.life_events():
            rows.append((Action("按人生事件浏览", data="m:events"),))
        return Reply(text="请选择部门，或直接发送事项名称搜索：", actions=tuple(rows))

    async def _browse(self, chat: str, kind: str, index: int, page: int) -> Reply:
        asker = await self._asker(chat)
        if kind == "d":
            departments = await self.query.departments()
            if index >= len(departments):
                return Reply(text=STALE_BUTTON, actions=MAIN_MENU)
            answer = await self.query.search_guides("", asker, department=departments[index].name,
                                                    page=page, page_size=PAGE_SIZE)
        else:
            events = await self.query.life_events()
            if index >= len(events):
                return Reply(text=STALE_BUTTON, actions=MAIN_MENU)
            answer = await self.query.search_guides("", asker, life_event=events[index][0],
                                                    page=page, page_size=PAGE_SIZE)
        rows: list[tuple[Action, ...]] = [(Action(c.label, data=f"g:{c.ref}"),)
                                          for c in answer.choices]
        pager = []
        if page > 1:
            pager.append(Action("上一页", data=f"{kind}:{index}:{page - 1}"))
        if page * PAGE_SIZE < answer.total:
            pager.append(Action("下一页", data=f"{kind}:{index}:{page + 1}"))
        if pager:
            rows.append(tuple(pager))
        return Reply(answer, actions=tuple(rows))

    async def _life_events(self) -> Reply:
        events = await self.query.life_events()
        rows = tuple((Action(f"{name}（{count}）", data=f"e:{i}:1"),)
                     for i, (name, count) in enumerate(events))
        return Reply(text="请选择人生事件：", actions=rows)

    # -- free text ----------------------------------------------------------------------------

    async def _text(self, chat: str, text: str, now: float) -> Reply:
        words = text.strip()
        if words in MENU_WORDS:
            return await self._choice(chat, MENU_WORDS[words], now)
        if words.isdigit() and 1 <= int(words) <= CHOICES_SHOWN:
            choices = await self.state.choices(self.channel, chat, now)
            if int(words) <= len(choices):
                return Reply(await self.query.guide_detail(choices[int(words) - 1]))
        return await self._search(chat, words, now)

    async def _search(self, chat: str, words: str, now: float) -> Reply:
        asker = await self._asker(chat)
        answer = await self.query.ask(words, asker)
        if answer.kind is AnswerKind.GUIDE_LIST:
            top = answer.choices[:CHOICES_SHOWN]
            await self.state.set_choices(self.channel, chat, [c.ref for c in top],
                                         now + CHOICE_TTL_SECONDS)
            answer = Answer(answer.kind, answer.title, choices=top,
                            hits=answer.hits[:CHOICES_SHOWN], total=answer.total,
                            links=answer.links[:CHOICES_SHOWN])
            return Reply(answer, actions=tuple((Action(f"{c.key}. {c.label}", data=f"g:{c.ref}"),)
                                               for c in top))
        if answer.kind in (AnswerKind.CASE_PUBLIC, AnswerKind.CASE_FULL):
            return self._case_reply(answer, asker)
        return Reply(answer)
