"""Display wall pages, snapshot, stream and speech; the windows' staff page."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from civicline import __version__
from civicline.bigscreen.config import Screen
from civicline.bigscreen.keys import WALLS
from civicline.bigscreen.state import build_state
from civicline.bigscreen.stream import serve_stream
from civicline.core.errors import InvalidInput
from civicline.core.queue import WINDOW_RE, Call
from civicline.web.keys import SERVICES
from civicline.web.queue_json import queue_json

routes = web.RouteTableDef()
HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                               autoescape=True)
STAFF_COOKIE = "civicline_staff"
STAFF_COOKIE_SECONDS = 12 * 3600  # one working day; staff sign in again each morning
NO_STORE = {"Cache-Control": "no-store"}


def html(template: str, status: int = 200, **values: object) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(template).render(**values), status=status,
                        content_type="text/html", charset="utf-8", headers=NO_STORE)


def screen_of(request: web.Request) -> Screen:
    screen = request.config_dict[WALLS].screens.get(request.match_info["screen_id"])
    if screen is None:
        raise web.HTTPNotFound(text="未配置该大屏")
    return screen


# -- display wall ----------------------------------------------------------------------------

@routes.get("/bigscreen/_version")
async def version(request: web.Request) -> web.Response:
    """The service version; a wall reloads itself when it changes."""
    return web.json_response({"version": __version__}, headers=NO_STORE)


@routes.get("/bigscreen/_speech/announce.wav")
async def announcement(request: web.Request) -> web.Response:
    """请<ticket>号到<window>号窗口办理 as one WAV assembled from the cached clips."""
    wav = request.config_dict[WALLS].speech.announcement(request.query.get("ticket", ""),
                                                   request.query.get("window", ""))
    if wav is None:
        # 503 without espeak-ng (the page then uses the browser's voice), 400 for bad input.
        if not request.config_dict[WALLS].speech.available:
            raise web.HTTPServiceUnavailable(text="语音片段不可用")
        raise web.HTTPBadRequest(text="票号或窗口号不正确")
    return web.Response(body=wav, content_type="audio/wav",
                        headers={"Cache-Control": "public, max-age=86400"})


@routes.get(r"/bigscreen/_speech/{clip:[A-Za-z0-9-]+}.wav")
async def clip(request: web.Request) -> web.Response:
    """One cached clip (a phrase, a letter or a digit)."""
    wav = request.config_dict[WALLS].speech.clip(request.match_info["clip"])
    if wav is None:
        raise web.HTTPNotFound()
    return web.Response(body=wav, content_type="audio/wav",
                        headers={"Cache-Control": "public, max-age=86400"})


@routes.get(r"/bigscreen/{screen_id:[a-z0-9][a-z0-9_-]*}")
async def wall(request: web.Request) -> web.Response:
    return html("wall.html", screen=screen_of(request), version=__version__)


@routes.get(r"/bigscreen/{screen_id:[a-z0-9][a-z0-9_-]*}/state")
async def state(request: web.Request) -> web.Response:
    """Everything a fresh or reconnecting screen draws at once."""
    walls = request.config_dict[WALLS]
    body = await build_state(request.config_dict[SERVICES], screen_of(request), walls.config,
                             walls.hall_stats())
    return web.json_response(body, headers=NO_STORE)


@routes.get(r"/bigscreen/{screen_id:[a-z0-9][a-z0-9_-]*}/stream")
async def stream(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: calls (id = call id) and change hints; resumes after Last-Event-ID."""
    walls = request.config_dict[WALLS]
    return await serve_stream(request, screen_of(request), request.config_dict[SERVICES].queue,
                              walls.fanout, walls.config)


# -- the windows' staff page -----------------------------------------------------------------
# The token is typed into a login form and kept in an HttpOnly, SameSite=Strict cookie scoped
# to /staff: scripts cannot read it, other sites cannot send it, and it never appears in a URL
# (a ?token= would land in browser history, proxy logs and over-the-shoulder photos).

def window_of(request: web.Request, raw: str | None = None) -> str:
    window = (raw if raw is not None else request.match_info["window"]).strip()
    if not WINDOW_RE.match(window):
        raise web.HTTPNotFound(text="窗口号不正确")
    return window


async def staff_department(request: web.Request) -> str | None:
    token = request.cookies.get(STAFF_COOKIE, "")
    if not token:
        return None
    return await request.config_dict[SERVICES].tokens.department_of(token)


async def staff_page(request: web.Request, window: str, message: str = "",
                     status: int = 200) -> web.Response:
    services = request.config_dict[SERVICES]
    if await staff_department(request) is None:
        return html("staff.html", status=401 if message else status, window=window,
                    signed_in=False, message=message)
    queue = await queue_json(services.queue)
    current = next((c["ticket"] for c in queue["recent_calls"] if c["window"] == window), "")
    return html("staff.html", status=status, window=window, signed_in=True, message=message,
                current=current, waiting=queue["waiting"])


@routes.get(r"/staff/window/{window}")
async def staff(request: web.Request) -> web.Response:
    return await staff_page(request, window_of(request))


@routes.post("/staff/login")
async def staff_login(request: web.Request) -> web.Response:
    form = await request.post()
    window = window_of(request, str(form.get("window", "")))
    token = str(form.get("token", "")).strip()
    if not token or await request.config_dict[SERVICES].tokens.department_of(token) is None:
        return html("staff.html", status=401, window=window, signed_in=False,
                    message="令牌无效或已吊销")
    response = web.HTTPSeeOther(f"/staff/window/{window}")
    secure = request.config_dict[SERVICES].settings.server.public_url.startswith("https://")
    response.set_cookie(STAFF_COOKIE, token, max_age=STAFF_COOKIE_SECONDS, path="/staff",
                        httponly=True, samesite="Strict", secure=secure)
    raise response


@routes.post("/staff/logout")
async def staff_logout(request: web.Request) -> web.Response:
    form = await request.post()
    response = web.HTTPSeeOther(f"/staff/window/{window_of(request, str(form.get('window', '')))}")
    response.del_cookie(STAFF_COOKIE, path="/staff")
    raise response


@routes.post(r"/staff/window/{window}/{action:call|recall|next}")
async def staff_action(request: web.Request) -> web.Response:
    """叫号 (a typed ticket), 重呼 (this window's last ticket), 下一位 (the oldest waiting)."""
    window = window_of(request)
    if await staff_department(request) is None:
        return await staff_page(request, window, "请先登录")
    queue = request.config_dict[SERVICES].queue
    action = request.match_info["action"]
    call: Call | None
    try:
        if action == "call":
            form = await request.post()
            call = await queue.report_call(str(form.get("ticket", "")), window,
                                           source="staff")
        elif action == "recall":
            call = await queue.recall(window)
        else:
            call = await queue.call_next(window)
    except InvalidInput as exc:
        return await staff_page(request, window, exc.reason, status=400)
    if call is None:
        message = "当前没有等候的号" if action == "next" else "本窗口今天还没有叫过号"
        return await staff_page(request, window, message)
    # Post/redirect/get: a browser refresh must not call the next ticket again.
    raise web.HTTPSeeOther(f"/staff/window/{window}")
