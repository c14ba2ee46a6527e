"""Reading what a citizen's free text asks for. Pure: no I/O, tested with tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from civicline.core.normalize import clean_case_no, clean_query_code, normalize_text


class Intent(StrEnum):
    CASE_LOOKUP = "case_lookup"
    GUIDE_SEARCH = "guide_search"
    GUIDE_DETAIL = "guide_detail"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    intent: Intent
    case_no: str = ""
    code: str | None = None
    text: str = ""  # search words, or guide id for GUIDE_DETAIL
    # "4409 2026 1127 000123" reads as number + code or as one number; the query service
    # checks this whole-number reading first.
    whole_case_no: str = ""


HELP_WORDS = frozenset({"帮助", "help", "?", "？", "h", "菜单", "说明", "使用说明"})
_LOOKUP_PREFIX = re.compile(r"^(查询|查|cx)\s*[:：]?\s*", re.IGNORECASE)
_GUIDE_PREFIX = re.compile(r"^(指南|办事指南|zn)\s*[:：]?\s*", re.IGNORECASE)
_GUIDE_DETAIL = re.compile(r"^(指南|zn)\s*#?\s*(\d{4,6})$", re.IGNORECASE)
_CASE_CHARS = re.compile(r"^[A-Za-z0-9\-‐‑‒–—―−﹣ ]+$")
_MIN_CASE_DIGITS = 4  # "sbk" or "help" are words, not case numbers


def _split_case_and_code(text: str) -> tuple[str, str | None, str] | None:
    """'4409 2026 1127-000123 654321' → ('440920261127000123', '654321', whole), or None."""
    if not _CASE_CHARS.match(text):
        return None
    whole = clean_case_no(text)
    if whole and sum(ch.isdigit() for ch in whole) < _MIN_CASE_DIGITS:
        whole = None
    parts = text.split()
    if len(parts) >= 2:
        code = clean_query_code(parts[-1])
        number = clean_case_no("".join(parts[:-1]))
        if code and number and len(number) > 6:
            return number, code, whole or ""
    return (whole, None, "") if whole else None


@lru_cache(maxsize=4096)
def parse_text(raw: str) -> ParsedQuery:
    """Classify free text from any channel (SMS body, chat message, IVR-less text).

    Cached (pure, and callers cut the text short first): the same case number arrives from
    every channel until its case concludes.
    """
    text = normalize_text(raw)
    if not text or text.lower() in HELP_WORDS:
        return ParsedQuery(Intent.HELP)
    detail = _GUIDE_DETAIL.match(text)
    if detail:
        return ParsedQuery(Intent.GUIDE_DETAIL, text=detail.group(2))
    guide = _GUIDE_PREFIX.match(text)
    if guide:
        words = text[guide.end():].strip()
        return ParsedQuery(Intent.GUIDE_SEARCH, text=words) if words else ParsedQuery(Intent.HELP)
    lookup_text = _LOOKUP_PREFIX.sub("", text, count=1)
    found = _split_case_and_code(lookup_text)
    if found:
        return ParsedQuery(Intent.CASE_LOOKUP, case_no=found[0], code=found[1],
                           whole_case_no=found[2])
    return ParsedQuery(Intent.GUIDE_SEARCH, text=lookup_text or text)
