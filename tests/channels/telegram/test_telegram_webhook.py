"""The Telegram webhook end to end: the real app, PTB's process_update, replies recorded by
the fake Bot API. One table of labelled cases, each a sequence of updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.services import Services
from civicline.settings import Settings
from tests.channels.messenger_support import (
    APPLICANT_PHONE,
    CASE_NO,
    CODE,
    FULL_VIEW,
    PUBLIC_VIEW,
)
from tests.channels.telegram.harness import (
    CHAT,
    OTHER_USER,
    Harness,
    callback,
    contact,
    message,
)
from tests.conftest import ClientFactory


@dataclass(frozen=True)
class WebhookCase:
    label: str
    updates: tuple[dict[str, Any] | bytes, ...]
    secret: str | None = "webhook-secret-token"
    status: int = 200  # of the last update
    last_reply_has: tuple[str, ...] = ()
    last_reply_lacks: tuple[str, ...] = ()
    replies: int | None = None  # sendMessage calls in all
    buttons_have: tuple[str, ...] = ()  # labels of the last reply's buttons


CASES = [
    WebhookCase("a forged secret token is refused and nothing is sent",
                (message(CASE_NO),), secret="forged", status=403, replies=0),
    WebhookCase("a missing secret token is refused", (message(CASE_NO),), secret=None,
                status=403, replies=0),
    WebhookCase("a body that is not JSON is a 400, never a 500", (b"{not json",), status=400,
                replies=0),
    WebhookCase("JSON that is not an update is a 400", (b"[1, 2]",), status=400, replies=0),
    WebhookCase("an update without a numeric update_id is a 400",
                (b'{"update_id": "x", "message": {}}',), status=400, replies=0),
    WebhookCase("a case number shows the public view only", (message(CASE_NO),),
                last_reply_has=(PUBLIC_VIEW, "受理"), last_reply_lacks=(FULL_VIEW,),
                buttons_have=("分享手机号",)),
    WebhookCase("a case number anywhere in the text is found",
                (message(f"查 {CASE_NO}"),), last_reply_has=(PUBLIC_VIEW,)),
    WebhookCase("a case number with its query code shows the full view",
                (message(f"{CASE_NO} {CODE}"),), last_reply_has=(FULL_VIEW, "办理窗口")),
    WebhookCase("/status with number and code shows the full view",
                (message(f"/status {CASE_NO} {CODE}"),), last_reply_has=(FULL_VIEW,)),
    WebhookCase("/status with a wrong code shows the public view and says so",
                (message(f"/status {CASE_NO} 000000"),), last_reply_has=("查询码不正确",),
                last_reply_lacks=(FULL_VIEW,)),
    WebhookCase("the applicant's own shared contact unlocks the full view of their case",
                (contact(APPLICANT_PHONE, CHAT), message(CASE_NO)),
                last_reply_has=(FULL_VIEW,), replies=2),
    WebhookCase("a contact shared by someone else never unlocks the full view",
                (contact(APPLICANT_PHONE, OTHER_USER), message(CASE_NO)),
                last_reply_has=(PUBLIC_VIEW,), last_reply_lacks=(FULL_VIEW,), replies=3),
    WebhookCase("a contact without a user id is not verified",
                (contact(APPLICANT_PHONE, None),), last_reply_has=("只能用您本人的手机号",)),
    WebhookCase("an edited message is answered as a new question",
                (message(CASE_NO, edited=True),), last_reply_has=(PUBLIC_VIEW,)),
    WebhookCase("a callback from an old keyboard says the button expired",
                (callback("d:99:1"),), last_reply_has=("该按钮已过期",),
                buttons_have=("查办件", "办事指南", "排队情况", "帮助")),
    WebhookCase("a callback with unknown data says the button expired",
                (callback("nonsense"),), last_reply_has=("该按钮已过期",)),
    WebhookCase("a 5,000-character text gets one reply within Telegram's limit",
                (message("营" * 5000),), replies=1),
    WebhookCase("a sticker is answered with help", (message(sticker={
        "file_id": "s1", "file_unique_id": "s1u", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False}),),
        last_reply_has=("暂时只能识别文字消息", "查办件")),
    WebhookCase("a photo is answered with help", (message(photo=[
        {"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}]),),
        last_reply_has=("暂时只能识别文字消息",)),
    WebhookCase("a voice message is answered with help", (message(voice={
        "file_id": "v1", "file_unique_id": "v1u", "duration": 3}),),
        last_reply_has=("暂时只能识别文字消息",)),
    WebhookCase("/start welcomes with the menu and the share-phone keyboard",
                (message("/start"),), last_reply_has=("分享本人手机号",),
                buttons_have=("分享手机号",), replies=2),
    WebhookCase("/help lists what the bot answers", (message("/help@CivicLineBot"),),
                last_reply_has=("查办件", "指南")),
    WebhookCase("guide words list guides as buttons", (message("营业执照"),),
                last_reply_has=("办事指南",), buttons_have=("2. 营业执照（个体工商户）",)),
    WebhookCase("a guide button shows the guide", (callback("g:1001"),),
                last_reply_has=("承诺时限",)),
    WebhookCase("a group chat is not answered (its state would be shared)",
                (message(CASE_NO, chat=-100123, chat_type="group"),), replies=0),
]


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
async def test_webhook_case(harness: Harness, case: WebhookCase) -> None:
    status = 0
    for update in case.updates:
        status = await harness.post(update, secret=case.secret)
    assert status == case.status
    sent = harness.fake.sent()
    if case.replies is not None:
        assert len(sent) == case.replies
    if case.last_reply_has or case.last_reply_lacks or case.buttons_have:
        texts = " ".join(c.text for c in sent[-2:])  # a reply may be text + keyboard prompt
        for expected in case.last_reply_has:
            assert expected in texts, texts
        for unexpected in case.last_reply_lacks:
            assert unexpected not in texts, texts
        labels = [b["text"] for c in sent[-2:] for b in c.buttons]
        for label in case.buttons_have:
            assert label in labels, labels
    assert all(len(c.text) <= 4096 for c in sent)


async def test_the_same_update_delivered_twice_gets_one_reply(harness: Harness) -> None:
    update = message(CASE_NO)
    assert await harness.post(update) == 200
    assert await harness.post(update) == 200
    assert len(harness.fake.sent()) == 2  # the answer and its share-phone keyboard, once


async def test_replies_go_to_the_sender_as_html(harness: Harness) -> None:
    await harness.post(message(CASE_NO))
    reply, contact_prompt = harness.fake.sent()
    assert reply.chat_id == str(CHAT)
    assert reply.params["parse_mode"] == "HTML"
    assert f"https://hall.example.cn/w/c/{CASE_NO}" in reply.text
    assert contact_prompt.buttons == [{"text": "分享手机号", "request_contact": True}]


async def test_category_browsing_pages_through_a_department(harness: Harness) -> None:
    await harness.post(callback("m:guide"))
    departments = harness.fake.sent()[-1].buttons
    assert departments[0]["callback_data"] == "d:0:1"
    await harness.post(callback("d:0:1"))
    listed = [b["callback_data"] for b in harness.fake.sent()[-1].buttons]
    assert listed == ["g:1001", "g:1002", "g:1003"]  # three guides: one page, no pager


async def test_a_callback_query_is_answered_to_stop_the_spinner(harness: Harness) -> None:
    await harness.post(callback("m:help"))
    assert [c.method for c in harness.fake.calls].count("answerCallbackQuery") == 1


async def test_the_webhook_is_not_found_while_the_channel_is_disabled(
        aiohttp_client: ClientFactory, settings: Settings, services: Services) -> None:
    client = await aiohttp_client(create_app(settings, services=services,
                                             channels=only("telegram")))
    response = await client.post("/telegram/webhook", data=b"{}",
                                 headers={"X-Telegram-Bot-Api-Secret-Token": ""})
    assert response.status == 404
