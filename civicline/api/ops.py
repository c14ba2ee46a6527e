"""Operations endpoints: health and Prometheus metrics, plus the metrics middleware."""

from __future__ import annotations

import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from civicline import __version__
from civicline.api.http_metrics import HttpMetrics
from civicline.api.keys import SERVICES
from civicline.api.problems import Handler, channel_error_page, problem_for

routes = web.RouteTableDef()

REGISTRY = CollectorRegistry(auto_describe=True)
HTTP = HttpMetrics()
REGISTRY.register(HTTP)


def _route_name(request: web.Request) -> str:
    # The route template, not the path: case numbers must not become label values.
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counts and times every request, and turns errors into a channel's error page or a
    problem document: one middleware layer for the whole app, since each layer costs every
    request a few microseconds."""
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
        HTTP.observe(_route_name(request), request.method, status,
                     time.perf_counter() - started)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        services.db.reader.execute("SELECT 1").fetchone()
    except Exception as exc:  # any store failure means unhealthy
        return web.json_response({"status": "fail", "version": __version__, "error": str(exc)},
                                 status=503)
    return web.json_response({"status": "ok", "version": __version__,
                              "search": services.search is not None})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(REGISTRY),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})
