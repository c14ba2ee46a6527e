"""The OpenAPI 3.1 description of the HTTP API (a test keeps it in step with the routes)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from civicline import __version__

routes = web.RouteTableDef()

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem_responses(*statuses: int) -> dict[str, Any]:
    texts = {400: "请求不正确", 401: "缺少或无效的令牌", 403: "无权操作", 404: "不存在",
             413: "请求体过大", 422: "事件不正确", 429: "过于频繁或已锁定"}
    return {str(s): {"description": texts[s],
                     "content": {"application/problem+json": {"schema": _PROBLEM}}}
            for s in statuses}


def _ok(schema: dict[str, Any], description: str = "成功",
        media: str = "application/json") -> dict[str, Any]:
    return {"200": {"description": description, "content": {media: {"schema": schema}}}}


def _param(name: str, where: str = "query", description: str = "", required: bool = False,
           schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path",
            "description": description, "schema": schema or {"type": "string"}}


_STR = {"type": "string"}
_OPEN311_FMT = _param("fmt", "path", "json 或 xml", schema={"enum": ["json", "xml"]})

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "civicline API", "version": __version__,
             "description": "市政务服务中心办件查询与办事指南接口"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Problem": {"type": "object", "required": ["type", "title", "status"],
                        "properties": {"type": _STR, "title": _STR, "status": {"type": "integer"},
                                       "detail": _STR}},
            "Case": {"type": "object", "required": ["case_no", "view", "stage"],
                     "properties": {"case_no": _STR, "view": {"enum": ["public", "full"]},
                                    "item_name": _STR, "department": _STR, "stage": _STR,
                                    "stage_label": _STR, "applicant": _STR,
                                    "deadline_state": _STR, "timeline": {"type": "array"}}},
            "Guide": {"type": "object", "required": ["id", "title", "department"],
                      "properties": {"id": _STR, "title": _STR, "department": _STR,
                                     "materials": {"type": "array"}}},
            "SearchResult": {"type": "object", "required": ["total", "items"],
                             "properties": {"total": {"type": "integer"},
                                            "items": {"type": "array"},
                                            "did_you_mean": {"type": ["string", "null"]}}},
            "Event": {"type": "object", "required": ["event_id", "case_no", "stage",
                                                     "occurred_at"],
                      "properties": {"event_id": _STR, "case_no": _STR,
                                     "stage": {"enum": ["accepted", "undertaken", "reviewed",
                                                        "approved", "concluded",
                                                        "supplement_requested", "suspended",
                                                        "resumed", "rejected", "withdrawn"]},
                                     "occurred_at": {"type": "string", "format": "date-time"}}},
        },
    },
    "paths": {
        "/api/v1/cases/{case_no}": {"get": {
            "summary": "查询办件（公开信息；X-Query-Code 正确时返回详情）",
            "parameters": [_param("case_no", "path"),
                           _param("X-Query-Code", "header", "6 位查询码")],
            "responses": {**_ok({"$ref": "#/components/schemas/Case"}),
                          **_problem_responses(400, 403, 404, 429)}}},
        "/api/v1/guides": {"get": {
            "summary": "搜索办事指南",
            "parameters": [_param("q"), _param("department"), _param("life_event"),
                           _param("page", schema={"type": "integer", "minimum": 1}),
                           _param("page_size", schema={"type": "integer", "maximum": 50})],
            "responses": {**_ok({"$ref": "#/components/schemas/SearchResult"}),
                          **_problem_responses(400, 429)}}},
        "/api/v1/guides/suggest": {"get": {
            "summary": "输入联想", "parameters": [_param("q")],
            "responses": _ok({"type": "object"})}},
        "/api/v1/guides/{guide_id}": {
            "get": {"summary": "办事指南详情", "parameters": [_param("guide_id", "path")],
                    "responses": {**_ok({"$ref": "#/components/schemas/Guide"}),
                                  **_problem_responses(404)}},
            "put": {"summary": "发布指南新版本", "security": [{"bearer": []}],
                    "parameters": [_param("guide_id", "path")],
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Guide"}}}},
                    "responses": {**_ok({"$ref": "#/components/schemas/Guide"}),
                                  "201": {"description": "已创建"},
                                  **_problem_responses(400, 401, 403)}},
            "delete": {"summary": "下线指南", "security": [{"bearer": []}],
                       "parameters": [_param("guide_id", "path")],
                       "responses": {"204": {"description": "已下线"},
                                     **_problem_responses(401, 403, 404)}}},
        "/api/v1/departments": {"get": {"summary": "部门列表",
                                        "responses": _ok({"type": "object"})}},
        "/api/v1/results": {"get": {
            "summary": "办结公示", "parameters": [_param("date"), _param("department"),
                                                 _param("page")],
            "responses": {**_ok({"type": "object"}), **_problem_responses(400)}}},
        "/api/v1/events": {"post": {
            "summary": "推送办件事件（单个、数组或 NDJSON）", "security": [{"bearer": []}],
            "requestBody": {"content": {
                "application/json": {"schema": {"oneOf": [
                    {"$ref": "#/components/schemas/Event"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}]}},
                "application/x-ndjson": {"schema": _STR}}},
            "responses": {**_ok({"type": "object"}),
                          **_problem_responses(400, 401, 403, 413, 422)}}},
        "/api/v1/queue/calls": {"post": {
            "summary": "报告叫号（同一票号再次报告为重呼）", "security": [{"bearer": []}],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["ticket", "window"],
                "properties": {"ticket": _STR, "window": _STR, "service": _STR,
                               "called_at": {"type": "string", "format": "date-time"}}}}}},
            "responses": {"201": {"description": "已记录"},
                          **_problem_responses(400, 401, 413)}}},
        "/api/v1/queue/tickets": {"post": {
            "summary": "取号（内置排队）",
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["category"],
                "properties": {"category": _STR}}}}},
            "responses": {"201": {"description": "已取号"}, **_problem_responses(400, 429)}}},
        "/api/v1/queue": {"get": {"summary": "各业务等候人数与最近叫号",
                                  "responses": _ok({"type": "object"})}},
        "/api/v1/openapi.json": {"get": {"summary": "本文档",
                                         "responses": _ok({"type": "object"})}},
        "/healthz": {"get": {"summary": "健康检查", "responses": _ok({"type": "object"})}},
        "/metrics": {"get": {"summary": "Prometheus 指标",
                             "responses": _ok(_STR, media="text/plain")}},
        "/open311/discovery.{fmt}": {"get": {
            "summary": "Open311 discovery", "parameters": [_OPEN311_FMT],
            "responses": _ok({"type": "object"})}},
        "/open311/v2/services.{fmt}": {"get": {
            "summary": "Open311 服务列表（每项指南一个服务）", "parameters": [_OPEN311_FMT],
            "responses": _ok({"type": "array"})}},
        "/open311/v2/requests/{case_no}.{fmt}": {"get": {
            "summary": "Open311 办件（公开信息）",
            "parameters": [_param("case_no", "path"), _OPEN311_FMT],
            "responses": {**_ok({"type": "array"}), "404": {"description": "未查到"}}}},
    },
}


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(SPEC)
