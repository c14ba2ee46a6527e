"""The Telegram bot channel (python-telegram-bot 22): webhook, long polling, push."""

from __future__ import annotations

from civicline.channels.telegram.routes import mount

__all__ = ["mount"]
