"""Answer → SMS text within N billable parts. Pure.

When the answer does not fit, the least important facts go first (last of equal importance
first), then the next steps; the reply always ends with a short link to the WAP page where
the rest can be read. Characters are never substituted: a text that is not GSM-7 is sent
as UCS-2 and counted so.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicline.core.answer import Answer, AnswerKind, Importance, LinkKind
from civicline.sms.segments import PartCount, count_parts
from civicline.web.links import public_url

MAX_CHOICES = 3
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    parts: PartCount
    dropped: tuple[str, ...] = ()  # fact keys left out to fit


@dataclass(frozen=True, slots=True)
class _Line:
    key: str
    text: str
    importance: Importance
    order: int


def short_link(answer: Answer, base_url: str) -> str:
    """The public page of the case, or else of the guide, or "" when there is none."""
    if answer.kind is AnswerKind.GUIDE_LIST:
        return ""  # a list has one link per guide; the numbers are the way in
    for kind in (LinkKind.CASE, LinkKind.GUIDE):
        link = next((lk for lk in answer.links if lk.kind is kind), None)
        if link is not None:
            return public_url(link, base_url)
    return ""


def _lines(answer: Answer) -> list[_Line]:
    lines = [_Line("title", answer.title, Importance.ESSENTIAL, 0)]
    order = 1
    for fact in answer.facts:
        if fact.value:
            lines.append(_Line(fact.key, f"{fact.label}：{fact.value}", fact.importance, order))
            order += 1
    for choice in answer.choices[:MAX_CHOICES]:
        lines.append(_Line(f"choice{choice.key}", f"{choice.key}.{choice.label}",
                           Importance.ESSENTIAL, order))
        order += 1
    if answer.choices:
        lines.append(_Line("choose", f"回复1-{min(len(answer.choices), MAX_CHOICES)}查看详情",
                           Importance.ESSENTIAL, order))
        order += 1
    for step in answer.next_steps:
        lines.append(_Line("next", step, Importance.LOW, order))
        order += 1
    return lines


def _join(lines: list[_Line], link: str) -> str:
    body = "\n".join(line.text for line in lines)
    return f"{body}\n{link}" if link else body


def fit_text(lines: list[str], *, gateway: str, max_parts: int, signature: str = "",
             link: str = "") -> str:
    """Plain lines cut to fit (for templates and fixed texts): drop from the end, then trim."""
    return _fit([_Line(str(i), t, Importance.ESSENTIAL if i == 0 else Importance.NORMAL,
                       i) for i, t in enumerate(lines)],
                gateway=gateway, max_parts=max_parts, signature=signature, link=link)[0]


def _fits(text: str, gateway: str, max_parts: int, signature: str) -> bool:
    return count_parts(text, gateway, signature).parts <= max_parts


def _fit(lines: list[_Line], *, gateway: str, max_parts: int, signature: str, link: str
         ) -> tuple[str, tuple[str, ...]]:
    kept = list(lines)
    dropped: list[str] = []
    text = _join(kept, link)
    # Drop order: least important first; among equals, the later line first.
    candidates = sorted((ln for ln in kept if ln.importance is not Importance.ESSENTIAL),
                        key=lambda ln: (-ln.importance, -ln.order))
    for line in candidates:
        if _fits(text, gateway, max_parts, signature):
            break
        kept.remove(line)
        dropped.append(line.key)
        text = _join(kept, link)
    if not _fits(text, gateway, max_parts, signature):
        text = _trim(kept, link, gateway, max_parts, signature)
    return text, tuple(dropped)


def _trim(lines: list[_Line], link: str, gateway: str, max_parts: int, signature: str) -> str:
    """Essential lines alone are too long: cut the body (never the link) and mark the cut."""
    body = "\n".join(line.text for line in lines)
    tail = f"{_ELLIPSIS}\n{link}" if link else _ELLIPSIS
    low, high = 0, len(body)
    while low < high:  # the longest prefix that fits
        mid = (low + high + 1) // 2
        if _fits(body[:mid] + tail, gateway, max_parts, signature):
            low = mid
        else:
            high = mid - 1
    cut = body[:low]
    if cut and "\ud800" <= cut[-1] <= "\udbff":  # never leave half a surrogate pair
        cut = cut[:-1]
    return cut.rstrip() + tail


def render_answer(answer: Answer, *, gateway: str = "twilio", max_parts: int = 3,
                  signature: str = "", base_url: str = "") -> Rendered:
    """The reply text for `answer` within `max_parts` parts of `gateway`."""
    link = short_link(answer, base_url) if base_url else ""
    text, dropped = _fit(_lines(answer), gateway=gateway, max_parts=max_parts,
                         signature=signature, link=link)
    return Rendered(text, count_parts(text, gateway, signature), dropped)
