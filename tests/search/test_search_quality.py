"""Relevance of the guide search over the labelled query set (tests/search_queries.toml)."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from civicline.search import SearchEngine
from tests.search.search_fixtures import fixture_guides

QUERIES = tomllib.loads((Path(__file__).parent / "search_queries.toml").read_text("utf-8"))["query"]
MIN_PRECISION_AT_1 = 0.85
MIN_RECALL_AT_3 = 0.95
UNRELATED = ("今天天气怎么样", "asdfgh", "qwertyuiop", "明天会下雨吗", "😀😀😀", "hello world",
             "股票行情", "足球比赛结果")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    return SearchEngine.open(tmp_path_factory.mktemp("search") / "index", fixture_guides)


def test_the_labelled_set_has_at_least_eighty_queries_with_known_titles() -> None:
    titles = {g.title for g in fixture_guides()}
    assert len(QUERIES) >= 80
    assert [q["expect"] for q in QUERIES if q["expect"] not in titles] == []


def test_precision_at_1_and_recall_at_3_meet_the_bar(
        engine: SearchEngine, record_property: Callable[[str, object], None]) -> None:
    top1: dict[str, list[bool]] = defaultdict(list)
    top3: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for item in QUERIES:
        titles = [h.title for h in engine.search(item["q"], page_size=3).hits]
        top1[item["kind"]].append(titles[:1] == [item["expect"]])
        top3[item["kind"]].append(item["expect"] in titles)
        if titles[:1] != [item["expect"]]:
            misses.append(f"  {item['q']!r}: expected {item['expect']}, got {titles}")
    p1 = sum(sum(v) for v in top1.values()) / len(QUERIES)
    r3 = sum(sum(v) for v in top3.values()) / len(QUERIES)
    print(f"\nsearch quality over {len(QUERIES)} queries: p@1 {p1:.3f}  recall@3 {r3:.3f}")
    for kind in top1:
        print(f"  {kind:<12} p@1 {sum(top1[kind]) / len(top1[kind]):.2f}"
              f"  r@3 {sum(top3[kind]) / len(top3[kind]):.2f}  (n={len(top1[kind])})")
    print("\n".join(misses))
    record_property("precision_at_1", round(p1, 3))
    record_property("recall_at_3", round(r3, 3))
    assert p1 >= MIN_PRECISION_AT_1
    assert r3 >= MIN_RECALL_AT_3


@pytest.mark.parametrize("query", UNRELATED)
def test_unrelated_queries_return_nothing(engine: SearchEngine, query: str) -> None:
    page = engine.search(query)
    assert (page.total, page.hits) == (0, ())


def test_exact_matches_outrank_fuzzy_ones(engine: SearchEngine) -> None:
    exact = engine.search("jiehun").hits
    fuzzy = engine.search("jiehunn").hits
    assert exact[0].title == "结婚登记" and fuzzy[0].title == "结婚登记"
    assert exact[0].score > fuzzy[0].score


def test_a_typo_offers_the_corrected_title_as_did_you_mean(engine: SearchEngine) -> None:
    page = engine.search("节婚登记")
    assert page.did_you_mean == "结婚登记"
    assert engine.search("结婚登记").did_you_mean is None
