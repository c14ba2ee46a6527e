"""Toneless pinyin and initials of Chinese words, with our phrase overrides applied."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, load_phrases_dict

_loaded: set[str] = set()


def _toneless(syllable: str) -> str:
    # stripping the marks turns ü into u: "lu" is what most people type for 旅
    plain = unicodedata.normalize("NFKD", syllable)
    return "".join(c for c in plain if not unicodedata.combining(c))


def load_phrases(phrases: Mapping[str, Sequence[str]]) -> None:
    """Register phrase readings with pypinyin (process-wide; pypinyin keeps one phrase table)."""
    fresh = {w: [[s] for s in syl] for w, syl in phrases.items() if w not in _loaded}
    if fresh:
        load_phrases_dict(fresh)
        _loaded.update(fresh)
        syllables.cache_clear()


@lru_cache(maxsize=100_000)
def syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per Han character; other characters are left out."""
    return tuple(_toneless(s) for s in lazy_pinyin(text, style=Style.TONE, errors="ignore"))


def full(word: str) -> str:
    """'结婚登记' → 'jiehundengji'."""
    return "".join(syllables(word))


def initials(word: str) -> str:
    """'结婚登记' → 'jhdj' (zh/ch/sh shorten to z/c/s, as people type them)."""
    return "".join(s[0] for s in syllables(word) if s)
