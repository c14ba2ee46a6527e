"""Guide → tantivy document, and the stored payload that search results are rendered from."""

from __future__ import annotations

from typing import TypedDict

import orjson
import tantivy

from civicline.core.models import Guide
from civicline.search import index as f
from civicline.search import pinyin
from civicline.search.analyzer import Analyzer
from civicline.search.normalize import compact, fold, has_han

_MAX_LINE = 240  # snippet source lines are cut here; a snippet never shows more
_MAX_LINES = 60


class Name(TypedDict):
    """A title, alias or keyword as suggestions and typo correction see it."""

    text: str
    kind: int  # 0 title, 1 alias, 2 keyword
    full: str  # full pinyin
    initials: str
    cuts: list[int]  # folded offsets where a word starts, for mid-title completion


class Payload(TypedDict):
    """What a hit is rendered from."""

    id: str
    title: str
    department: str
    lines: list[tuple[str, str]]  # (original, folded) snippet source lines


class Memo(TypedDict):
    """What suggestions and typo repair keep in memory; stored apart so startup reads less."""

    id: str
    names: list[Name]
    vocab: list[tuple[str, str]]  # (word, full pinyin) of multi-char Han words in names


def _snippet_lines(guide: Guide) -> list[str]:
    lines: list[str] = []
    for m in guide.materials:
        lines.append(f"{m.name}（{m.notes}）" if m.notes else m.name)
    lines.extend(guide.conditions)
    for faq in guide.faqs:
        lines.extend((faq.question, faq.answer))
    lines.extend(guide.procedure)
    lines.extend(guide.aliases)
    lines.extend(guide.keywords)
    lines.append(guide.title)
    return [line[:_MAX_LINE] for line in lines if line.strip()][:_MAX_LINES]


def _pre_tokenized(analyzer: Analyzer, folded: str) -> tantivy.PreTokenizedString:
    tokens = [tantivy.Token(s.text, s.pos, s.start, s.end) for s in analyzer.segs(folded)]
    return tantivy.PreTokenizedString(folded, tokens)


def _joined(analyzer: Analyzer, texts: list[str]) -> str:
    return " ".join(" ".join(analyzer.words(t)) for t in texts)


def _name(analyzer: Analyzer, text: str, kind: int) -> Name:
    folded = fold(text)
    cuts = sorted({s.start for s in analyzer.segs(folded) if not s.sub and s.start > 0})
    full, initials = analyzer.spell(folded)
    return Name(text=text, kind=kind, full=full, initials=initials, cuts=cuts)


def build_memo(guide: Guide, analyzer: Analyzer) -> Memo:
    names = [_name(analyzer, guide.title, 0)]
    names += [_name(analyzer, a, 1) for a in guide.aliases if a.strip()]
    names += [_name(analyzer, k, 2) for k in guide.keywords if k.strip()]
    vocab: dict[str, str] = {}
    for name in names:
        for seg in analyzer.segs(fold(name["text"])):
            if len(seg.text) > 1 and has_han(seg.text) and seg.text not in vocab:
                vocab[seg.text] = pinyin.full(seg.text)
    return Memo(id=guide.id, names=names, vocab=list(vocab.items()))


def build_payload(guide: Guide) -> Payload:
    return Payload(id=guide.id, title=guide.title, department=guide.department,
                   lines=[(line, fold(line)) for line in _snippet_lines(guide)])


def guide_document(guide: Guide, analyzer: Analyzer) -> tuple[tantivy.Document, Memo]:
    """The index document of a guide (all text folded and segmented) and its memo."""
    memo = build_memo(guide, analyzer)
    doc = tantivy.Document()
    doc.add_text(f.ID, guide.id)
    doc.add_pre_tokenized_text(f.TITLE, _pre_tokenized(analyzer, fold(guide.title)))
    for alias in guide.aliases:
        doc.add_pre_tokenized_text(f.ALIAS, _pre_tokenized(analyzer, fold(alias)))
    py_terms = analyzer.pinyin_terms([guide.title, *guide.aliases, *guide.keywords])
    doc.add_pre_tokenized_text(
        f.PINYIN, tantivy.PreTokenizedString(
            " ".join(py_terms), [tantivy.Token(t, i, 0, 0) for i, t in enumerate(py_terms)]))
    doc.add_text(f.KEYWORD, _joined(analyzer, [*guide.keywords, *guide.life_events]))
    doc.add_text(f.MATERIAL, _joined(analyzer, [m.name for m in guide.materials]))
    doc.add_text(f.DEPT_TEXT, _joined(analyzer, [guide.department]))
    body = [guide.item_type, *guide.conditions, *guide.procedure]
    body += [m.notes for m in guide.materials]
    body += [text for faq in guide.faqs for text in (faq.question, faq.answer)]
    doc.add_text(f.BODY, _joined(analyzer, body))
    for name in (guide.title, *guide.aliases, *guide.keywords):
        doc.add_text(f.EXACT, compact(fold(name)))
    doc.add_text(f.DEPARTMENT, guide.department)
    for event in guide.life_events:
        doc.add_text(f.LIFE_EVENT, event)
    doc.add_bytes(f.PAYLOAD, orjson.dumps(build_payload(guide)))
    doc.add_bytes(f.MEMO, orjson.dumps(memo))
    return doc, memo


def _stored(doc: tantivy.Document, name: str) -> bytes:
    raw = doc.get_first(name)
    if not isinstance(raw, bytes):
        raise ValueError(f"search document without {name}")
    return raw


def read_payload(doc: tantivy.Document) -> Payload:
    data: Payload = orjson.loads(_stored(doc, f.PAYLOAD))
    return data


def read_memo(doc: tantivy.Document) -> Memo:
    data: Memo = orjson.loads(_stored(doc, f.MEMO))
    return data
