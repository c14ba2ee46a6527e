"""The SMS webhooks end to end: signatures, every inbound form, replays, opt-out, lockout."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.clock import FixedClock
from civicline.services import Services, open_services
from civicline.sms.keys import NOTIFY
from civicline.storage.sms_state_sqlite import SqliteSmsState
from civicline.storage.sqlite import Database
from tests.conftest import ClientFactory, make_settings
from tests.factories import NOW, make_event, make_guide
from tests.fakes.sms_provider import (
    CITIZEN,
    OTHER,
    PUBLIC_URL,
    FakeSmsProvider,
    gateway_body,
    sms_overrides,
    twilio_signed,
)

CASE_NO = "440920261127000123"
_sids = itertools.count(1)


@dataclass
class Harness:
    client: TestClient[web.Request, web.Application]
    services: Services
    fake: FakeSmsProvider
    clock: FixedClock

    async def text(self, body: str, sender: str = CITIZEN, sid: str | None = None,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        """Post one Twilio inbound message; returns status and the reply text ('' for none)."""
        params = {"MessageSid": sid or f"SM{next(_sids):032d}", "From": sender,
                  "To": "+10005550100", "Body": body}
        response = await self.client.post("/sms/twilio", data=params,
                                          headers=headers or twilio_signed("/sms/twilio", params))
        xml = await response.text()
        found = re.search(r"<Message>(.*)</Message>", xml, re.S)
        return response.status, _unescape(found.group(1)) if found else ""


def _unescape(xml_text: str) -> str:
    return xml_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.fixture
async def harness(tmp_path: Path, aiohttp_client: ClientFactory) -> AsyncIterator[Harness]:
    clock = FixedClock(NOW)
    fake = FakeSmsProvider()
    await fake.start()
    settings = make_settings(tmp_path / "data", server={"public_url": PUBLIC_URL},
                             sms=sms_overrides(fake.url, providers=["gateway"]))
    seed = open_services(settings, clock, with_search=False)
    for guide in (make_guide("1001"),
                  make_guide("1002", title="营业执照（个体工商户）", aliases=("个体户",)),
                  make_guide("1003", title="营业执照变更登记", aliases=())):
        seed.guides.put_sync(guide, NOW)
    await seed.ingest.ingest([make_event(CASE_NO, at=NOW)], None)
    await seed.close()
    services = open_services(settings, clock, with_search=True)
    client = await aiohttp_client(create_app(settings, services=services,
                                             channels=only("api", "sms")))
    fake.callback_base = str(client.make_url("")).rstrip("/")
    yield Harness(client, services, fake, clock)
    await client.close()
    await fake.close()
    await services.close()


@pytest.mark.parametrize(("label", "body", "sender", "expected", "absent"), [
    ("a case number gives the public view", CASE_NO, OTHER, "食品经营许可", "张小明"),
    ("a leading 查 and dashes are fine", "查 4409-2026-1127-000123", OTHER, "受理", ""),
    ("full-width digits are fine", "４４０９２０２６１１２７０００１２３", OTHER, "受理", ""),
    ("number and code give the full view", f"{CASE_NO} 654321", OTHER, "12 号窗口", ""),
    ("the registered phone gets the full view", CASE_NO, CITIZEN, "12 号窗口", ""),
    ("the public view withholds the window", CASE_NO, OTHER, "", "12 号窗口"),
    ("an unknown number is not found", "440920269999999999", OTHER, "未查到该办件", ""),
    ("help", "帮助", OTHER, "查办件", ""),
    ("empty text gets help", "", OTHER, "查办件", ""),
    ("traditional help", "幫助", OTHER, "查办件", ""),
    ("guide words list numbered guides", "指南 营业执照", OTHER, "1.", ""),
    ("the reply ends with the case's WAP link", CASE_NO, OTHER,
     f"{PUBLIC_URL}/w/c/{CASE_NO}", ""),
])
async def test_twilio_inbound_forms_answer_in_twiml(harness: Harness, label: str, body: str,
                                                    sender: str, expected: str,
                                                    absent: str) -> None:
    status, reply = await harness.text(body, sender)
    assert status == 200, label
    assert expected in reply, (label, reply)
    if absent:
        assert absent not in reply, (label, reply)


async def test_reply_from_unknown_number_does_not_reveal_the_applicant(harness: Harness
                                                                       ) -> None:
    _, reply = await harness.text(CASE_NO, OTHER)
    assert "张*明" in reply and "张小明" not in reply


@pytest.mark.parametrize(("label", "headers"), [
    ("no signature", {}),
    ("a wrong signature", {"X-Twilio-Signature": "bm90IHRoZSBzaWduYXR1cmU="}),
    ("a signature that is not base64 text", {"X-Twilio-Signature": "签名\udcff"}),
])
async def test_bad_twilio_signature_is_refused_and_nothing_is_processed(
        harness: Harness, label: str, headers: dict[str, str]) -> None:
    status, reply = await harness.text("TD", headers=headers or {"X": "1"})
    assert (status, reply) == (403, ""), label
    assert not harness.services.db.reader.execute("SELECT 1 FROM sms_opt_outs").fetchall()
    assert not harness.services.db.reader.execute("SELECT 1 FROM sms_inbound").fetchall()


async def test_signature_over_another_url_is_refused(harness: Harness) -> None:
    params = {"MessageSid": "SM1", "From": OTHER, "To": "+1", "Body": CASE_NO}
    headers = twilio_signed("/sms/other", params)
    response = await harness.client.post("/sms/twilio", data=params, headers=headers)
    assert response.status == 403


async def test_the_same_message_id_gets_one_reply(harness: Harness) -> None:
    first = await harness.text(CASE_NO, OTHER, sid="SMrepeat")
    second = await harness.text(CASE_NO, OTHER, sid="SMrepeat")
    assert first[1] and second == (200, "")


async def test_the_same_text_within_seconds_gets_one_reply_and_later_again(harness: Harness
                                                                           ) -> None:
    assert (await harness.text("帮助", OTHER))[1]
    assert (await harness.text("帮助", OTHER))[1] == ""
    harness.clock.advance(seconds=11)
    assert (await harness.text("帮助", OTHER))[1]


async def test_picking_a_listed_guide_within_ten_minutes_returns_its_summary(
        harness: Harness) -> None:
    _, listing = await harness.text("指南 营业执照", OTHER)
    first_line = next(line for line in listing.splitlines() if line.startswith("1."))
    _, detail = await harness.text("1", OTHER)
    assert first_line[2:] in detail and "承诺时限" in detail and "申请材料" in detail
    harness.clock.advance(minutes=11)
    _, late = await harness.text("1", OTHER)
    assert "查办件" in late  # the choice expired: help, not an error


async def test_stop_is_confirmed_once_then_silence_until_start(harness: Harness) -> None:
    _, confirm = await harness.text("退订", OTHER)
    assert "已退订" in confirm
    harness.clock.advance(seconds=20)
    assert (await harness.text("TD", OTHER))[1] == ""
    assert (await harness.text(CASE_NO, OTHER))[1] == ""
    _, again = await harness.text("START", OTHER)
    assert "已恢复" in again
    harness.clock.advance(seconds=20)  # past the repeat window for the same text
    assert "食品经营许可" in (await harness.text(CASE_NO, OTHER))[1]


async def test_five_wrong_codes_by_sms_lock_the_case(harness: Harness) -> None:
    for attempt in range(5):
        _, reply = await harness.text(f"{CASE_NO} 00000{attempt}", OTHER)
    assert "尝试次数过多" in reply
    _, right = await harness.text(f"{CASE_NO} 654321", OTHER)
    assert "尝试次数过多" in right and "12 号窗口" not in right


async def test_subscribing_with_the_code_then_unsubscribing(harness: Harness) -> None:
    _, reply = await harness.text(f"订阅 {CASE_NO} 654321", OTHER)
    assert "已订阅" in reply
    assert harness.client.app[NOTIFY].sms_state.subscribers(CASE_NO) == [OTHER]
    _, wrong = await harness.text(f"订阅 {CASE_NO} 111111", "+8613700008888")
    assert "已订阅" not in wrong
    _, cancel = await harness.text("取消订阅", OTHER)
    assert "已取消" in cancel and harness.client.app[NOTIFY].sms_state.subscribers(CASE_NO) == []


@pytest.mark.parametrize(("label", "secret", "ts_offset", "status"), [
    ("signed and fresh", None, 0, 200),
    ("wrong secret", "not-the-secret", 0, 403),
    ("replayed after the window", None, -301, 403),
    ("from the future beyond the window", None, 301, 403),
])
async def test_gateway_inbound_is_authenticated_and_fresh(harness: Harness, label: str,
                                                          secret: str | None, ts_offset: int,
                                                          status: int) -> None:
    now = harness.clock().timestamp()
    body, headers = gateway_body(OTHER, CASE_NO, f"gw-{label}", now + ts_offset,
                                 **({"secret": secret} if secret else {}))
    response = await harness.client.post("/sms/gateway", data=body, headers=headers)
    assert response.status == status, label


async def test_gateway_inbound_reply_goes_out_through_the_outbox(harness: Harness) -> None:
    body, headers = gateway_body(OTHER, CASE_NO, "gw-1", harness.clock().timestamp())
    response = await harness.client.post("/sms/gateway", data=body, headers=headers)
    assert response.status == 200
    await harness.fake.wait_for(1)
    sent = harness.fake.received[0]
    assert (sent.api, sent.to, sent.body) == ("gateway", OTHER, "SMS_CL_0900")
    assert "食品经营许可" in sent.params["params"]["content"]
    replay = await harness.client.post("/sms/gateway", data=body, headers=headers)
    assert replay.status == 200
    outbox = harness.client.app[NOTIFY].outbox
    assert len(outbox.recent()) == 1  # the repeated id queued nothing


async def test_another_process_sees_recorded_messages_as_repeats(harness: Harness) -> None:
    # Each message is recorded before its reply; a second process (its own connections)
    # then refuses the same id and the same recent text.
    for i in range(3):
        assert (await harness.text(f"查 {CASE_NO}", f"+86137000000{i:02d}", sid=f"SMx{i}"))[1]
    other_db = Database(Path(harness.services.settings.storage.data_dir))
    try:
        other = SqliteSmsState(other_db)
        now = harness.clock().timestamp()
        assert not await other.record_inbound("SMx1", "+8613999999999", "new", now, 10)
        text_hash = hashlib.sha256(f"查 {CASE_NO}".encode()).hexdigest()[:16]
        assert not await other.record_inbound("SMy", "+8613700000002", text_hash, now, 10)
        assert await other.record_inbound("SMy", "+8613700000002", text_hash, now + 11, 10)
        assert await other.record_inbound("", "+8613700000009", "other", now, 0)
    finally:
        other_db.close()
    rows = harness.services.db.reader.execute(
        "SELECT provider_message_id, phone FROM sms_inbound ORDER BY id").fetchall()
    assert rows[:3] == [(f"SMx{i}", f"+86137000000{i:02d}") for i in range(3)]
    assert ("", "+8613700000009") in rows
