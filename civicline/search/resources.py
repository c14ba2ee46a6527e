"""Search data files: packaged defaults plus an optional operator directory that extends them."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

USER_DICT = "user_dict.txt"
SYNONYMS = "synonyms.toml"
STOPWORDS = "stopwords.txt"
PINYIN_PHRASES = "pinyin_phrases.txt"


@dataclass(frozen=True, slots=True)
class SearchData:
    """Everything the analyser needs besides the guides themselves."""

    user_words: tuple[tuple[str, int | None], ...]
    synonyms: Mapping[str, tuple[str, ...]]
    stopwords: frozenset[str]
    pinyin_phrases: Mapping[str, tuple[str, ...]]
    fingerprint: str  # changes whenever index-time analysis would produce different tokens


def _packaged(name: str) -> str:
    return (resources.files("civicline.search") / "data" / name).read_text(encoding="utf-8")


def _texts(name: str, extra_dir: Path | None) -> list[str]:
    """The packaged file, then the operator's file of the same name if there is one."""
    texts = [_packaged(name)]
    if extra_dir is not None and (extra_dir / name).is_file():
        texts.append((extra_dir / name).read_text(encoding="utf-8"))
    return texts


def _lines(text: str) -> list[str]:
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def _user_words(texts: list[str]) -> tuple[tuple[str, int | None], ...]:
    words: dict[str, int | None] = {}
    for text in texts:
        for line in _lines(text):
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            words[parts[0]] = freq
    return tuple(words.items())


def _synonyms(texts: list[str]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for text in texts:
        table = tomllib.loads(text).get("synonyms", {})
        for key, targets in table.items():
            values = [targets] if isinstance(targets, str) else list(targets)
            merged[str(key)] = tuple(str(v) for v in values if str(v).strip())
    return merged


def _phrases(texts: list[str]) -> dict[str, tuple[str, ...]]:
    phrases: dict[str, tuple[str, ...]] = {}
    for text in texts:
        for line in _lines(text):
            word, *syllables = line.split()
            if len(syllables) == len(word):  # one reading per character, else the line is wrong
                phrases[word] = tuple(syllables)
    return phrases


def load_search_data(extra_dir: Path | None = None) -> SearchData:
    """Load the packaged data files, extended (and for synonyms overridden) by `extra_dir`."""
    dict_texts = _texts(USER_DICT, extra_dir)
    phrase_texts = _texts(PINYIN_PHRASES, extra_dir)
    digest = hashlib.sha256()
    for text in (*dict_texts, "\0", *phrase_texts):
        digest.update(text.encode("utf-8"))
    return SearchData(
        user_words=_user_words(dict_texts),
        synonyms=_synonyms(_texts(SYNONYMS, extra_dir)),
        stopwords=frozenset(w for t in _texts(STOPWORDS, extra_dir) for w in _lines(t)),
        pinyin_phrases=_phrases(phrase_texts),
        fingerprint=digest.hexdigest()[:16],
    )
