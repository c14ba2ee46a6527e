"""A server for the SMS inbound benchmark, in its own process so that wrk loads it from outside.

    python -m bench.sms_inbound_server PORT bare|civicline DATA_DIR

`bare` answers every POST with constant TwiML after parsing the form (the baseline);
`civicline` is the real app with the SMS channel, one case ingested, replies as TwiML.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiohttp import web

from civicline.app import create_app
from civicline.channels.registry import load_settings, only
from civicline.gc_pacing import paced_collections, tune_for_serving
from civicline.services import open_services
from civicline.settings import Settings
from tests.factories import make_event
from tests.fakes.sms_provider import PUBLIC_URL, sms_overrides

CASE_NO = "440920261127000123"


def inbound_settings(data_dir: Path) -> Settings:
    # Production-like: the default de-dup window and poll interval; replies go back as TwiML,
    # so no provider is called (the console provider only backs the dispatcher).
    return load_settings(env={}, overrides={
        "storage": {"data_dir": str(data_dir)},
        "server": {"public_url": PUBLIC_URL},
        "sms": sms_overrides("http://127.0.0.1:9", providers=["console"], poll_seconds=1.0)})


async def bare(request: web.Request) -> web.Response:
    await request.post()
    return web.Response(text="<Response><Message>ok</Message></Response>",
                        content_type="application/xml")


async def serve(port: int, kind: str, data_dir: Path) -> None:
    if kind == "bare":
        app = web.Application()
        app.router.add_post("/sms/twilio", bare)
    else:
        settings = inbound_settings(data_dir)
        # The production clock, as `civicline serve` has.
        services = open_services(settings, with_search=False)
        await services.ingest.ingest([make_event(CASE_NO, at=services.clock())], None)
        app = create_app(settings, services=services, channels=only("sms"))
        # Collected as `civicline serve` collects (see gc_pacing).
        tune_for_serving()
        app.cleanup_ctx.append(paced_collections)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))
