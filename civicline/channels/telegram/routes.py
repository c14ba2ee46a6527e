"""The Telegram channel mounted on the app: the webhook route and the bot's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from civicline.channels.messenger.conversation import ConversationSettings
from civicline.channels.messenger.wiring import open_conversation
from civicline.channels.telegram import webhook
from civicline.channels.telegram.bot import TelegramBot, build_application
from civicline.channels.telegram.config import telegram_settings
from civicline.channels.telegram.keys import TELEGRAM_BOT, TELEGRAM_SETTINGS
from civicline.settings import Settings
from civicline.web.keys import SERVICES
from civicline.web.routing import add_route

CHANNEL = "telegram"


def add_routes(app: web.Application) -> None:
    """Every Telegram route, in one place (the web kernel adjusts channels' registration)."""
    add_route(app, "POST", "/telegram/webhook", webhook.webhook)


def mount(app: web.Application, settings: Settings) -> None:
    """Add the webhook; with [telegram] enabled the bot opens with the app's services (the
    webhook answers 404 otherwise)."""
    telegram = telegram_settings(settings)
    app[TELEGRAM_SETTINGS] = telegram
    add_routes(app)
    if not telegram.enabled:
        return
    public_url = settings.server.public_url.rstrip("/")

    async def bot_ctx(app: web.Application) -> AsyncIterator[None]:
        conversation = open_conversation(ConversationSettings(CHANNEL, offers_contact=True),
                                         app[SERVICES])
        bot = TelegramBot(build_application(telegram), conversation, public_url)
        app[TELEGRAM_BOT] = bot
        yield
        await bot.close()

    app.cleanup_ctx.append(bot_ctx)
