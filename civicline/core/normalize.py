"""Input normalisation shared by every channel: width, script, spacing and case numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

CASE_NO_RE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
QUERY_CODE_RE = re.compile(r"^[0-9]{6}$")
# Dashes citizens type in case numbers: ASCII, en/em dash, minus sign, full-width hyphen, etc.
_DASHES = "-‐‑‒–—―−－﹣"
_DASH_RE = re.compile(f"[{_DASHES}]")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # t2s.json: traditional to simplified, characters and common phrases
    return opencc.OpenCC("t2s")


# Full-width ASCII (U+FF01–FF5E) and the ideographic space map to their half-width forms.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII and the ideographic space become their half-width forms."""
    return text.translate(_HALFWIDTH)


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text)) if text else text


def strip_controls(text: str) -> str:
    """Drop control and format characters (keeps ordinary whitespace as spaces)."""
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(
        " " if ch in "\t\r\n" else ch
        for ch in text
        if ch in "\t\r\n" or unicodedata.category(ch)[0] != "C"
    )


@lru_cache(maxsize=8192)
def normalize_text(text: str) -> str:
    """The canonical form of free text: no controls, half-width, simplified, single spaces.

    Cached: the same words come in again and again (a case number, a popular item), and a
    text goes through here once per layer that reads it (the channel's parser, the core's).
    """
    text = strip_controls(text)
    text = to_simplified(to_halfwidth(text))
    return _SPACE_RE.sub(" ", text).strip()


def case_key(case_no: str) -> str:
    """Lookup key of a case number: dashes and spaces removed, letters upper-cased.

    Citizens read numbers off receipts as '4409 2026 1127-000123'; the key makes those equal.
    """
    return _DASH_RE.sub("", _SPACE_RE.sub("", to_halfwidth(case_no))).upper()


def clean_case_no(raw: str) -> str | None:
    """A case number as typed (any width, spaces, dashes) → its canonical key, or None."""
    if raw.isascii() and raw.isalnum() and len(raw) <= 40:
        return raw.upper()  # already a key but for letter case: the common, hot path
    key = case_key(raw)
    if not key or len(key) > 40 or not CASE_NO_RE.match(key):
        return None
    return key


def clean_query_code(raw: str) -> str | None:
    code = _SPACE_RE.sub("", to_halfwidth(raw))
    return code if QUERY_CODE_RE.match(code) else None
