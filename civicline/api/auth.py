"""Bearer-token authentication for departments' systems."""

from __future__ import annotations

from aiohttp import web

from civicline.web.keys import SERVICES
from civicline.web.problems import ProblemError


async def require_department(request: web.Request) -> str:
    """The department the request's bearer token belongs to; 401 problem otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError("unauthorized", "请在 Authorization 头中提供 Bearer 令牌")
    department = await request.config_dict[SERVICES].tokens.department_of(token.strip())
    if department is None:
        raise ProblemError("unauthorized", "令牌无效或已吊销")
    return department
