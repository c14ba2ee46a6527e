"""Route registration: every handler counted, timed and given its error answers, without a
middleware.

aiohttp runs a middleware through two extra layers on every request (the middleware and
its own current-app fix-up), measured at ~5 µs: an eighth of a bare request, and a tenth of
an SMS reply. So the same work wraps each handler once, when its route is added; channels
add their routes through here, and `add_fallback` answers what no route matches.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from civicline.web.http_metrics import HttpMetrics
from civicline.web.problems import Handler, channel_error_page, problem_for

HTTP = HttpMetrics()
UNMATCHED = "unmatched"  # the route label of requests no route matched
_PATTERN = re.compile(r"\{(\w+):[^}]*\}")


def instrumented(handler: Handler, route: str) -> Handler:
    """`handler`, counted and timed under `route` (a template: case numbers must not become
    label values), with errors turned into the channel's error page or a problem document."""
    async def counted(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except Exception as exc:
            answer = channel_error_page(request, exc) or problem_for(request, exc)
            if answer is None:
                status = exc.status if isinstance(exc, web.HTTPException) else 500
                raise
            status = answer.status
            return answer
        finally:
            HTTP.observe(route, request.method, status, time.perf_counter() - started)
    counted.__wrapped__ = handler  # type: ignore[attr-defined]
    return counted


def add_route(app: web.Application, method: str, path: str, handler: Handler, *,
              mounted_at: str = "", **kwargs: Any) -> web.AbstractRoute:
    """Add a counted route; `mounted_at` is a sub-app's prefix, for the metrics label."""
    label = mounted_at + _PATTERN.sub(r"{\1}", path)  # the template, as aiohttp shows it
    return app.router.add_route(method, path, instrumented(handler, label), **kwargs)


def add_routes(app: web.Application, table: Iterable[web.AbstractRouteDef], *,
               prefix: str = "", mounted_at: str = "",
               wrap: Callable[[Handler], Handler] | None = None) -> None:
    """Add a RouteTableDef's counted routes, under `prefix`, each handler through `wrap`."""
    for route in table:
        assert isinstance(route, web.RouteDef)  # noqa: S101 -- tables hold routes only
        handler = wrap(route.handler) if wrap else route.handler
        add_route(app, route.method, prefix + route.path, handler, mounted_at=mounted_at,
                  **route.kwargs)


def add_fallback(app: web.Application) -> None:
    """Last: a route for every path no other route takes, so that 404 and 405 get the same
    error answers (and counts) as errors inside handlers."""
    async def unmatched(request: web.Request) -> web.StreamResponse:
        # Reached also when a path exists but not for this method: find out which.
        allowed: set[str] = set()
        for resource in app.router.resources():
            if resource is not fallback:
                allowed |= (await resource.resolve(request))[1]
        if allowed:
            raise web.HTTPMethodNotAllowed(request.method, allowed)
        raise web.HTTPNotFound()

    fallback = app.router.add_route("*", "/{tail:.*}",
                                    instrumented(unmatched, UNMATCHED)).resource
