"""The Telegram channel's settings section, [telegram]."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicline.settings import Secret, Settings, section

TELEGRAM_API = "https://api.telegram.org"


@dataclass(frozen=True)
class TelegramSettings:
    enabled: bool = False
    bot_token: Secret = field(default_factory=lambda: Secret(""))  # from @BotFather
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token on every webhook call.
    secret_token: Secret = field(default_factory=lambda: Secret(""))
    api_base_url: str = TELEGRAM_API  # tests and the demo point it at a local fake


def telegram_settings(settings: Settings) -> TelegramSettings:
    found: TelegramSettings = section(settings, "telegram")
    return found
