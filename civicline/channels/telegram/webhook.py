"""POST /telegram/webhook: secret token → JSON update → PTB's process_update → 200.

Telegram re-posts an update until it gets a 2xx, so only a request that can never succeed
(a forged secret, a body that is not an update) gets a 4xx; a failure while answering is
logged by the bot and still acknowledged (the conversation de-duplicates by update_id).
"""

from __future__ import annotations

import hmac
import logging

import orjson
from aiohttp import web
from telegram import Update
from telegram.error import TelegramError

from civicline.channels.telegram.keys import TELEGRAM_BOT, TELEGRAM_SETTINGS

log = logging.getLogger("civicline.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 -- a header name


def secret_matches(sent: str, expected: str) -> bool:
    """Constant-time comparison; an unset secret accepts nothing."""
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


async def webhook(request: web.Request) -> web.Response:
    settings = request.app[TELEGRAM_SETTINGS]
    if not settings.enabled:
        return web.Response(status=404, text="the Telegram channel is not enabled")
    if not secret_matches(request.headers.get(SECRET_HEADER, ""), settings.secret_token.value):
        return web.Response(status=403, text="forbidden")
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return web.Response(status=400, text="body is not JSON")
    bot = request.app[TELEGRAM_BOT]
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return web.Response(status=400, text="not a Telegram update")
    try:
        await bot.ensure_ready()
    except TelegramError as exc:
        log.warning("telegram_unavailable", extra={"error": type(exc).__name__})
        return web.Response(status=503, text="bot not ready")  # Telegram retries later
    try:
        update = Update.de_json(data, bot.application.bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return web.Response(status=400, text="not a Telegram update")
    await bot.application.process_update(update)
    return web.Response(text="ok")
