"""What the Telegram commands run: long polling over the real services, and setWebhook."""

from __future__ import annotations

import sys

from telegram.error import TelegramError

from civicline.channels.messenger.conversation import ConversationSettings
from civicline.channels.messenger.wiring import open_conversation
from civicline.channels.telegram.bot import TelegramBot, build_application
from civicline.channels.telegram.config import telegram_settings
from civicline.services import open_services
from civicline.settings import Settings

WEBHOOK_PATH = "/telegram/webhook"


def poll(settings: Settings) -> int:
    """Answer the bot by long polling until interrupted (deletes any webhook first)."""
    telegram = telegram_settings(settings)
    if not telegram.bot_token.value:
        print("[telegram] bot_token is not set", file=sys.stderr)
        return 2
    services = open_services(settings)
    conversation = open_conversation(ConversationSettings("telegram", offers_contact=True),
                                     services)
    bot = TelegramBot(build_application(telegram, polling=True), conversation,
                      settings.server.public_url.rstrip("/"))
    try:
        bot.application.run_polling(drop_pending_updates=False, close_loop=False)
    finally:
        import asyncio

        asyncio.run(services.close())
    return 0


async def set_webhook(settings: Settings, url: str | None = None) -> int:
    """Register the webhook URL and the secret token with Telegram."""
    telegram = telegram_settings(settings)
    if not telegram.bot_token.value or not telegram.secret_token.value:
        print("[telegram] bot_token and secret_token must be set", file=sys.stderr)
        return 2
    target = url or settings.server.public_url.rstrip("/") + WEBHOOK_PATH
    application = build_application(telegram)
    try:
        async with application.bot as bot:
            await bot.set_webhook(target, secret_token=telegram.secret_token.value,
                                  allowed_updates=["message", "edited_message", "callback_query"])
    except TelegramError as exc:
        print(f"setWebhook failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"webhook set: {target}")
    return 0
