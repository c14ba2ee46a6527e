"""An Answer as lines of plain text and a list of links: what every messenger renderer
starts from before applying its own markup and limits. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from civicline.core.answer import Answer
from civicline.web.links import public_url


@dataclass(frozen=True, slots=True)
class AnswerText:
    title: str
    lines: tuple[str, ...]  # facts and next steps, most important first
    links: tuple[tuple[str, str], ...]  # (label, absolute url)


def answer_text(answer: Answer, base_url: str) -> AnswerText:
    """The answer's title, its facts as `label：value` lines, its steps and its links."""
    lines = [f"{fact.label}：{fact.value}" for fact in sorted(
        answer.facts, key=lambda f: f.importance) if fact.value]
    if answer.choices and not answer.facts:
        lines.extend(f"{c.key}. {c.label}" for c in answer.choices)
    if answer.did_you_mean and not answer.next_steps:
        lines.append(f"您是不是要找：{answer.did_you_mean}")
    lines.extend(answer.next_steps)
    links = []
    for link in answer.links:
        url = public_url(link, base_url)
        if url:
            links.append((link.label or "详情", url))
    return AnswerText(answer.title, tuple(lines), tuple(links))


def cut(text: str, limit: int, marker: str = "…") -> str:
    """`text` within `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[: limit - len(marker)] + marker
