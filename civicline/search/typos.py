"""Near-miss Chinese words: a query window sounding like a known word (营业支照 → 营业执照)."""

from __future__ import annotations

from dataclasses import dataclass

from civicline.search import pinyin
from civicline.search.normalize import han_runs

_MIN_WINDOW, _MAX_WINDOW = 2, 8
_MAX_RUN = 40  # a longer Han run is prose, not a mistyped name; only its start is checked


@dataclass(frozen=True, slots=True)
class Correction:
    start: int
    end: int
    typed: str
    word: str


class HomophoneIndex:
    """Known words (titles, aliases, keywords, dictionary terms) by toneless pinyin."""

    def __init__(self) -> None:
        self._by_pinyin: dict[str, dict[str, int]] = {}
        self._known: set[str] = set()

    def add(self, word: str, full: str | None = None) -> None:
        key = full if full is not None else pinyin.full(word)
        if len(word) < _MIN_WINDOW or not key:
            return
        bucket = self._by_pinyin.setdefault(key, {})
        bucket[word] = bucket.get(word, 0) + 1
        self._known.add(word)

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def _best(self, window: str, key: str) -> str | None:
        """The known word sounding like `window` that shares most characters in place with it."""
        best: tuple[int, int, str] | None = None
        for word, count in self._by_pinyin.get(key, {}).items():
            if len(word) != len(window) or word == window:
                continue
            shared = sum(a == b for a, b in zip(word, window, strict=True))
            # at least one character in place: two unrelated words that merely sound alike
            # (今天/金田) must not turn an off-topic query into a hit
            if shared and (best is None or (shared, count) > best[:2]):
                best = (shared, count, word)
        return best[2] if best else None

    def corrections(self, folded: str) -> list[Correction]:
        """Non-overlapping corrections, longest windows first."""
        found: list[Correction] = []
        for offset, run in han_runs(folded):
            run = run[:_MAX_RUN]
            syllables = pinyin.syllables(run)
            if len(syllables) != len(run):  # a character without a reading: positions unknown
                continue
            taken = [False] * len(run)
            for size in range(min(_MAX_WINDOW, len(run)), _MIN_WINDOW - 1, -1):
                for i in range(len(run) - size + 1):
                    window = run[i : i + size]
                    if any(taken[i : i + size]):
                        continue
                    if window in self._known:  # a correct word: its parts are not typos either
                        taken[i : i + size] = [True] * size
                        continue
                    word = self._best(window, "".join(syllables[i : i + size]))
                    if word is not None:
                        found.append(Correction(offset + i, offset + i + size, window, word))
                        taken[i : i + size] = [True] * size
        return found


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class PinyinSpelling:
    """Known pinyin words by their one-letter deletions (symmetric delete spelling correction).

    A typed token and a known word within one edit (insert, delete, substitute, swap) share
    a deletion, so a correction costs a few dict lookups instead of a scan of the vocabulary.
    """

    MIN_LENGTH = 4  # shorter tokens have too many neighbours to guess from

    def __init__(self) -> None:
        self._words: dict[str, int] = {}
        self._by_deletion: dict[str, set[str]] = {}

    def add(self, word: str) -> None:
        if len(word) < self.MIN_LENGTH:
            return
        if word not in self._words:
            for key in (word, *_deletes(word)):
                self._by_deletion.setdefault(key, set()).add(word)
        self._words[word] = self._words.get(word, 0) + 1

    def correct(self, token: str) -> str | None:
        """The most common known word one edit away from `token`, if any."""
        if len(token) < self.MIN_LENGTH or token in self._words:
            return None
        found: set[str] = set()
        for key in (token, *_deletes(token)):
            found |= self._by_deletion.get(key, set())
        if not found:
            return None
        return max(sorted(found), key=lambda w: (len(w) == len(token), self._words[w]))
