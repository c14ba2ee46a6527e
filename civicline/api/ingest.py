"""Ingest API: case events (one, a JSON array, or NDJSON) and guide versions, per department."""

from __future__ import annotations

from collections import Counter

import orjson
from aiohttp import web

from civicline.api.auth import require_department
from civicline.api.public import json_response
from civicline.api.serialize import guide_json
from civicline.core.ingest import OutcomeStatus
from civicline.core.models import guide_from_dict
from civicline.core.normalize import CASE_NO_RE
from civicline.web.body import parse_json_or_ndjson, read_text
from civicline.web.keys import SERVICES
from civicline.web.problems import ProblemError

routes = web.RouteTableDef()
MAX_BATCH = 5000


@routes.post("/api/v1/events")
async def post_events(request: web.Request) -> web.Response:
    """Apply events for the token's department; each event gets its own result.

    Sample body: {"event_id": "e1", "case_no": "440920261127000123", "stage": "accepted",
    "occurred_at": "2026-11-27T09:30:00+08:00", "department": "市场监督管理局", ...}
    """
    department = await require_department(request)
    items, batch = parse_json_or_ndjson(await read_text(request), request.content_type)
    if len(items) > MAX_BATCH:
        raise ProblemError("invalid-request", f"每批最多 {MAX_BATCH} 个事件")
    outcomes = await request.app[SERVICES].ingest.ingest(items, department)
    counts = Counter(o.status for o in outcomes)
    body = {
        "accepted": counts[OutcomeStatus.ACCEPTED],
        "duplicates": counts[OutcomeStatus.DUPLICATE],
        "rejected": counts[OutcomeStatus.REJECTED],
        "forbidden": counts[OutcomeStatus.FORBIDDEN],
        "results": [o.to_json() for o in outcomes],
    }
    ok = counts[OutcomeStatus.ACCEPTED] + counts[OutcomeStatus.DUPLICATE]
    if ok or not outcomes:
        status = 200
    elif counts[OutcomeStatus.FORBIDDEN]:
        status = 403
    else:
        status = 422
    if not batch and status != 200:
        # A single event answers with a problem document carrying its result.
        outcome = outcomes[0]
        kind = "forbidden" if status == 403 else "invalid-event"
        detail = f"{outcome.field}: {outcome.reason}" if outcome.field else outcome.reason
        raise ProblemError(kind, detail, results=body["results"])
    return json_response(body, status=status)


@routes.put("/api/v1/guides/{guide_id}")
async def put_guide(request: web.Request) -> web.Response:
    """Publish a new version of a guide of the token's department (history is kept)."""
    department = await require_department(request)
    guide_id = request.match_info["guide_id"]
    if not CASE_NO_RE.match(guide_id):
        raise ProblemError("invalid-request", "指南编号由 1–40 位字母、数字或 - 组成")
    try:
        data = orjson.loads(await read_text(request))
    except orjson.JSONDecodeError as exc:
        raise ProblemError("invalid-json", str(exc)) from None
    if not isinstance(data, dict):
        raise ProblemError("invalid-request", "指南应为 JSON 对象")
    data["id"] = guide_id
    data.setdefault("department", department)
    try:
        guide = guide_from_dict(data)
    except (TypeError, ValueError) as exc:
        raise ProblemError("invalid-request", f"指南字段不正确：{exc}") from None
    if not guide.title.strip():
        raise ProblemError("invalid-request", "title: 不能为空")
    services = request.app[SERVICES]
    existing = await services.guides.get(guide_id)
    if guide.department != department or (existing and existing.department != department):
        raise ProblemError("forbidden", "该令牌无权修改其他部门的指南")
    stored = await services.guide_service.put(guide)
    return json_response(guide_json(stored), status=201 if existing is None else 200)


@routes.delete("/api/v1/guides/{guide_id}")
async def delete_guide(request: web.Request) -> web.Response:
    department = await require_department(request)
    services = request.app[SERVICES]
    guide_id = request.match_info["guide_id"]
    existing = await services.guides.get(guide_id)
    if existing is None:
        raise ProblemError("guide-not-found")
    if existing.department != department:
        raise ProblemError("forbidden", "该令牌无权修改其他部门的指南")
    await services.guide_service.remove(guide_id)
    return web.Response(status=204)
