"""Operations endpoints: health and Prometheus metrics (HTTP counts from api.routing)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from civicline import __version__
from civicline.web.keys import SERVICES
from civicline.web.routing import HTTP

routes = web.RouteTableDef()

REGISTRY = CollectorRegistry(auto_describe=True)
REGISTRY.register(HTTP)


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
