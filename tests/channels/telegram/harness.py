"""The Telegram webhook harness: the real app on loopback, PTB pointed at the fake Bot API."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.clock import FixedClock
from civicline.services import Services
from tests.channels.messenger_support import (
    PUBLIC_URL,
    seeded_services,
)
from tests.conftest import ClientFactory
from tests.factories import NOW
from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegramApi

CHAT = 5550001
OTHER_USER = 5559999
SECRET = "webhook-secret-token"
_update_ids = itertools.count(10_000)


def message(text: str | None = None, *, chat: int = CHAT, sender: int | None = None,
            edited: bool = False, chat_type: str = "private", **extra: Any) -> dict[str, Any]:
    """An update carrying a message (or an edited one) from `sender` in `chat`."""
    body: dict[str, Any] = {"message_id": next(_update_ids), "date": 1_795_000_000,
                            "chat": {"id": chat, "type": chat_type},
                            "from": {"id": sender or chat, "is_bot": False, "first_name": "小明"}}
    if text is not None:
        body["text"] = text
    body.update(extra)
    if edited:
        body["edit_date"] = 1_795_000_100
    return {"update_id": next(_update_ids), "edited_message" if edited else "message": body}


def contact(phone: str, user_id: int | None, *, chat: int = CHAT) -> dict[str, Any]:
    shared: dict[str, Any] = {"phone_number": phone, "first_name": "小明"}
    if user_id is not None:
        shared["user_id"] = user_id
    return message(chat=chat, contact=shared)


def callback(data: str, *, chat: int = CHAT) -> dict[str, Any]:
    return {"update_id": next(_update_ids), "callback_query": {
        "id": f"cb{next(_update_ids)}", "chat_instance": "ci", "data": data,
        "from": {"id": chat, "is_bot": False, "first_name": "小明"},
        "message": {"message_id": 1, "date": 1_795_000_000, "text": "旧消息",
                    "chat": {"id": chat, "type": "private"}}}}


@dataclass
class Harness:
    client: TestClient[web.Request, web.Application]
    services: Services
    fake: FakeTelegramApi
    clock: FixedClock

    async def post(self, update: dict[str, Any] | bytes, secret: str | None = SECRET
                   ) -> int:
        """Post one update to the webhook; returns the status."""
        body = update if isinstance(update, bytes) else orjson.dumps(update)
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        response = await self.client.post("/telegram/webhook", data=body, headers=headers)
        return response.status


def telegram_overrides(api_url: str, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "bot_token": BOT_TOKEN, "secret_token": SECRET,
            "api_base_url": api_url, **extra}


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegramApi]:
    fake = FakeTelegramApi()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def harness(tmp_path: Path, aiohttp_client: ClientFactory,
                  fake_telegram: FakeTelegramApi) -> AsyncIterator[Harness]:
    clock = FixedClock(NOW)
    sections = {"server": {"public_url": PUBLIC_URL},
                "telegram": telegram_overrides(fake_telegram.url)}
    services = await seeded_services(tmp_path / "data", clock, **sections)
    settings = services.settings
    client = await aiohttp_client(create_app(settings, services=services,
                                             channels=only("api", "telegram")))
    yield Harness(client, services, fake_telegram, clock)
    await services.close()
