"""Snippets: the best source line of a guide, matched words marked on the ORIGINAL text."""

from __future__ import annotations

import re
from collections.abc import Collection
from html import escape

from civicline.search.documents import Payload
from civicline.search.normalize import fold_with_offsets

SNIPPET_CHARS = 80
_LEAD = 16  # context kept before the first match


def term_pattern(terms: Collection[str]) -> re.Pattern[str] | None:
    """One alternation of the query's words, longest first so whole words win over parts."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _best_line(payload: Payload, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    """(original, folded) of the line with most distinct matched words, if any matches."""
    best: tuple[str, str] | None = None
    best_hits = 0
    for original, folded in payload["lines"]:
        hits = len(set(pattern.findall(folded)))
        if hits > best_hits:
            best, best_hits = (original, folded), hits
    return best


def _spans(original: str, folded: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Matched word spans in the original line's own offsets."""
    if len(folded) == len(original):
        origin: list[int] | None = None  # folding mapped char to char: offsets carry over
    else:  # folding dropped or expanded characters; map every folded char back
        folded, origin = fold_with_offsets(original)
    spans = []
    for m in pattern.finditer(folded):
        start, end = m.span()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        spans.append((start, end))
    return spans


def snippet(payload: Payload, pattern: re.Pattern[str] | None,
            max_chars: int = SNIPPET_CHARS) -> str:
    """HTML: escaped text with `<mark>` around matched words, about `max_chars` long."""
    best = _best_line(payload, pattern) if pattern is not None else None
    if best is None or pattern is None:
        lines = [o for o, _ in payload["lines"] if o != payload["title"]]
        line, spans = (lines[0] if lines else payload["title"]), []
    else:
        line, spans = best[0], _spans(best[0], best[1], pattern)
    start = max(0, spans[0][0] - _LEAD) if spans else 0
    end = min(len(line), start + max_chars)
    parts = ["…"] if start > 0 else []
    cursor = start
    for s, e in spans:
        if s >= end:
            break
        s, e = max(s, cursor), min(e, end)
        if e <= s:
            continue
        parts.append(escape(line[cursor:s]))
        parts.append(f"<mark>{escape(line[s:e])}</mark>")
        cursor = e
    parts.append(escape(line[cursor:end]))
    if end < len(line):
        parts.append("…")
    return "".join(parts)
