"""Queue API: calls from the hall's queue system, tickets of the built-in queue, waiting counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from civicline.api.auth import require_department
from civicline.api.public import json_response
from civicline.core.errors import InvalidInput
from civicline.core.queue import Ticket
from civicline.web.body import read_text
from civicline.web.keys import SERVICES
from civicline.web.problems import ProblemError
from civicline.web.queue_json import queue_json

routes = web.RouteTableDef()


async def _object(request: web.Request) -> dict[str, Any]:
    text = await read_text(request)
    try:
        value = orjson.loads(text or "null")
    except orjson.JSONDecodeError as exc:
        raise ProblemError("invalid-json", f"JSON 解析失败：{exc}") from None
    if not isinstance(value, dict):
        raise ProblemError("invalid-request", "请求体应为 JSON 对象")
    return value


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = body.get(key, "")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # window 5 as a number is as good as "5"
    if not isinstance(value, str) or (required and not value.strip()):
        raise ProblemError("invalid-request", f"{key} 应为非空字符串", field=key)
    return value


def _when(body: dict[str, Any]) -> datetime | None:
    raw = body.get("called_at")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ProblemError("invalid-request", "called_at 应为带时区的 ISO 8601 时间",
                           field="called_at")
    return moment


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {"number": ticket.number, "category": ticket.category.prefix,
            "service": ticket.category.name, "waiting_ahead": ticket.waiting_ahead,
            "issued_at": ticket.issued_at.isoformat()}


@routes.post("/api/v1/queue/calls")
async def post_call(request: web.Request) -> web.Response:
    """Report a call; the same ticket again today is a recall (重呼).

    Sample body: {"ticket": "A023", "window": "5", "service": "综合受理",
    "called_at": "2026-11-27T10:00:00+08:00"}
    """
    await require_department(request)
    body = await _object(request)
    try:
        call = await request.config_dict[SERVICES].queue.report_call(
            _text(body, "ticket"), _text(body, "window"),
            _text(body, "service", required=False), _when(body))
    except InvalidInput as exc:
        raise ProblemError("invalid-request", exc.reason, field=exc.field) from None
    return json_response(call.to_json(), status=201)


@routes.post("/api/v1/queue/tickets")
async def post_ticket(request: web.Request) -> web.Response:
    """Issue the next ticket of a category of the built-in queue. Sample body: {"category": "A"}"""
    services = request.config_dict[SERVICES]
    # Open like a paper-ticket dispenser, but limited per client so nobody floods the queue.
    if not await services.query.limiter.allow(f"ticket:{request.remote or 'unknown'}"):
        raise ProblemError("rate-limited", retry_after=60)
    body = await _object(request)
    try:
        ticket = await services.queue.issue_ticket(_text(body, "category"))
    except InvalidInput as exc:
        raise ProblemError("invalid-request", exc.reason, field=exc.field) from None
    return json_response(ticket_json(ticket), status=201)


@routes.get("/api/v1/queue")
async def get_queue(request: web.Request) -> web.Response:
    """Waiting counts per category and today's recent calls (tickets and windows only)."""
    return json_response(await queue_json(request.config_dict[SERVICES].queue))
