"""WAP route handlers: parse the request, ask the query service, render a page, respond."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, urlencode

from aiohttp import web

from civicline.core.answer import AnswerKind
from civicline.core.clock import SHANGHAI
from civicline.core.errors import BackendUnavailable
from civicline.core.query import Asker, address_asker, help_answer
from civicline.wap.render import Pages
from civicline.web.keys import SERVICES

log = logging.getLogger("civicline.wap")
PAGES = web.AppKey("wap_pages", Pages)
MAX_FORM_BYTES = 2048  # the lookup form is two short fields; anything bigger is not ours
MAX_QUERY_STRING = 2048  # bytes after "?": search words plus paging fit in a fraction
MAX_ID_CHARS = 64
MAX_PAGE = 1000
ERROR_TITLES = {
    400: "请求格式不正确",
    404: "页面不存在",
    405: "不支持该请求方法",
    413: "提交的内容过长",
    414: "查询内容过长",
    415: "不支持的提交方式",
}

routes = web.RouteTableDef()


class BadInput(Exception):
    """Input we answer with a friendly page and `status` (400, 413, 414, 415)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def asker(request: web.Request) -> Asker:
    # No verified phone on the web: the sender is the client address, for rate limits.
    return address_asker("wap", request.remote or "unknown")


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadInput(400, f"页码应为 1–{MAX_PAGE} 的整数")
    return int(raw)


async def read_form(request: web.Request) -> dict[str, str]:
    """The urlencoded form body, strictly UTF-8; first value of each field."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise BadInput(415, "请通过页面上的表单提交")
    if (request.content_length or 0) > MAX_FORM_BYTES:
        raise BadInput(413, "提交的内容过长，请只填写办件编号和查询码")
    body = bytearray()
    while chunk := await request.content.read(MAX_FORM_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_FORM_BYTES:  # chunked bodies carry no Content-Length
            raise BadInput(413, "提交的内容过长，请只填写办件编号和查询码")
    # Browsers submit a form in its page's encoding, and every page here is UTF-8.
    try:
        fields = parse_qs(body.decode("utf-8"), encoding="utf-8", errors="strict",
                          max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        raise BadInput(400, "提交的内容无法识别，请返回重新填写") from None
    return {name: values[0] for name, values in fields.items()}


# -- pages -----------------------------------------------------------------------------------


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    return request.app[PAGES].response("home.html")


@routes.get("/help")
async def help_page(request: web.Request) -> web.Response:
    query_settings = request.app[SERVICES].settings.query
    return request.app[PAGES].response("help.html", help=help_answer(), query=query_settings)


@routes.get("/case")
async def case_form(request: web.Request) -> web.Response:
    case_no = request.query.get("no", "")[:40]
    return request.app[PAGES].response("case_form.html", case_no=case_no, message="")


@routes.post("/case")
async def case_lookup(request: web.Request) -> web.Response:
    """The lookup form's target: POST keeps the query code out of URLs and access logs."""
    pages = request.app[PAGES]
    form = await read_form(request)
    case_no = form.get("case_no", "").strip()[:40]
    code = form.get("code", "").strip() or None
    if not case_no:
        return pages.response("case_form.html", 400, case_no="", message="请输入办件编号")
    answer = await request.app[SERVICES].query.lookup_case(case_no, asker(request),
                                                           code=code)
    # Deliberately no logging here: the form carries the query code.
    return pages.case(answer, case_no)


@routes.get("/c/{case_no}")
async def case_public(request: web.Request) -> web.Response:
    """A case's public view (the SMS short link lands here) and the form for its code."""
    case_no = request.match_info["case_no"][:41]  # 41 keeps an over-long number invalid
    answer = await request.app[SERVICES].query.lookup_case(case_no, asker(request))
    return request.app[PAGES].case(answer, case_no[:40])


@routes.get("/guides")
async def guides(request: web.Request) -> web.Response:
    """Guide search with paging; with a department and no words, that department's guides."""
    pages = request.app[PAGES]
    settings = pages.settings
    q = request.query.get("q")
    department = request.query.get("department", "").strip()[:MAX_ID_CHARS] or None
    page = page_number(request)
    heading = department or "查办事指南"
    if q is None and department is None:
        return pages.response("guides.html", heading=heading, q="", department=None,
                              answer=None)
    if q is not None and len(q) > settings.max_query_chars:
        raise BadInput(414, f"查询内容过长，请控制在 {settings.max_query_chars} 个字以内")
    words = (q or "").strip()
    if not words and department is None:
        return pages.response("guides.html", 400, heading=heading, q="", department=None,
                              answer=None, message="请输入要查找的事项名称")
    size = settings.page_size
    answer = await request.app[SERVICES].query.search_guides(
        words, asker(request), department=department, page=page, page_size=size)
    if answer.kind is AnswerKind.RATE_LIMITED:
        return rate_limited(pages, answer.retry_after_seconds)
    if department and not words and answer.kind is AnswerKind.NO_RESULTS and page == 1:
        return pages.error(404, "未找到该部门的办事指南", "请从部门列表中选择")

    def page_url(number: int) -> str:
        params = {k: v for k, v in (("q", words), ("department", department)) if v}
        return "/wap/guides?" + urlencode({**params, "page": number})

    return pages.response("guides.html", heading=heading, q=words, department=department,
                          answer=answer, page=page, pages=math.ceil(answer.total / size),
                          first=(page - 1) * size + 1, page_url=page_url)


