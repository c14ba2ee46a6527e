"""RFC 9457 problem responses with Chinese titles and stable types, and channels' error pages
(both applied to every route by civicline.web.routing)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from civicline.core.errors import BackendUnavailable

log = logging.getLogger("civicline.http")
PROBLEM_BASE = "https://civicline.example/problems/"  # stable identifiers, not fetched

# type suffix -> (status, Chinese title)
PROBLEMS: dict[str, tuple[int, str]] = {
    "invalid-request": (400, "请求格式不正确"),
    "invalid-json": (400, "请求体不是有效的 JSON"),
    "invalid-encoding": (400, "请求体不是有效的 UTF-8 文本"),
    "invalid-case-number": (400, "办件编号格式不正确"),
    "invalid-event": (422, "事件内容不正确"),
    "unauthorized": (401, "缺少或无效的访问令牌"),
    "forbidden": (403, "无权执行此操作"),
    "wrong-query-code": (403, "查询码不正确"),
    "case-not-found": (404, "未查到该办件"),
    "guide-not-found": (404, "未找到该办事指南"),
    "not-found": (404, "页面不存在"),
    "method-not-allowed": (405, "不支持该请求方法"),
    "body-too-large": (413, "请求体过大"),
    "unsupported-media-type": (415, "不支持的内容类型"),
    "case-locked": (429, "查询码尝试次数过多，已暂停验证"),
    "rate-limited": (429, "请求过于频繁，请稍后再试"),
    "backend-unavailable": (503, "服务暂时不可用，请稍后再试"),
    "internal-error": (500, "服务内部错误"),
}


def problem(kind: str, detail: str = "", *, headers: dict[str, str] | None = None,
            **extra: Any) -> web.Response:
    status, title = PROBLEMS[kind]
    body: dict[str, Any] = {"type": PROBLEM_BASE + kind, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    retry_after = extra.get("retry_after")
    if retry_after:
        headers = {**(headers or {}), "Retry-After": str(retry_after)}
    return web.Response(status=status, body=orjson.dumps(body), headers=headers,
                        content_type="application/problem+json", charset="utf-8")


class ProblemError(Exception):
    """Raise from a handler to answer with a problem response."""

    def __init__(self, kind: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail
        self.extra = extra


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A channel's own error pages: the response for an exception under its path prefix, or None
# to leave it to the next rule. Channels mounted on the main app register one (no sub-app
# and no middleware of their own: each costs every request a few microseconds).
ErrorPage = Callable[[web.Request, Exception], web.StreamResponse | None]
ERROR_PAGES = web.AppKey("error_pages", list[tuple[str, ErrorPage]])


def channel_error_page(request: web.Request, exc: Exception) -> web.StreamResponse | None:
    for prefix, page in request.app.get(ERROR_PAGES, ()):
        if request.path.startswith(prefix):
            return page(request, exc)
    return None


_HTTP_KINDS = {400: "invalid-request", 404: "not-found", 405: "method-not-allowed",
               413: "body-too-large", 415: "unsupported-media-type"}


def problem_for(request: web.Request, exc: Exception) -> web.Response | None:
    """The problem document answering `exc`, or None to let the exception propagate (an HTTP
    status outside the API, which aiohttp or a channel answers its own way). Every other
    error becomes a problem document; no stack trace ever reaches a client."""
    if isinstance(exc, ProblemError):
        return problem(exc.kind, exc.detail, **exc.extra)
    if isinstance(exc, BackendUnavailable):
        log.error("backend_unavailable", exc_info=exc, extra={"path": request.path})
        return problem("backend-unavailable", headers={"Retry-After": "5"})
    if isinstance(exc, web.HTTPException):
        if exc.status < 400 or not request.path.startswith(("/api/", "/open311/")):
            return None
        kind = _HTTP_KINDS.get(exc.status)
        if kind is None:
            return None
        # A 405 names the methods the path does take (RFC 9110 requires Allow).
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return problem(kind, exc.reason if exc.status != 404 else "", headers=allow)
    log.error("unhandled_error", exc_info=exc, extra={"path": request.path})
    return problem("internal-error")
