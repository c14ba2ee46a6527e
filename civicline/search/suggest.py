"""Prefix completion over titles, aliases, keywords and their pinyin, held in memory."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from operator import itemgetter

from civicline.search.documents import Name
from civicline.search.normalize import compact, fold

# (key, rank, text); ranks order the results: a title before an alias before a pinyin match,
# and a match at the start before one in the middle of a title. Guides share many aliases and
# keywords, so entries are kept once with a count of the guides that own them.
Entry = tuple[str, int, str]
_KEY = itemgetter(0)
_SCAN = 256  # entries looked at per prefix; keeps the worst case flat on huge indexes
_PINYIN_RANK, _INITIALS_RANK, _INFIX_RANK, _PHRASE_RANK = 3, 4, 5, 2


def _entries(names: Iterable[Name]) -> list[Entry]:
    out: list[Entry] = []
    for name in names:
        text, kind = name["text"], name["kind"]
        folded = compact(fold(text))
        if not folded:
            continue
        out.append((folded, kind, text))
        if name["full"]:
            out.append((name["full"], _PINYIN_RANK, text))
        if len(name["initials"]) > 1:
            out.append((name["initials"], _INITIALS_RANK, text))
        if kind == 0:
            for cut in name["cuts"]:
                rest = compact(fold(text)[cut:])
                if len(rest) > 1:
                    out.append((rest, _INFIX_RANK, text))
    return list(dict.fromkeys(out))


class Suggester:
    """A sorted list of completion keys; bisect finds a prefix's run in microseconds."""

    def __init__(self, phrases: Iterable[str] = ()) -> None:
        self._static = [(compact(fold(p)), _PHRASE_RANK, p) for p in phrases if fold(p)]
        self._entries: list[Entry] = sorted(set(self._static))
        self._owners: dict[Entry, int] = dict.fromkeys(self._static, 1)
        self._by_guide: dict[str, list[Entry]] = {}

    def load(self, guides: Iterable[tuple[str, list[Name]]]) -> None:
        """Replace everything with these guides' names (one sort, for startup and rebuilds)."""
        self._by_guide = {gid: _entries(names) for gid, names in guides}
        self._owners = dict.fromkeys(self._static, 1)
        for entries in self._by_guide.values():
            for entry in entries:
                self._owners[entry] = self._owners.get(entry, 0) + 1
        self._entries = sorted(self._owners)

    def put(self, guide_id: str, names: list[Name]) -> None:
        self.remove(guide_id)
        entries = _entries(names)
        self._by_guide[guide_id] = entries
        for entry in entries:
            if entry not in self._owners:
                bisect.insort(self._entries, entry)
            self._owners[entry] = self._owners.get(entry, 0) + 1

    def remove(self, guide_id: str) -> None:
        for entry in self._by_guide.pop(guide_id, []):
            left = self._owners.get(entry, 0) - 1
            if left > 0:
                self._owners[entry] = left
                continue
            self._owners.pop(entry, None)
            i = bisect.bisect_left(self._entries, entry)
            if i < len(self._entries) and self._entries[i] == entry:
                del self._entries[i]

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        key = compact(fold(prefix[:100]))
        if not key or limit <= 0:
            return []
        best: dict[str, tuple[int, int]] = {}
        start = bisect.bisect_left(self._entries, key, key=_KEY)
        for entry_key, rank, text in self._entries[start : start + _SCAN]:
            if not entry_key.startswith(key):
                break
            order = (rank, len(text))
            if text not in best or order < best[text]:
                best[text] = order
        ranked = sorted(best, key=lambda t: (*best[t], t))
        return ranked[: min(limit, 10)]
