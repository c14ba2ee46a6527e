"""The PTB Application behind the webhook and the long poll: one handler that runs the
shared conversation and sends its reply as Bot API calls (sendMessage)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from civicline.channels.messenger.conversation import MessengerConversation
from civicline.channels.messenger.model import OutgoingMessage
from civicline.channels.telegram.config import TelegramSettings
from civicline.channels.telegram.parse import parse_update
from civicline.channels.telegram.render import render

log = logging.getLogger("civicline.telegram")
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # our links are to our own pages


def build_application(telegram: TelegramSettings, *, polling: bool = False) -> TelegramApp:
    """PTB's Application against `api_base_url`; the webhook needs no Updater."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder().token(telegram.bot_token.value)
        .base_url(f"{telegram.api_base_url.rstrip('/')}/bot")
        .base_file_url(f"{telegram.api_base_url.rstrip('/')}/file/bot"))
    if not polling:
        builder = builder.updater(None)
    return builder.build()


def reply_markup(message: OutgoingMessage) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if not message.buttons:
        return None
    if any(b.request_contact for row in message.buttons for b in row):
        # Telegram shares a contact only from a reply keyboard, never from an inline one.
        return ReplyKeyboardMarkup(
            [[KeyboardButton(b.label, request_contact=True) for b in row]
             for row in message.buttons], one_time_keyboard=True, resize_keyboard=True)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, url=b.url) if b.url
          else InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in message.buttons])


class TelegramBot:
    """The Application, initialised once (getMe) before the first update is processed."""

    def __init__(self, application: TelegramApp, conversation: MessengerConversation,
                 base_url: str) -> None:
        self.application = application
        self.conversation = conversation
        self.base_url = base_url
        self._ready = asyncio.Lock()
        self._initialized = False
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)

    async def ensure_ready(self) -> None:
        """Initialise the Application (it calls getMe) on first use; raises TelegramError."""
        if self._initialized:
            return
        async with self._ready:
            if not self._initialized:
                await self.application.initialize()
                self._initialized = True

    async def close(self) -> None:
        if self._initialized:
            self._initialized = False
            await self.application.shutdown()

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            # Stops the button's spinner; a stale query may already have expired.
            try:
                await update.callback_query.answer()
            except TelegramError:
                log.info("telegram_callback_answer_failed")
        message = parse_update(update)
        if message is None:
            return
        reply = await self.conversation.handle(message)
        if reply is None:
            return
        for outgoing in render(reply, self.base_url):
            await context.bot.send_message(int(message.chat_id), outgoing.text,
                                           parse_mode="HTML" if outgoing.html else None,
                                           reply_markup=reply_markup(outgoing),
                                           link_preview_options=NO_PREVIEW)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.warning("telegram_update_failed", extra={
            "error": type(error).__name__, "detail": str(error)[:200]})
