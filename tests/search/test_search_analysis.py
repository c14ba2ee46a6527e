"""The analysis pieces behind search: segmentation, folding, pinyin, synonyms, typo repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicline.search import pinyin
from civicline.search.analyzer import Analyzer
from civicline.search.highlight import snippet, term_pattern
from civicline.search.normalize import MAX_QUERY_CHARS, fold, fold_query, fold_with_offsets
from civicline.search.resources import load_search_data
from civicline.search.synonyms import SynonymMap
from civicline.search.typos import HomophoneIndex, PinyinSpelling


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_search_data())


def test_the_packaged_data_files_are_big_enough_to_be_useful() -> None:
    data = load_search_data()
    assert len(data.user_words) >= 150
    assert len(data.synonyms) >= 80
    fillers = {"怎么", "需要", "什么", "办理", "哪里", "如何", "的", "了", "吗", "呢"}
    assert fillers <= data.stopwords


def test_the_segmenter_honours_the_user_dictionary(analyzer: Analyzer) -> None:
    words = [s.text for s in analyzer.segs("跑网约车要一般纳税人和食品经营")]
    assert {"网约车", "一般纳税人", "食品经营"} <= set(words)


def test_search_mode_adds_sub_words_at_their_word_position(analyzer: Analyzer) -> None:
    segs = {s.text: s for s in analyzer.segs("社会保障卡补换")}
    assert segs["社会保障卡"].pos == segs["社会"].pos == 0 and segs["社会"].sub
    assert segs["补换"].pos == 1


def test_punctuation_and_spaces_are_not_tokens(analyzer: Analyzer) -> None:
    assert [s.text for s in analyzer.segs("结婚，登记！ (新办)") if not s.sub] == [
        "结婚", "登记", "新办"]


def test_an_operator_data_dir_extends_the_packaged_files(tmp_path: Path) -> None:
    (tmp_path / "synonyms.toml").write_text('[synonyms]\n"办喜事" = ["结婚登记"]\n', "utf-8")
    (tmp_path / "user_dict.txt").write_text("喜事登记\n", "utf-8")
    data = load_search_data(tmp_path)
    assert data.synonyms["办喜事"] == ("结婚登记",) and "开饭店" in data.synonyms
    assert ("喜事登记", None) in data.user_words
    assert data.fingerprint != load_search_data().fingerprint


def test_folding_is_width_script_and_case_insensitive() -> None:
    assert fold("身份證補辦 ＡＢＣ") == "身份证补办 abc"
    assert len(fold_query("结" * 10_000)) == MAX_QUERY_CHARS


def test_fold_with_offsets_maps_every_char_back_to_the_original() -> None:
    original = "\x00營業  執照\u200bＡ"
    folded, origin = fold_with_offsets(original)
    assert folded == "营业 执照a"
    assert [original[i] for i in origin] == ["營", "業", " ", "執", "照", "Ａ"]


def test_pinyin_uses_phrase_overrides_for_polyphones() -> None:
    assert pinyin.full("重庆") == "chongqing"
    assert pinyin.full("特种行业") == "tezhonghangye"
    assert pinyin.initials("社会保障卡") == "shbzk"


def test_synonyms_prefer_the_longest_key_and_skip_keys_inside_it() -> None:
    synonyms = SynonymMap({"结婚": ("结婚登记",), "结婚证丢了": ("补领婚姻登记证",)})
    assert synonyms.expand("结婚证丢了怎么办") == [("结婚证丢了", ("补领婚姻登记证",))]
    assert synonyms.expand("我要结婚") == [("结婚", ("结婚登记",))]


def test_a_homophone_typo_is_corrected_only_when_it_shares_a_character() -> None:
    homophones = HomophoneIndex()
    homophones.add("营业执照")
    homophones.add("天启")
    assert [c.word for c in homophones.corrections("营业支照怎么办")] == ["营业执照"]
    assert homophones.corrections("今天田七") == []


def test_pinyin_spelling_repairs_one_edit() -> None:
    spelling = PinyinSpelling()
    for word in ("jiehun", "juzhuzheng", "shebaoka"):
        spelling.add(word)
    assert spelling.correct("jiehunn") == "jiehun"
    assert spelling.correct("juzhuzehng") == "juzhuzheng"
    assert spelling.correct("shebaoka") is None
    assert spelling.correct("asdfgh") is None


def test_snippets_escape_html_and_mark_whole_words() -> None:
    payload = {"id": "1", "title": "t", "department": "d", "names": [], "vocab": [],
               "lines": [("<i>结婚登记</i>须双方到场", "<i>结婚登记</i>须双方到场")]}
    html = snippet(payload, term_pattern(["结婚", "结婚登记"]))  # type: ignore[arg-type]
    assert html == "&lt;i&gt;<mark>结婚登记</mark>&lt;/i&gt;须双方到场"
