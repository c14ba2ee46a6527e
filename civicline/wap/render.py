"""Rendering for WAP pages: the jinja2 environment and the Answer-to-HTTP-status table."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import jinja2
from aiohttp import web

from civicline.core.answer import Answer, AnswerKind
from civicline.core.models import Guide
from civicline.core.stages import SUPERVISED_STEPS, Stage
from civicline.wap.config import WapSettings

WEEKDAYS = "一二三四五六日"
CACHED_PAGES = 10_000  # rendered public pages kept: about 30 MB at most

# Header sets built once: a fresh dict (and content-type parsing) per response adds up.
_PUBLIC_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
_PRIVATE_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}

# How each kind of case answer maps onto HTTP; pages still render for every status.
CASE_STATUS: dict[AnswerKind, int] = {
    AnswerKind.CASE_PUBLIC: 200,
    AnswerKind.CASE_FULL: 200,
    AnswerKind.WRONG_CODE: 403,
    AnswerKind.CASE_NOT_FOUND: 404,
    AnswerKind.CASE_LOCKED: 429,
    AnswerKind.RATE_LIMITED: 429,
    AnswerKind.INVALID: 400,
}


def _cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.year}年{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def _cn_time(value: datetime) -> str:
    return f"{value.month}月{value.day}日 {value:%H:%M}"


def _steps(stage: Stage) -> list[tuple[str, str]]:
    """The five supervised steps as (label, state), state in done / now / todo."""
    if stage not in SUPERVISED_STEPS:
        return []  # supplement, suspension, rejection: the stage line says it better
    current = SUPERVISED_STEPS.index(stage)
    return [(s.label, "done" if i < current or stage is Stage.CONCLUDED
             else "now" if i == current else "todo")
            for i, s in enumerate(SUPERVISED_STEPS)]


def build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("civicline.wap", "templates"),
        autoescape=True,
        trim_blocks=True,  # whitespace costs bytes on slow connections
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the package; no stat() per request
    )
    env.filters["cn_date"] = _cn_date
    env.filters["cn_time"] = _cn_time
    env.globals["steps"] = _steps
    return env


class Pages:
    """Renders named templates with the hall's details, into complete HTTP responses."""

    def __init__(self, settings: WapSettings) -> None:
        self.settings = settings
        self.env = build_environment()
        # Rendered pages by a key that changes whenever their content does (see callers).
        self._cache: OrderedDict[tuple[object, ...], tuple[object, bytes]] = OrderedDict()

    def cached(self, key: tuple[object, ...], build: Callable[[], str], *,
               source: object = None) -> bytes:
        """The page under `key` as UTF-8, rendered once (and again if `source` is another
        object)."""
        entry = self._cache.get(key)
        if entry is not None and entry[0] is source:
            self._cache.move_to_end(key)
            return entry[1]
        page = build().encode()
        self._cache[key] = (source, page)  # holding `source` keeps its id from being reused
        if len(self._cache) > CACHED_PAGES:
            self._cache.popitem(last=False)
        return page

    def html(self, template: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(template).render(hall=self.settings, **context)

    def response(self, template: str, status: int = 200, *, private: bool = False,
                 headers: Mapping[str, str] | None = None, **context: Any) -> web.Response:
        page = self.html(template, context).encode()
        return self.send(page, status, private=private, headers=headers)

    def send(self, page: bytes, status: int = 200, *, private: bool = False,
             headers: Mapping[str, str] | None = None) -> web.Response:
        # Full views must not linger in shared caches or the phone's history cache.
        base = _PRIVATE_HEADERS if private else _PUBLIC_HEADERS
        return web.Response(body=page, status=status,
                            headers={**base, **headers} if headers else base)

    def guide(self, guide: Guide) -> web.Response:
        """A guide's page, rendered once per stored version (every change makes a new one)."""
        key = ("guide", guide.id, guide.version, guide.updated_at)
        return self.send(self.cached(key, lambda: self.html("guide.html", {"guide": guide})))

    def error(self, status: int, title: str, detail: str = "", *,
              headers: Mapping[str, str] | None = None) -> web.Response:
        """A friendly page for bad input or a failure: never a stack trace."""
        return self.response("error.html", status, headers=headers, title=title, detail=detail)

    def case(self, answer: Answer, case_no: str) -> web.Response:
        """A case answer of any kind, with its HTTP status and caching rules."""
        def build() -> str:
            return self.html("case.html", {
                "answer": answer, "view": answer.case, "case_no": case_no,
                "deadline_text": _fact(answer, "deadline_state")})

        if answer.kind is AnswerKind.CASE_PUBLIC:
            # The core hands out the same public Answer until the case or the day changes.
            page = self.cached(("case", id(answer), case_no), build, source=answer)
            return self.send(page)
        headers = {}
        if answer.retry_after_seconds:
            headers["Retry-After"] = str(answer.retry_after_seconds)
        full = answer.case is not None and answer.case.full
        return self.send(build().encode(), CASE_STATUS.get(answer.kind, 200), private=full,
                         headers=headers)


def _fact(answer: Answer, key: str) -> str:
    fact = answer.fact(key)
    return fact.value if fact else ""
