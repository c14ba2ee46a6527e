"""The search engine's lifecycle: open, rebuild, incremental updates, filters, paging, snippets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from civicline.core.models import Guide, Material
from civicline.core.ports import GuideSearch
from civicline.search import SearchEngine
from tests.search.search_fixtures import csv_guides, fixture_guides


@pytest.fixture(scope="module")
def guides() -> list[Guide]:
    return fixture_guides()


@pytest.fixture
def engine(tmp_path: Path, guides: list[Guide]) -> SearchEngine:
    return SearchEngine.open(tmp_path / "index", lambda: guides)


def test_the_engine_implements_the_guide_search_port(engine: SearchEngine) -> None:
    port: GuideSearch = engine
    assert port.search("结婚登记").hits


def test_opening_a_missing_index_creates_and_fills_it(tmp_path: Path) -> None:
    engine = SearchEngine.open(tmp_path / "new" / "index", csv_guides)
    assert not engine.needs_rebuild
    assert engine.search("结婚登记").hits[0].title == "结婚登记"


def test_opening_without_guides_leaves_an_empty_index_that_asks_for_a_rebuild(
        tmp_path: Path) -> None:
    engine = SearchEngine.open(tmp_path / "index")
    assert engine.needs_rebuild
    assert engine.search("结婚登记").total == 0
    engine.rebuild(csv_guides())
    assert not engine.needs_rebuild and engine.search("结婚登记").total > 0


def test_reopening_an_existing_index_keeps_it_without_rebuilding(
        tmp_path: Path, guides: list[Guide]) -> None:
    SearchEngine.open(tmp_path / "index", lambda: guides)

    def refuse() -> list[Guide]:
        raise AssertionError("an intact index must not be rebuilt")

    again = SearchEngine.open(tmp_path / "index", refuse)
    assert again.search("jhdj").hits[0].title == "结婚登记"
    assert "结婚登记" in again.suggest("结婚")


def test_a_corrupt_index_is_rebuilt_from_the_guides_not_fatal(
        tmp_path: Path, guides: list[Guide]) -> None:
    SearchEngine.open(tmp_path / "index", lambda: guides)
    (tmp_path / "index" / "meta.json").write_text("{ not json", encoding="utf-8")
    engine = SearchEngine.open(tmp_path / "index", lambda: guides)
    assert engine.search("结婚登记").hits[0].title == "结婚登记"


def test_an_index_built_with_another_dictionary_is_rebuilt(
        tmp_path: Path, guides: list[Guide]) -> None:
    SearchEngine.open(tmp_path / "index", lambda: guides)
    extra = tmp_path / "data"
    extra.mkdir()
    (extra / "user_dict.txt").write_text("证照联办\n", encoding="utf-8")
    engine = SearchEngine(tmp_path / "index", data_dir=extra)
    assert engine.needs_rebuild


def test_rebuild_reports_progress_in_increments_that_add_up(
        tmp_path: Path, guides: list[Guide]) -> None:
    engine = SearchEngine(tmp_path / "index")
    steps: list[int] = []
    assert engine.rebuild(guides, progress=steps.append) == len(guides)
    assert sum(steps) == len(guides)


def test_an_upserted_guide_is_found_by_the_very_next_search(engine: SearchEngine) -> None:
    guide = Guide(id="9001", title="无人机飞行活动备案", department="公安局",
                  aliases=("飞无人机",), materials=(Material("无人机实名登记证明"),))
    engine.upsert(guide)
    page = engine.search("无人机")
    assert page.hits[0].guide_id == "9001"
    assert "无人机飞行活动备案" in engine.suggest("无人机")


def test_an_upsert_replaces_the_previous_version(engine: SearchEngine, guides: list[Guide]) -> None:
    original = next(g for g in guides if g.title == "结婚登记")
    engine.upsert(replace(original, title="婚姻登记（结婚）", version=original.version + 1))
    hits = engine.search("结婚登记").hits
    assert [h.guide_id for h in hits].count(original.id) == 1
    assert next(h for h in hits if h.guide_id == original.id).title == "婚姻登记（结婚）"


def test_a_removed_guide_disappears_from_search_and_suggestions(
        engine: SearchEngine, guides: list[Guide]) -> None:
    target = next(g for g in guides if g.title == "离婚登记")
    engine.remove(target.id)
    assert target.id not in [h.guide_id for h in engine.search("离婚登记").hits]
    assert "离婚登记" not in engine.suggest("离婚")


def test_another_reader_of_the_same_directory_sees_commits_after_a_reload(
        tmp_path: Path, guides: list[Guide]) -> None:
    writer = SearchEngine.open(tmp_path / "index", lambda: guides)
    reader = SearchEngine(tmp_path / "index")
    writer.upsert(Guide(id="9002", title="古树名木迁移审批", department="林业局"))
    reader._checked_at = 0.0  # skip the once-a-second throttle instead of sleeping
    assert reader.search("古树名木").hits[0].guide_id == "9002"


def test_the_department_filter_keeps_only_that_department(engine: SearchEngine) -> None:
    page = engine.search("登记", department="民政局")
    assert page.hits and {h.department for h in page.hits} == {"民政局"}
    other = engine.search("结婚登记", department="税务局").hits
    assert "结婚登记" not in [h.title for h in other]
    assert {h.department for h in other} <= {"税务局"}


def test_the_life_event_filter_keeps_only_guides_of_that_event(
        engine: SearchEngine, guides: list[Guide]) -> None:
    event = next(e for g in guides for e in g.life_events) if any(
        g.life_events for g in guides) else None
    if event is None:
        pytest.skip("fixture guides carry no life events")
    with_event = {g.id for g in guides if event in g.life_events}
    page = engine.search("登记", life_event=event, page_size=50)
    assert page.hits and {h.guide_id for h in page.hits} <= with_event


def test_pages_do_not_overlap_and_total_counts_every_match(engine: SearchEngine) -> None:
    first = engine.search("登记", page=1, page_size=5)
    second = engine.search("登记", page=2, page_size=5)
    assert first.total == second.total > 10
    assert not {h.guide_id for h in first.hits} & {h.guide_id for h in second.hits}
    assert first.hits[-1].score >= second.hits[0].score


def test_snippets_mark_matches_on_the_original_text_and_escape_the_rest(
        tmp_path: Path) -> None:
    guide = Guide(id="1", title="出生登记", department="公安局",
                  conditions=("新生儿<出生>后一个月内申报，須攜帶出生醫學證明",))
    engine = SearchEngine(tmp_path / "index")
    engine.rebuild([guide])
    snippet = engine.search("出生医学证明").hits[0].snippet
    assert "&lt;" in snippet and "<出生>" not in snippet
    assert "<mark>出生醫學證明</mark>" in snippet or "<mark>醫學</mark>" in snippet


def test_suggestions_complete_titles_aliases_and_pinyin_initials(engine: SearchEngine) -> None:
    assert "结婚登记" in engine.suggest("结婚")
    assert "结婚登记" in engine.suggest("jhdj")
    assert "结婚登记" in engine.suggest("jiehun")
    assert any("社会保障卡" in s or "社保卡" in s for s in engine.suggest("sbk"))
    assert len(engine.suggest("登", limit=50)) <= 10
    assert engine.suggest("") == [] and engine.suggest("   ") == []
