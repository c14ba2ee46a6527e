"""The one place the Chinese segmenter (rjieba, i.e. jieba-rs) is called."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import rjieba


class Seg(NamedTuple):
    """One token: `pos` is its word's place in the coarse cut; sub-words share their word's."""

    text: str
    start: int
    end: int
    pos: int
    sub: bool  # a dictionary word inside a longer word (search-mode extra)


_LONGEST_SEARCH_GRAM = 3  # jieba's search mode adds in-dictionary 2- and 3-grams only


_WORDLIKE = re.compile(r"[^\W_]")  # a letter, digit or CJK character anywhere in the token


def _is_word(token: str) -> bool:
    return _WORDLIKE.search(token) is not None


@lru_cache(maxsize=4)
def _jieba(words: tuple[tuple[str, int | None], ...]) -> rjieba.Jieba:
    # rjieba has no load_userdict; add_word with freq=None lets jieba-rs pick a frequency just
    # high enough to keep the word joined, which is what the user dictionary means.
    jieba = rjieba.Jieba()
    for word, freq in words:
        jieba.add_word(word, freq, None)
    return jieba


class Segmenter:
    """Search-mode segmentation with the government-service dictionary loaded."""

    def __init__(self, user_words: Sequence[tuple[str, int | None]]) -> None:
        self._jieba = _jieba(tuple(user_words))

    def segment(self, text: str) -> list[Seg]:
        """Words and their in-dictionary sub-words, with char offsets; no spaces or punctuation."""
        raw = self._jieba.tokenize(text, mode="search")
        # jieba emits a long word's sub-words just before the word itself, so walking backwards
        # the containing word is always seen first.
        flags = [False] * len(raw)
        cur_start, cur_end = -1, -1
        for i in range(len(raw) - 1, -1, -1):
            _, start, end = raw[i]
            if cur_start <= start and end <= cur_end and end - start < cur_end - cur_start:
                flags[i] = True
            else:
                cur_start, cur_end = start, end
        out: list[Seg] = []
        pos = -1
        for (token, start, end), sub in zip(raw, flags, strict=True):
            if not _is_word(token):
                continue  # spaces and punctuation carry no position, on either side
            if not sub:
                pos += 1
                if end - start > _LONGEST_SEARCH_GRAM + 1:
                    out.extend(self._long_grams(token, start, pos))
            out.append(Seg(token, start, end, pos + sub, sub))
        return out

    def words(self, text: str) -> list[str]:
        """Search-mode words without offsets or positions: the fast path for body text."""
        return [w for w in self._jieba.cut_for_search(text) if _is_word(w)]

    def _long_grams(self, word: str, start: int, pos: int) -> list[Seg]:
        """Dictionary words of 4+ chars inside a longer word (search mode stops at 3)."""
        grams: list[Seg] = []
        for size in range(_LONGEST_SEARCH_GRAM + 1, len(word)):
            for i in range(len(word) - size + 1):
                gram = word[i : i + size]
                if self._jieba.has_word(gram):
                    grams.append(Seg(gram, start + i, start + i + size, pos, True))
        return grams
