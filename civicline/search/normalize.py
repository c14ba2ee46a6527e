"""Search-specific normalisation: case folding on top of the shared form, query limits, fillers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from civicline.core.normalize import normalize_text, strip_controls, to_halfwidth, to_simplified

MAX_QUERY_CHARS = 100  # longer input is cut before any work; no real query is this long
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"^[a-z0-9]+$")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """The form both guides and queries are analysed in: shared normalisation, then casefold."""
    # cached: guides repeat much of their wording (common materials, procedure steps), and
    # the shared normaliser works char by char in Python
    return normalize_text(text).casefold()


def fold_query(text: str) -> str:
    """A query, cut to a sane length first so hostile input costs nothing."""
    return fold(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS].strip()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` (nearly) plus, per folded char, the index of the original char it came from.

    Highlighting marks the original text, so every step here maps characters one to one where
    the shared normaliser may not (whitespace runs, multi-char phrase conversions).
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for out in to_halfwidth(strip_controls(ch)).casefold():
            if out.isspace():
                if not chars or chars[-1] == " ":
                    continue
                out = " "
            chars.append(out)
            origin.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    folded = "".join(chars)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):  # a phrase changed length: convert char by char instead
        simplified = "".join(c if len(s := to_simplified(c)) != 1 else s for c in folded)
    return simplified, origin


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def han_runs(text: str) -> list[tuple[int, str]]:
    """(offset, run) for each maximal run of Han characters."""
    return [(m.start(), m.group()) for m in _HAN_RUN.finditer(text)]


def is_latin(token: str) -> bool:
    """Lower-case ASCII letters/digits only: what a pinyin or initials token looks like."""
    return _LATIN.match(token) is not None


def compact(text: str) -> str:
    """Spaces removed: how exact titles and aliases are keyed."""
    return _SPACE.sub("", text)


class Fillers:
    """Filler words, which are dropped from scoring but kept in the index for phrases."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(fold(w) for w in words)

    def __contains__(self, token: object) -> bool:
        return token in self._words

    def trim(self, tokens: list[str]) -> list[str]:
        """Tokens with leading and trailing fillers removed (inner ones keep phrase positions)."""
        start, end = 0, len(tokens)
        while start < end and tokens[start] in self._words:
            start += 1
        while end > start and tokens[end - 1] in self._words:
            end -= 1
        return tokens[start:end]
