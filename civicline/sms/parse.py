"""Inbound SMS text → a command. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from civicline.core.intents import HELP_WORDS
from civicline.core.normalize import normalize_text


class CommandKind(StrEnum):
    QUERY = "query"  # a case number (with or without code), guide words or free text
    PICK = "pick"  # "1"–"3": one of the guides offered last
    HELP = "help"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    STOP = "stop"
    START = "start"


@dataclass(frozen=True, slots=True)
class Command:
    kind: CommandKind
    text: str = ""  # normalised text for QUERY
    case_no: str = ""
    code: str = ""
    pick: int = 0


STOP_WORDS = frozenset({"td", "退订", "stop", "unsubscribe", "stopall", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "unstop", "yes"})
UNSUBSCRIBE_WORDS = frozenset({"取消订阅", "取消"})
_SUBSCRIBE = re.compile(r"^订阅\s*(?P<case>[A-Za-z0-9 \-]+?)\s+(?P<code>\d{6})$")
_LEADING_LOOKUP = re.compile(r"^(查询|查)\s*[:：]?\s*")


# Twilio delivers at most 1,600 characters; anything beyond is not a question we can answer.
MAX_SMS_CHARS = 1600


def parse_sms(raw: str) -> Command:
    """Classify one inbound message; anything unrecognised becomes QUERY or HELP, never an error."""
    return _parse(raw[:MAX_SMS_CHARS])


@lru_cache(maxsize=4096)
def _parse(raw: str) -> Command:
    # Cached: many people text the same few things (a case number, 帮助, TD), and parsing is
    # pure, so a repeat costs one dictionary lookup.
    text = normalize_text(raw)
    # Citizens type dashes in many widths; the core normalises them inside case numbers.
    lowered = text.lower()
    compact = lowered.replace(" ", "")
    if not text or compact in HELP_WORDS:
        return Command(CommandKind.HELP)
    if compact in STOP_WORDS:
        return Command(CommandKind.STOP)
    if compact in START_WORDS:
        return Command(CommandKind.START)
    if compact in UNSUBSCRIBE_WORDS:
        return Command(CommandKind.UNSUBSCRIBE)
    if compact in ("1", "2", "3"):
        return Command(CommandKind.PICK, pick=int(compact))
    subscribe = _SUBSCRIBE.match(text)
    if subscribe:
        return Command(CommandKind.SUBSCRIBE, case_no=subscribe.group("case").strip(),
                       code=subscribe.group("code"))
    if text.startswith("订阅"):
        return Command(CommandKind.HELP)
    return Command(CommandKind.QUERY, text=_LEADING_LOOKUP.sub("", text, count=1) or text)
