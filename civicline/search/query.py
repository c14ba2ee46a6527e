"""QueryPlan → tantivy Query objects (raw user text never reaches tantivy's query parser)."""

from __future__ import annotations

from dataclasses import dataclass

import tantivy

from civicline.search import index as f
from civicline.search.plan import CORRECTED, QueryPlan
from civicline.search.typos import PinyinSpelling

Occur = tantivy.Occur
Q = tantivy.Query

# Field boosts: title > aliases/keywords > materials > department words > body.
STRONG_FIELDS = {f.TITLE: 5.0, f.ALIAS: 3.5, f.KEYWORD: 3.0, f.MATERIAL: 1.8, f.DEPT_TEXT: 1.5}
BODY_BOOST = 1.0
PINYIN_BOOST = 3.0
EXACT_BOOST = 20.0  # the query is a title or alias: nothing else should come first
PHRASE_BOOST = 4.0
# Latin tokens without an exact match are first corrected to a known pinyin word one edit away
# (scored as that word, times CORRECTED); failing that, tantivy's fuzzy and prefix queries,
# which score a constant 1.0 × boost. Both only apply to tokens with no exact match at all,
# so exact input always outranks a correction.
FUZZY_BOOST = 0.3
PREFIX_BOOST = 0.5
_TIE_BREAKER = 0.2
_MIN_FUZZY, _MIN_FUZZY_2 = 4, 8  # token length for edit distance 1, and for 2
_MIN_PREFIX = 3


@dataclass(frozen=True, slots=True)
class BuiltQuery:
    query: tantivy.Query
    fuzzy: bool  # some clause matches approximately (did-you-mean is worth offering)


def _term(schema: tantivy.Schema, name: str, value: str, boost: float) -> tantivy.Query:
    return Q.boost_query(Q.term_query(schema, name, value), boost)


def _should(queries: list[tantivy.Query]) -> tantivy.Query:
    return Q.boolean_query([(Occur.Should, q) for q in queries])


def build_query(plan: QueryPlan, schema: tantivy.Schema, searcher: tantivy.Searcher,
                spelling: PinyinSpelling, department: str | None = None,
                life_event: str | None = None) -> BuiltQuery | None:
    """The query, or None when nothing in the plan can match a guide."""
    strong: list[tantivy.Query] = []
    body: list[tantivy.Query] = []
    fuzzy = False
    for term, weight in plan.terms.items():
        fields = [_term(schema, name, term, boost * weight)
                  for name, boost in STRONG_FIELDS.items()]
        strong.append(Q.disjunction_max_query(fields, tie_breaker=_TIE_BREAKER))
        body.append(_term(schema, f.BODY, term, BODY_BOOST * weight))
    for token, weight in plan.latin.items():
        if searcher.doc_freq(f.PINYIN, token):
            strong.append(_term(schema, f.PINYIN, token, PINYIN_BOOST * weight))
            continue
        fuzzy = True
        corrected = spelling.correct(token)
        if corrected and searcher.doc_freq(f.PINYIN, corrected):
            # one edit from a known word: score that word properly (BM25), below exact input
            strong.append(_term(schema, f.PINYIN, corrected, PINYIN_BOOST * weight * CORRECTED))
        elif len(token) >= _MIN_FUZZY:
            distance = 2 if len(token) >= _MIN_FUZZY_2 else 1
            strong.append(Q.boost_query(
                Q.fuzzy_term_query(schema, f.PINYIN, token, distance), FUZZY_BOOST))
        if len(token) >= _MIN_PREFIX:
            strong.append(Q.boost_query(
                Q.fuzzy_term_query(schema, f.PINYIN, token, 0, prefix=True), PREFIX_BOOST))
    if plan.pinyin_prefix:
        strong.append(Q.boost_query(
            Q.fuzzy_term_query(schema, f.PINYIN, plan.pinyin_prefix, 0, prefix=True), PREFIX_BOOST))
    for key, weight in plan.exact.items():
        strong.append(_term(schema, f.EXACT, key, EXACT_BOOST * weight))
    if len(plan.phrase) > 1:
        for name in (f.TITLE, f.ALIAS):
            phrase = Q.phrase_query(schema, name, list(plan.phrase))
            strong.append(Q.boost_query(phrase, PHRASE_BOOST))
    if not strong:
        return None
    # A guide must match something in a strong field: a stray body word is noise, which is
    # what keeps "今天天气怎么样" from returning anything (the relevance floor).
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(Occur.Must, _should(strong))]
    if body:
        clauses.append((Occur.Should, _should(body)))
    if department:
        clauses.append((Occur.Must, Q.const_score_query(
            Q.term_query(schema, f.DEPARTMENT, department), 0.0)))
    if life_event:
        clauses.append((Occur.Must, Q.const_score_query(
            Q.term_query(schema, f.LIFE_EVENT, life_event), 0.0)))
    return BuiltQuery(Q.boolean_query(clauses), fuzzy or plan.corrected is not None)
