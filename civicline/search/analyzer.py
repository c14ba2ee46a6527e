"""The analyser shared by indexing and querying: fold, segment, pinyin, fillers."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from civicline.search import pinyin
from civicline.search.normalize import Fillers, fold, has_han
from civicline.search.resources import SearchData
from civicline.search.segment import Seg, Segmenter


class Analyzer:
    """Turns text into index terms the same way for guides and queries."""

    def __init__(self, data: SearchData) -> None:
        self.data = data
        self.segmenter = Segmenter(data.user_words)
        self.fillers = Fillers(data.stopwords)
        pinyin.load_phrases(data.pinyin_phrases)
        # Guides repeat a lot of wording (common materials, procedure steps); caching per line
        # keeps full rebuilds inside their time budget.
        self.words = lru_cache(maxsize=200_000)(self._words)
        self._segs = lru_cache(maxsize=50_000)(self._segment)

    def segs(self, folded: str) -> tuple[Seg, ...]:
        """Tokens with positions of already-folded text."""
        return self._segs(folded)

    def _segment(self, folded: str) -> tuple[Seg, ...]:
        return tuple(self.segmenter.segment(folded))

    def _words(self, text: str) -> tuple[str, ...]:
        return tuple(self.segmenter.words(fold(text)))

    def spell(self, folded: str) -> tuple[str, str]:
        """(full pinyin, initials) of folded text, word by word.

        Spelling each word (cached) rather than the whole text keeps rebuilds fast: titles are
        mostly unique, their words are not.
        """
        words = [pinyin.syllables(s.text) for s in self.segs(folded) if not s.sub]
        return ("".join(s for w in words for s in w), "".join(s[0] for w in words for s in w if s))

    def pinyin_terms(self, texts: Iterable[str]) -> list[str]:
        """Full pinyin and initials of each text as a whole and of each of its words."""
        terms: list[str] = []
        for text in texts:
            folded = fold(text)
            if not has_han(folded):
                continue
            terms.extend(self.spell(folded))
            for seg in self.segs(folded):
                if len(seg.text) > 1 and has_han(seg.text):
                    terms.append(pinyin.full(seg.text))
                    terms.append(pinyin.initials(seg.text))
        return [t for t in dict.fromkeys(terms) if t]
