"""The Telegram channel's application keys."""

from __future__ import annotations

from aiohttp import web

from civicline.channels.telegram.bot import TelegramBot
from civicline.channels.telegram.config import TelegramSettings

TELEGRAM_SETTINGS = web.AppKey("telegram_settings", TelegramSettings)
TELEGRAM_BOT = web.AppKey("telegram_bot", TelegramBot)
