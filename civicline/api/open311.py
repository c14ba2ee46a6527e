"""Open311 GeoReport v2 read subset for portal partners (JSON and the spec's required XML).

Services are guides (service_name = the item name exactly); requests are cases in their
public view. Stage detail follows the CitySDK extension: `extended_attributes.detailed_status`.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import orjson
from aiohttp import web

from civicline.api.public import api_asker
from civicline.core.answer import AnswerKind, CaseView
from civicline.core.models import Guide
from civicline.core.stages import Stage
from civicline.web.keys import SERVICES

routes = web.RouteTableDef()

DETAILED_STATUS: dict[Stage, str] = {
    Stage.ACCEPTED: "RECEIVED",
    Stage.UNDERTAKEN: "IN_PROCESS",
    Stage.REVIEWED: "IN_PROCESS",
    Stage.APPROVED: "IN_PROCESS",
    Stage.RESUMED: "IN_PROCESS",
    Stage.SUPPLEMENT_REQUESTED: "IN_PROCESS",
    Stage.SUSPENDED: "IN_PROCESS",
    Stage.CONCLUDED: "PROCESSED",
    Stage.REJECTED: "REJECTED",
    Stage.WITHDRAWN: "ARCHIVED",
}


def _fmt(request: web.Request) -> str:
    fmt = request.match_info.get("fmt", "json")
    if fmt not in ("json", "xml"):
        raise web.HTTPNotFound
    return fmt


def _xml_bytes(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _xml(root_tag: str, item_tag: str, items: list[dict[str, Any]]) -> bytes:
    root = ET.Element(root_tag)
    for item in items:
        _append(root, item_tag, item)
    return _xml_bytes(root)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _respond(fmt: str, root_tag: str, item_tag: str, items: list[dict[str, Any]],
             status: int = 200) -> web.Response:
    if fmt == "xml":
        return web.Response(body=_xml(root_tag, item_tag, items), status=status,
                            content_type="text/xml", charset="utf-8")
    return web.Response(body=orjson.dumps(items), status=status,
                        content_type="application/json", charset="utf-8")


def _error(fmt: str, status: int, description: str) -> web.Response:
    return _respond(fmt, "errors", "error", [{"code": status, "description": description}],
                    status=status)


def service_json(guide: Guide) -> dict[str, Any]:
    return {
        "service_code": guide.id,
        "service_name": guide.title,
        "description": f"{guide.department}办理的{guide.item_type or '政务服务'}事项",
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join((*guide.aliases, *guide.life_events)),
        "group": guide.department,
    }


def request_json(view: CaseView) -> dict[str, Any]:
    accepted = view.accepted_on.isoformat() if view.accepted_on else None
    return {
        "service_request_id": view.case_no,
        "status": "closed" if view.stage.is_final else "open",
        "status_notes": view.stage_label,
        "service_name": view.item_name,
        "service_code": view.guide_id or None,
        "agency_responsible": view.department,
        "requested_datetime": accepted,
        "extended_attributes": {
            "detailed_status": DETAILED_STATUS[view.stage],
            "stage": view.stage.value,
            "deadline_state": view.deadline_state.value,
        },
    }


@routes.get(r"/open311/v2/services.{fmt}")
async def services_list(request: web.Request) -> web.Response:
    fmt = _fmt(request)
    guides = await request.app[SERVICES].guides.list_guides()
    return _respond(fmt, "services", "service", [service_json(g) for g in guides])


@routes.get(r"/open311/v2/requests/{case_no}.{fmt}")
async def request_detail(request: web.Request) -> web.Response:
    fmt = _fmt(request)
    answer = await request.app[SERVICES].query.lookup_case(
        request.match_info["case_no"], api_asker(request))
    if answer.kind is AnswerKind.RATE_LIMITED:
        return _error(fmt, 429, "请求过于频繁，请稍后再试")
    if answer.kind is AnswerKind.INVALID:
        return _error(fmt, 400, "办件编号格式不正确")
    if answer.case is None:
        return _error(fmt, 404, "未查到该办件")
    return _respond(fmt, "service_requests", "request", [request_json(answer.case)])


@routes.get(r"/open311/discovery.{fmt}")
async def discovery(request: web.Request) -> web.Response:
    fmt = _fmt(request)
    base = request.app[SERVICES].settings.server.public_url.rstrip("/")
    changeset = "2026-11-27T00:00:00+08:00"
    endpoint = {"specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base}/open311/v2", "changeset": changeset, "type": "production"}
    formats = ["application/json", "text/xml"]
    head = {"changeset": changeset, "contact": "市政务服务中心 12345",
            "key_service": "本接口只读，无需密钥"}
    if fmt == "json":
        return web.Response(body=orjson.dumps({**head, "endpoints": [{**endpoint,
                                                                      "formats": formats}]}),
                            content_type="application/json", charset="utf-8")
    root = ET.Element("discovery")
    for key, value in head.items():
        ET.SubElement(root, key).text = value
    endpoint_el = ET.SubElement(ET.SubElement(root, "endpoints"), "endpoint")
    for key, value in endpoint.items():
        ET.SubElement(endpoint_el, key).text = value
    formats_el = ET.SubElement(endpoint_el, "formats")
    for media in formats:
        ET.SubElement(formats_el, "format").text = media
    return web.Response(body=_xml_bytes(root), content_type="text/xml", charset="utf-8")
