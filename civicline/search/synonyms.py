"""Colloquial phrases → official terms, matched anywhere in the folded query."""

from __future__ import annotations

from collections.abc import Mapping

from civicline.search.normalize import fold


class SynonymMap:
    """Finds the colloquial keys in a query, longest first, ignoring keys inside a longer match."""

    def __init__(self, table: Mapping[str, tuple[str, ...]]) -> None:
        self._table = {fold(k): v for k, v in table.items() if fold(k)}
        # longest first, so "结婚证丢了" claims its span before "结婚" can
        self._keys = sorted(self._table, key=len, reverse=True)

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def targets(self) -> set[str]:
        return {t for values in self._table.values() for t in values}

    def expand(self, folded: str) -> list[tuple[str, tuple[str, ...]]]:
        """(key, official terms) for each key found in `folded`."""
        taken: list[tuple[int, int]] = []
        found: list[tuple[str, tuple[str, ...]]] = []
        for key in self._keys:
            start = folded.find(key)
            while start >= 0:
                end = start + len(key)
                if not any(s <= start and end <= e for s, e in taken):
                    taken.append((start, end))
                    found.append((key, self._table[key]))
                    break
                start = folded.find(key, start + 1)
        return found
