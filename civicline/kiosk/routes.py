"""Kiosk routes: the page shell and the small JSON endpoints its script calls.

Every endpoint translates: read the request, ask the QueryService or QueueService, and
return the payload the page lays out (see render.py). Answers that are refusals (unknown
case, wrong code, locked) are still 200s: the page shows them as answers, not as errors.
"""

from __future__ import annotations

from typing import Any

import jinja2
import orjson
from aiohttp import web

from civicline.core.answer import LinkKind
from civicline.core.errors import InvalidInput
from civicline.core.query import Asker
from civicline.kiosk import render
from civicline.kiosk.config import KIOSK_ID_RE, KioskSettings
from civicline.web.body import read_text
from civicline.web.keys import SERVICES
from civicline.web.links import site_path
from civicline.web.problems import ProblemError

KIOSK_SETTINGS = web.AppKey("kiosk_settings", KioskSettings)
TEMPLATES = web.AppKey("kiosk_templates", jinja2.Environment)
PUBLIC_URL = web.AppKey("kiosk_public_url", str)
CHANNEL = "kiosk"
MAX_PAGE_SIZE = 20
# Content Security Policy of the shell: nothing from outside the service, no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

routes = web.RouteTableDef()


def json_response(body: object, *, private: bool = False) -> web.Response:
    # Everything the kiosk shows is live; a case answer must never sit in a cache.
    return web.Response(body=orjson.dumps(body), content_type="application/json",
                        charset="utf-8",
                        headers={"Cache-Control": "no-store" if private else "no-cache"})


def kiosk_asker(request: web.Request) -> Asker:
    """The kiosk named by the page (X-Kiosk-Id), else the configured id; never a phone."""
    named = request.headers.get("X-Kiosk-Id", "")
    sender = named if KIOSK_ID_RE.match(named) else request.app[KIOSK_SETTINGS].kiosk_id
    return Asker(channel=CHANNEL, sender_id=sender)


def _int_param(request: web.Request, name: str, default: int, high: int) -> int:
    raw = request.query.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ProblemError("invalid-request", f"{name} 应为 1–{high} 的整数")
    return int(raw)


def _text_param(request: web.Request, name: str, limit: int = 100) -> str:
    value = request.query.get(name, "")
    if len(value) > limit:
        raise ProblemError("invalid-request", f"{name} 过长（最多 {limit} 个字符）")
    return value


async def _json_body(request: web.Request) -> dict[str, Any]:
    text = await read_text(request)
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProblemError("invalid-json") from None
    if not isinstance(body, dict):
        raise ProblemError("invalid-json", "请求体应为 JSON 对象")
    return body


def _short_string(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str) or len(value) > limit:
        raise ProblemError("invalid-request", f"{key} 应为不超过 {limit} 个字符的文本")
    return value


@routes.get("/")
async def shell(request: web.Request) -> web.Response:
    """The single page: every screen is in it; the script switches between them."""
    settings = request.app[KIOSK_SETTINGS]
    services = request.config_dict[SERVICES]
    categories = list(services.queue.categories.values()) if settings.queue else []
    static = request.app.router["static"]
    html = request.app[TEMPLATES].get_template("kiosk.html.j2").render(
        settings=settings, categories=categories,
        css_url=static.url_for(filename="kiosk.css"), js_url=static.url_for(filename="kiosk.js"),
        tickets=settings.tickets and bool(categories),
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-cache", "Content-Security-Policy": CSP,
                                 "X-Content-Type-Options": "nosniff"})


@routes.get("/api/ping")
async def ping(request: web.Request) -> web.Response:
    return json_response({"ok": True})


@routes.post("/api/case")
async def lookup_case(request: web.Request) -> web.Response:
    """Case lookup; the code travels in the body, never in a URL or a log line."""
    body = await _json_body(request)
    case_no = _short_string(body, "case_no", 40)
    code = _short_string(body, "code", 12) or None
    answer = await request.config_dict[SERVICES].query.lookup_case(
        case_no, kiosk_asker(request), code=code)
    return json_response(render.case_payload(answer), private=True)


