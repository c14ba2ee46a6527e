"""Public read API: cases (public/full view), guides, suggestions, departments, results."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

import orjson
from aiohttp import web
from multidict import istr

from civicline.api.serialize import case_json, guide_json, hit_json, result_json
from civicline.core.answer import Answer, AnswerKind, CaseView
from civicline.core.query import Asker, address_asker
from civicline.web.keys import SERVICES
from civicline.web.problems import ProblemError

routes = web.RouteTableDef()


JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}  # set once, not parsed per call
QUERY_CODE_HEADER = istr("X-Query-Code")  # case-folded once, not per request
_CASE_PUBLIC, _CASE_FULL = AnswerKind.CASE_PUBLIC, AnswerKind.CASE_FULL


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None
                  ) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status,
                        headers={**JSON_TYPE, **headers} if headers else JSON_TYPE)


def api_asker(request: web.Request) -> Asker:
    # The API has no verified phone; the sender is the client address (behind a proxy the
    # proxy must set X-Forwarded-For and the app trusts it only when configured to).
    return address_asker("api", request.remote or "unknown")


def _page(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ProblemError("invalid-request", "page 应为 1–1000 的整数")
    return int(raw)


# Serialised public views by case, valid while the query service hands out the same Answer
# object (it memoises public answers per case and day): most lookups are repeats.
_public_bodies: OrderedDict[str, tuple[Answer, bytes]] = OrderedDict()
_PUBLIC_BODIES_MAX = 20_000


def _public_body(answer: Answer, view: CaseView) -> bytes:
    cached = _public_bodies.get(view.case_no)
    if cached is not None and cached[0] is answer:
        return cached[1]
    body = orjson.dumps(case_json(view))
    _public_bodies[view.case_no] = (answer, body)
    if len(_public_bodies) > _PUBLIC_BODIES_MAX:
        _public_bodies.popitem(last=False)
    return body


def case_answer_response(answer: Answer) -> web.Response:
    """Map a case Answer onto HTTP: the view, or the problem that explains its absence."""
    view, kind = answer.case, answer.kind
    if view is not None and (kind is _CASE_PUBLIC or kind is _CASE_FULL):  # `is`: enum hash is slow
        if view.full:
            return json_response(case_json(view), headers={"Cache-Control": "no-store"})
        return web.Response(body=_public_body(answer, view), headers=JSON_TYPE)
    if answer.kind is AnswerKind.INVALID:
        raise ProblemError("invalid-case-number", "办件编号由 1–40 位字母、数字或 - 组成")
    if answer.kind is AnswerKind.WRONG_CODE:
        raise ProblemError("wrong-query-code", "请核对受理回执上的 6 位查询码")
    if answer.kind is AnswerKind.CASE_LOCKED:
        raise ProblemError("case-locked", answer.next_steps[0] if answer.next_steps else "",
                           retry_after=answer.retry_after_seconds)
    if answer.kind is AnswerKind.RATE_LIMITED:
        raise ProblemError("rate-limited", retry_after=answer.retry_after_seconds)
    raise ProblemError("case-not-found", "请核对办件编号；涉密办件需提供查询码")


@routes.get("/api/v1/cases/{case_no}")
async def get_case(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    code = request.headers.get(QUERY_CODE_HEADER)
    answer = await services.query.lookup_case(request.match_info["case_no"], api_asker(request),
                                              code=code)
    return case_answer_response(answer)


@routes.get("/api/v1/guides")
async def search_guides(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    query = request.query.get("q", "")
    if len(query) > 1000:
        raise ProblemError("invalid-request", "查询词过长（最多 1000 个字符）")
    page = _page(request)
    size_raw = request.query.get("page_size", "10")
    if not size_raw.isdigit() or not 1 <= int(size_raw) <= 50:
        raise ProblemError("invalid-request", "page_size 应为 1–50 的整数")
    answer = await services.query.search_guides(
        query, api_asker(request), department=request.query.get("department") or None,
        life_event=request.query.get("life_event") or None, page=page,
        page_size=int(size_raw))
    if answer.kind is AnswerKind.RATE_LIMITED:
        raise ProblemError("rate-limited", retry_after=answer.retry_after_seconds)
    return json_response({
        "total": answer.total,
        "page": page,
        "page_size": int(size_raw),
        "items": [hit_json(h) for h in answer.hits],
        "did_you_mean": answer.did_you_mean,
    })


@routes.get("/api/v1/guides/suggest")
async def suggest(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    prefix = request.query.get("q", "")[:100]
    return json_response({"items": services.query.suggest(prefix)})


@routes.get("/api/v1/guides/{guide_id}")
async def get_guide(request: web.Request) -> web.Response:
    guide = await request.app[SERVICES].query.guide(request.match_info["guide_id"])
    if guide is None:
        raise ProblemError("guide-not-found")
    return json_response(guide_json(guide))


@routes.get("/api/v1/departments")
async def departments(request: web.Request) -> web.Response:
    rows = await request.app[SERVICES].query.departments()
    return json_response({"items": [{"name": d.name, "guide_count": d.guide_count}
                                    for d in rows]})


@routes.get("/api/v1/results")
async def results(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    raw_day = request.query.get("date")
    try:
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        raise ProblemError("invalid-request", "date 应为 YYYY-MM-DD") from None
    department = request.query.get("department")
    page = _page(request)
    rows = await services.query.published_results(
        day, [department] if department else None, page=page)
    shown_day = day or services.clock().date()
    return json_response({"date": shown_day.isoformat(), "page": page,
                          "items": [result_json(r) for r in rows]})
