"""The Telegram channel's commands: `civicline telegram poll` and `civicline telegram
set-webhook`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from civicline.settings import Settings


def add_commands(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    telegram = sub.add_parser("telegram", help="the Telegram bot")
    telegram_sub = telegram.add_subparsers(dest="telegram_command", required=True)
    poll = telegram_sub.add_parser("poll", help="answer the bot by long polling (development)")
    common(poll)
    poll.set_defaults(run=_poll)
    hook = telegram_sub.add_parser("set-webhook",
                                   help="register <public_url>/telegram/webhook with Telegram")
    common(hook)
    hook.add_argument("--url", help="the webhook URL (default: [server] public_url + path)")
    hook.set_defaults(run=_set_webhook)


def _poll(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.channels.telegram.cli import poll

    return poll(settings)


def _set_webhook(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from civicline.channels.telegram.cli import set_webhook

    return asyncio.run(set_webhook(settings, args.url))