@routes.get("/g/{guide_id}")
async def guide_detail(request: web.Request) -> web.Response:
    pages = request.app[PAGES]
    guide_id = request.match_info["guide_id"]
    if len(guide_id) > MAX_ID_CHARS:
        return pages.error(404, "未找到该办事指南", "请返回重新查询")
    # The page lays the whole guide out itself, so it skips guide_detail's summary facts.
    guide = await request.app[SERVICES].query.guide(guide_id.strip())
    if guide is None:
        return pages.error(404, "未找到该办事指南", "请返回重新查询，或按部门浏览")
    return pages.guide(guide)


@routes.get("/departments")
async def departments(request: web.Request) -> web.Response:
    rows = await request.app[SERVICES].query.departments()
    return request.app[PAGES].response("departments.html", departments=rows)


@routes.get("/results")
async def results(request: web.Request) -> web.Response:
    """The results publication (办结公示) of one day, masked, a page at a time."""
    pages = request.app[PAGES]
    services = request.app[SERVICES]
    today = services.clock().astimezone(SHANGHAI).date()
    raw_day = request.query.get("date", "")
    try:
        day = date.fromisoformat(raw_day) if raw_day else today
    except ValueError:
        raise BadInput(400, "日期格式应为 2026-11-27") from None
    if day > today:
        raise BadInput(400, "办结公示只能查看今天及以前的日期")
    department = request.query.get("department", "").strip()[:MAX_ID_CHARS] or None
    page = page_number(request)
    size = pages.settings.results_page_size
    chosen = [department] if department else None
    rows = await services.query.published_results(day, chosen, page=page, page_size=size)
    # Confidential rows are dropped from a page, so a short page does not prove the end.
    has_next = bool(rows) and bool(
        await services.query.published_results(day, chosen, page=page + 1, page_size=size))

    def day_url(target: date, number: int) -> str:
        params = {"date": target.isoformat(), **({"department": department} if department
                                                  else {})}
        return "/wap/results?" + urlencode({**params, **({"page": number} if number > 1 else {})})

    return pages.response(
        "results.html", day=day, rows=rows, page=page, has_next=has_next,
        first=(page - 1) * size + 1, department=department, day_url=day_url,
        previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1)
        if day < today else None)


def rate_limited(pages: Pages, retry_after: int | None) -> web.Response:
    seconds = retry_after or 60
    return pages.error(429, "查询过于频繁，请稍后再试", f"请约 {max(1, seconds // 60)} 分钟后再试",
                       headers={"Retry-After": str(seconds)})


# -- short links for SMS, mounted on the main app ---------------------------------------------


async def short_case(request: web.Request) -> web.Response:
    raise web.HTTPFound("/wap/c/" + quote(request.match_info["case_no"][:64], safe=""))


async def short_guide(request: web.Request) -> web.Response:
    raise web.HTTPFound("/wap/g/" + quote(request.match_info["guide_id"][:64], safe=""))


async def bare_prefix(request: web.Request) -> web.Response:
    raise web.HTTPFound("/wap/")


# -- errors ----------------------------------------------------------------------------------


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guarded(handler: Handler) -> Handler:
    """A page handler that refuses over-long query strings before doing any work."""
    @functools.wraps(handler)
    async def guarded_handler(request: web.Request) -> web.StreamResponse:
        if len(request.query_string) > MAX_QUERY_STRING:
            raise BadInput(414, "请缩短查询内容后再试")
        return await handler(request)
    return guarded_handler


def friendly_error(pages: Pages) -> Callable[[web.Request, Exception], web.Response | None]:
    """Every failure under /wap/ becomes a calm Chinese page with the right status; never a
    stack trace. Registered as the channel's error page (see ERROR_PAGES)."""
    def page(request: web.Request, exc: Exception) -> web.Response | None:
        if isinstance(exc, BadInput):
            return pages.error(exc.status, ERROR_TITLES.get(exc.status, "请求格式不正确"),
                               exc.detail)
        if isinstance(exc, web.HTTPException):
            if exc.status < 400:
                return None  # redirects pass through
            title = ERROR_TITLES.get(exc.status, "请求无法处理")
            return pages.error(exc.status, title, "请返回首页重新操作")
        if isinstance(exc, BackendUnavailable):
            log.error("backend_unavailable", exc_info=exc, extra={"path": request.path})
            return pages.error(503, "服务暂时不可用", "请稍后再试", headers={"Retry-After": "5"})
        log.error("unhandled_error", exc_info=exc, extra={"path": request.path})
        return pages.error(500, "服务出了点问题", "请稍后再试，或拨打咨询热线")
    return page
