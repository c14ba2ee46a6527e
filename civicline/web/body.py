"""Reading request bodies safely: size-capped, strict UTF-8, JSON / JSON array / NDJSON."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from civicline.web.keys import SERVICES
from civicline.web.problems import ProblemError


async def read_text(request: web.Request) -> str:
    """The body as text; oversized bodies and bad encodings are clear 4xx problems."""
    limit = request.config_dict[SERVICES].settings.server.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ProblemError("body-too-large", f"请求体不能超过 {limit} 字节")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ProblemError("body-too-large", f"请求体不能超过 {limit} 字节") from None
    if len(raw) > limit:
        raise ProblemError("body-too-large", f"请求体不能超过 {limit} 字节")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError("invalid-encoding", f"第 {exc.start} 字节处不是有效的 UTF-8") from None


def parse_json_or_ndjson(text: str, content_type: str) -> tuple[list[Any], bool]:
    """(items, was_batch): one object, a JSON array, or NDJSON (one object per line)."""
    stripped = text.strip()
    if not stripped:
        raise ProblemError("invalid-json", "请求体为空")
    if content_type in ("application/x-ndjson", "application/ndjson", "application/jsonl"):
        return _ndjson(stripped), True
    try:
        value = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        if stripped.startswith("{") and "\n" in stripped:
            return _ndjson(stripped), True
        raise ProblemError("invalid-json", f"JSON 解析失败：{exc}") from None
    if isinstance(value, list):
        return value, True
    return [value], False


def _ndjson(text: str) -> list[Any]:
    items: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            raise ProblemError("invalid-json", f"第 {number} 行 JSON 解析失败：{exc}") from None
    return items
