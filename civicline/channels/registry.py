"""The channel registry: every channel described once, explicitly.

A channel is one folder and one `Channel` entry here: its name, its settings section, how it
mounts on the web app, and the CLI commands it adds. The app factory, the settings loader,
the command line and the architecture tests all read this list; nothing registers itself by
being imported.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from civicline import settings as settings_module
from civicline.api import mount as api_mount
from civicline.bigscreen import mount as bigscreen_mount
from civicline.bigscreen.config import BigscreenSettings
from civicline.channels.telegram import mount as telegram_mount
from civicline.channels.telegram.commands import add_commands as telegram_commands
from civicline.channels.telegram.config import TelegramSettings
from civicline.kiosk import mount as kiosk_mount
from civicline.kiosk.config import KioskSettings
from civicline.settings import Settings
from civicline.sms import mount as sms_mount
from civicline.sms.commands import add_commands as sms_commands
from civicline.sms.config import SmsSettings
from civicline.wap import mount as wap_mount
from civicline.wap.config import WapSettings

Mount = Callable[[web.Application, Settings], None]
# Adds the channel's subcommands: (the `civicline` subparsers, the --data-dir/--config adder).
# Each command sets `run=handler(settings, args) -> exit code` with set_defaults.
AddCommands = Callable[[Any, Callable[[argparse.ArgumentParser], None]], None]


@dataclass(frozen=True)
class Channel:
    name: str  # also its package: civicline/<name>/ (or civicline/channels/<name>/)
    mount: Mount
    # The channel's settings section ([sms]) and the frozen dataclass holding it.
    settings_section: str = ""
    settings_type: type | None = None
    commands: AddCommands | None = None


CHANNELS: tuple[Channel, ...] = (
    Channel("api", api_mount),
    Channel("sms", sms_mount, "sms", SmsSettings, sms_commands),
    Channel("wap", wap_mount, "wap", WapSettings),
    Channel("kiosk", kiosk_mount, "kiosk", KioskSettings),
    Channel("bigscreen", bigscreen_mount, "bigscreen", BigscreenSettings),
    Channel("telegram", telegram_mount, "telegram", TelegramSettings, telegram_commands),
)


def settings_sections(channels: tuple[Channel, ...] = CHANNELS) -> dict[str, type]:
    """Every channel's settings section by name."""
    return {c.settings_section: c.settings_type for c in channels
            if c.settings_section and c.settings_type is not None}


def load_settings(config_file: Path | None = None, env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Settings:
    """The settings, with every registered channel's section."""
    return settings_module.load_settings(config_file, env, overrides,
                                         sections=settings_sections())


def only(*names: str) -> tuple[Channel, ...]:
    """The named channels, in registry order (tests mount a few)."""
    unknown = set(names) - {c.name for c in CHANNELS}
    if unknown:
        raise ValueError(f"unknown channels: {', '.join(sorted(unknown))}")
    return tuple(c for c in CHANNELS if c.name in names)
