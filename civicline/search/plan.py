"""Query analysis: what to look for, with how much weight, before any tantivy object exists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from civicline.search import pinyin
from civicline.search.analyzer import Analyzer
from civicline.search.normalize import fold, fold_query, has_han, is_latin
from civicline.search.synonyms import SynonymMap
from civicline.search.typos import HomophoneIndex

# Weights relative to the citizen's own words. Sub-words and single characters say less about
# what is wanted; expansions are our guesses, corrections even more so.
TYPED, SUB, SINGLE = 1.0, 0.6, 0.4
SYNONYM = 0.9
CORRECTED = 0.7
_NON_WORD = re.compile(r"[\W_]+")


def exact_key(text: str) -> str:
    """Titles and aliases compared whole: folded, with spaces and punctuation removed."""
    return _NON_WORD.sub("", fold(text))


@dataclass(slots=True)
class QueryPlan:
    terms: dict[str, float] = field(default_factory=dict)  # word → weight, text fields
    latin: dict[str, float] = field(default_factory=dict)  # pinyin / initials candidates
    pinyin_prefix: str = ""  # mixed input as pinyin ("社保k" → "shebaok"), prefix-matched
    phrase: list[str] = field(default_factory=list)  # coarse tokens, for a phrase bonus
    exact: dict[str, float] = field(default_factory=dict)  # whole title/alias keys
    corrected: str | None = None  # the query with homophone corrections applied

    def add(self, table: dict[str, float], key: str, weight: float) -> None:
        if key and weight > table.get(key, 0.0):
            table[key] = weight

    @property
    def empty(self) -> bool:
        return not (self.terms or self.latin or self.exact or self.pinyin_prefix)


class Planner:
    """Builds a QueryPlan from raw input: fold, segment, drop fillers, expand, correct."""

    def __init__(self, analyzer: Analyzer, synonyms: SynonymMap, homophones: HomophoneIndex):
        self._analyzer = analyzer
        self._synonyms = synonyms
        self._homophones = homophones

    def plan(self, raw: str) -> QueryPlan:
        plan = QueryPlan()
        folded = fold_query(raw)
        if not folded:
            return plan
        self._typed(plan, folded)
        self._expand(plan, folded, SYNONYM)
        corrections = self._homophones.corrections(folded)
        if corrections:
            corrected = folded
            for c in reversed(corrections):
                corrected = corrected[: c.start] + c.word + corrected[c.end :]
                self._words(plan, c.word, CORRECTED)
            plan.corrected = corrected
            plan.add(plan.exact, exact_key(corrected), CORRECTED)
            self._expand(plan, corrected, SYNONYM * CORRECTED)
        return plan

    def _typed(self, plan: QueryPlan, folded: str) -> None:
        segs = self._analyzer.segs(folded)
        fillers = self._analyzer.fillers
        coarse = [s.text for s in segs if not s.sub]
        plan.phrase = fillers.trim(coarse)
        plan.add(plan.exact, exact_key("".join(plan.phrase)), TYPED)
        latin = [s.text for s in segs if is_latin(s.text)]
        for seg in segs:
            if seg.text in fillers:
                continue
            weight = SINGLE if len(seg.text) == 1 else SUB if seg.sub else TYPED
            plan.add(plan.terms, seg.text, weight)
            if is_latin(seg.text) and len(seg.text) > 1:
                plan.add(plan.latin, seg.text, TYPED)
        if len(latin) > 1:  # "jiehun dengji" is also "jiehundengji", "j h d j" is "jhdj"
            plan.add(plan.latin, "".join(latin), TYPED)
        if latin and has_han(folded):
            spelled = "".join(s.text if is_latin(s.text) else pinyin.full(s.text)
                              for s in segs if not s.sub)
            if len(spelled) >= 3:
                plan.pinyin_prefix = spelled

    def _words(self, plan: QueryPlan, text: str, weight: float) -> None:
        for seg in self._analyzer.segs(fold(text)):
            if seg.text not in self._analyzer.fillers:
                factor = SINGLE if len(seg.text) == 1 else SUB if seg.sub else 1.0
                plan.add(plan.terms, seg.text, weight * factor)

    def _expand(self, plan: QueryPlan, folded: str, weight: float) -> None:
        for _, targets in self._synonyms.expand(folded):
            for target in targets:
                self._words(plan, target, weight)
                plan.add(plan.exact, exact_key(target), weight)
