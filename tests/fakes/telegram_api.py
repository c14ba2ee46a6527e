"""A fake Telegram Bot API on loopback: PTB's `base_url` points at it.

It answers getMe, sendMessage, answerCallbackQuery, setWebhook, deleteWebhook and getUpdates
(from a queue tests fill), records every call, and can answer a chat with Telegram's errors:
429 with `retry_after`, 403 "bot was blocked by the user".
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

BOT_TOKEN = "123456:fake-bot-token"
BOT_ID = 123456
JSON_PARAMETERS = ("reply_markup", "link_preview_options", "allowed_updates")


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every button of the reply markup (inline or reply keyboard), in order."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button for row in rows for button in row]


@dataclass
class Behaviour:
    retry_after: dict[str, list[int]] = field(default_factory=dict)  # chat → 429s to give
    blocked: set[str] = field(default_factory=set)  # chats that blocked the bot
    token: str = BOT_TOKEN  # any other token gets 401 Unauthorized


class FakeTelegramApi:
    """Start with `await fake.start()`; `fake.url` is its base URL ([telegram] api_base_url)."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.behaviour = Behaviour()
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._message_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def sent(self, chat_id: str | None = None) -> list[ApiCall]:
        """The sendMessage calls, to one chat or to all."""
        return [c for c in self.calls if c.method == "sendMessage"
                and (chat_id is None or c.chat_id == chat_id)]

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.behaviour.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(ApiCall(method, params))
        if method == "getMe":
            return _ok({"id": BOT_ID, "is_bot": True, "first_name": "市政务服务中心",
                        "username": "CivicLineBot"})
        if method == "sendMessage":
            return self._send_message(params)
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook", "close",
                      "logOut"):
            return _ok(True)
        return _error(404, "Not Found: method not found")

    def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat = str(params.get("chat_id", ""))
        if chat in self.behaviour.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        pending = self.behaviour.retry_after.get(chat)
        if pending:
            seconds = pending.pop(0)
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {seconds}",
                                      "parameters": {"retry_after": seconds}}, status=429)
        return _ok({"message_id": next(self._message_ids), "date": 1_795_000_000,
                    "chat": {"id": int(chat), "type": "private"}, "text": params.get("text")})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        found = []
        while not self.updates.empty():
            found.append(self.updates.get_nowait())
        if not found:
            timeout = float(params.get("timeout") or 0)
            with contextlib.suppress(TimeoutError):
                found.append(await asyncio.wait_for(self.updates.get(), min(timeout, 1.0)))
        return _ok(found)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        loaded = orjson.loads(await request.read())
        return loaded if isinstance(loaded, dict) else {}
    params: dict[str, Any] = {k: str(v) for k, v in (await request.post()).items()}
    for name in JSON_PARAMETERS:  # PTB posts nested values as JSON strings in the form
        if name in params:
            params[name] = orjson.loads(params[name])
    return params


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description},
                             status=status)