@routes.get("/api/suggest")
async def suggest(request: web.Request) -> web.Response:
    prefix = _text_param(request, "q", 50)
    return json_response({"items": request.config_dict[SERVICES].query.suggest(prefix)})


@routes.get("/api/guides")
async def guides(request: web.Request) -> web.Response:
    """Search by words, or browse one department's or life event's guides."""
    size = _int_param(request, "size", 6, MAX_PAGE_SIZE)
    page = _int_param(request, "page", 1, 1000)
    answer = await request.config_dict[SERVICES].query.search_guides(
        _text_param(request, "q"), kiosk_asker(request),
        department=_text_param(request, "department") or None,
        life_event=_text_param(request, "life_event") or None, page=page, page_size=size)
    body = render.page_payload([render.hit_payload(h) for h in answer.hits], answer.total,
                               page, size)
    body["title"] = answer.title
    body["next_steps"] = list(answer.next_steps)
    return json_response(body)


@routes.get("/api/guides/{guide_id}")
async def guide_detail(request: web.Request) -> web.Response:
    guide_id = request.match_info["guide_id"]
    guide = await request.config_dict[SERVICES].query.guide(guide_id[:40])
    if guide is None:
        raise ProblemError("guide-not-found")
    wap_url = request.app[PUBLIC_URL] + site_path(LinkKind.GUIDE, guide.id)
    return json_response(render.guide_payload(guide, wap_url))


@routes.get("/api/departments")
async def departments(request: web.Request) -> web.Response:
    size = _int_param(request, "size", 12, 40)
    page = _int_param(request, "page", 1, 100)
    rows = await request.config_dict[SERVICES].query.departments()
    items = [render.department_payload(d) for d in rows[(page - 1) * size:page * size]]
    return json_response(render.page_payload(items, len(rows), page, size))


@routes.get("/api/life-events")
async def life_events(request: web.Request) -> web.Response:
    """Life events named by the current guides, in first-seen (guide id) order."""
    size = _int_param(request, "size", 12, 40)
    page = _int_param(request, "page", 1, 100)
    events = await request.config_dict[SERVICES].query.life_events()
    items = [{"name": name, "count": count}
             for name, count in events[(page - 1) * size:page * size]]
    return json_response(render.page_payload(items, len(events), page, size))


@routes.get("/api/results")
async def results(request: web.Request) -> web.Response:
    """Today's 办结公示, masked; the core never lists confidential cases."""
    size = _int_param(request, "size", 6, MAX_PAGE_SIZE)
    page = _int_param(request, "page", 1, 100)
    query = request.config_dict[SERVICES].query
    # One row more than the page tells whether a next page exists without a count query.
    rows = await query.published_results(None, None, page=1, page_size=page * size + 1)
    shown = rows[(page - 1) * size:page * size]
    return json_response(render.page_payload([render.result_payload(r) for r in shown],
                                             len(rows), page, size))


@routes.get("/api/queue")
async def queue(request: web.Request) -> web.Response:
    """The numbers being called now and the waiting counts, for the home screen's tile."""
    services = request.config_dict[SERVICES]
    if not request.app[KIOSK_SETTINGS].queue or not services.queue.categories:
        return json_response({"enabled": False, "calls": [], "categories": []})
    calls = await services.queue.recent_calls(limit=12)  # recalls fold into their ticket
    waiting = await services.queue.waiting_counts()
    return json_response(render.queue_payload(calls, waiting, services.queue.categories))


@routes.post("/api/tickets")
async def issue_ticket(request: web.Request) -> web.Response:
    """Take a ticket for a category; the page prints it through the browser's print path."""
    settings = request.app[KIOSK_SETTINGS]
    services = request.config_dict[SERVICES]
    if not (settings.queue and settings.tickets and services.queue.categories):
        raise ProblemError("not-found", "本终端未开通取号")
    category = _short_string(await _json_body(request), "category", 2)
    try:
        ticket = await services.queue.issue_ticket(category)
    except InvalidInput as exc:
        raise ProblemError("invalid-request", exc.reason) from None
    return json_response(render.ticket_payload(ticket, f"{request.app[PUBLIC_URL]}/wap/"),
                         private=True)
