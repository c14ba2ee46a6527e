"""Display walls in real headless Chromium against a real server process on loopback."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from civicline.core.clock import now_shanghai
from civicline.services import open_services
from tests.conftest import make_settings
from tests.factories import DEPARTMENT, make_event

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
T = TypeVar("T")
GUARD = 10.0  # seconds: failure guards only
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]
# The server under test: the app with the display walls mounted, as `civicline serve` will
# run it once the lead registers the channel.
LAUNCHER = """
import sys
from aiohttp import web
from civicline.app import create_app
from civicline.channels.registry import only
from civicline.bigscreen import mount
from civicline.services import open_services
from civicline.channels.registry import load_settings
data_dir, port, speech_dir = sys.argv[1:4]
settings = load_settings(env={}, overrides={
    "storage": {"data_dir": data_dir},
    "bigscreen": {"speech_dir": speech_dir, "reconnect_min_ms": 200, "reconnect_max_ms": 800}})
# Without the guide search index: the walls do not search, and it starts in a fraction.
services = open_services(settings, with_search=False)
web.run_app(create_app(settings, services=services, channels=only("api", "bigscreen")),
            host="127.0.0.1",
            port=int(port), print=None, access_log=None, shutdown_timeout=1)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """The app in a subprocess we can kill -9 and start again on the same port."""

    def __init__(self, data_dir: Path, speech_dir: Path) -> None:
        self.data_dir, self.speech_dir = data_dir, speech_dir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir.parent / "server.log"  # read it when a test fails

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(  # noqa: S603 -- our interpreter and launcher
                [sys.executable, "-c", LAUNCHER, str(self.data_dir), str(self.port),
                 str(self.speech_dir)], cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)  # the process is still starting: poll, bounded by GUARD
        raise AssertionError("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(GUARD)

    def request(self, method: str, path: str, body: Any = None,
                token: str | None = None) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=GUARD)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            connection.request(method, path, None if body is None else json.dumps(body),
                               headers)
            response = connection.getresponse()
            payload = response.read()
            return response.status, json.loads(payload) if payload.startswith(b"{") else None
        finally:
            connection.close()

    def call(self, token: str, ticket: str, window: str = "5") -> dict[str, Any]:
        status, body = self.request("POST", "/api/v1/queue/calls",
                                    {"ticket": ticket, "window": window}, token)
        assert status == 201, body
        return dict(body)


def run_apart(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on its own loop in a thread: sync Playwright holds this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result(GUARD * 3)


def prepare(data_dir: Path) -> str:
    """Cases concluded today (one confidential) and a department token; returns the token."""
    async def work() -> str:
        services = open_services(make_settings(data_dir), with_search=False)
        now = now_shanghai()
        done = now - min(timedelta(minutes=30), now - now.replace(hour=0, minute=0, second=1))
        try:
            events = []
            for number, (name, confidential) in enumerate(
                    [("张小明", False), ("王秘密", True), ("欧阳小明", False)], start=1):
                case_no = f"4409202611270009{number:02d}"
                events.append(make_event(case_no, at=now - timedelta(days=3),
                                         confidential=confidential,
                                         applicant={"name": name, "kind": "person"}))
                events.append(make_event(case_no, "concluded", first=False, at=done,
                                         result="approved"))
            await services.ingest.ingest(events, DEPARTMENT)
            return await services.tokens.create(DEPARTMENT, now)
        finally:
            await services.close()
    return run_apart(work)


def record_calls_while_away(data_dir: Path, tickets: list[str]) -> list[int]:
    """The hall keeps calling while this server is down (straight into the shared store)."""
    async def work() -> list[int]:
        services = open_services(make_settings(data_dir), with_search=False)
        try:
            return [(await services.queue.report_call(t, "8")).id for t in tickets]
        finally:
            await services.close()
    return run_apart(work)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory, speech_dir: Path
         ) -> Iterator[tuple[ServerProcess, str]]:
    data_dir = tmp_path_factory.mktemp("hall") / "data"
    token = prepare(data_dir)
    server = ServerProcess(data_dir, speech_dir)
    server.start()
    yield server, token
    server.kill()


def open_wall(browser: Browser, server: ServerProcess, width: int = 1920, height: int = 1080
              ) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server.url}/bigscreen/hall")
    page.wait_for_function("window.__bigscreen && window.__bigscreen.online", timeout=GUARD * 1000)
    return page


def current_ticket(page: Page) -> str:
    return str(page.text_content("#current .ticket"))


def test_a_posted_call_shows_on_an_open_display_within_one_second(
        browser: Browser, hall: tuple[ServerProcess, str]) -> None:
    server, token = hall
    page = open_wall(browser, server)
    started = time.monotonic()
    call = server.call(token, "A023", window="5")
    page.wait_for_function("document.querySelector('#current .ticket').textContent === 'A023'",
                           timeout=GUARD * 1000)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"call took {elapsed:.3f} s to show"
    assert "flash" in str(page.get_attribute("#current", "class"))
    assert page.text_content("#current .window") == "5"
    page.wait_for_function(f"window.__bigscreen.announced.includes({call['id']})",
                           timeout=GUARD * 1000)
    page.close()


def test_the_publication_panel_masks_names_and_hides_confidential_cases(
        browser: Browser, hall: tuple[ServerProcess, str]) -> None:
    server, _ = hall
    page = open_wall(browser, server)
    results = str(page.text_content("#results"))
    assert "张*明" in results and "欧**明" in results
    whole = str(page.text_content("body"))
    for secret in ("张小明", "欧阳小明", "王秘密", "王*密", "440920261127000"):
        assert secret not in whole
    page.close()


def test_the_staff_page_calling_the_next_ticket_updates_display_and_kiosk(
        browser: Browser, hall: tuple[ServerProcess, str]) -> None:
    server, token = hall
    tickets = [server.request("POST", "/api/v1/queue/tickets", {"category": "C"})[1]
               for _ in range(2)]
    assert [t["number"] for t in tickets] == ["C001", "C002"]
    wall = open_wall(browser, server)
    staff = browser.new_page()
    staff.goto(f"{server.url}/staff/window/7")
    staff.fill("input[name=token]", token)
    staff.click("text=登录")
    staff.click("#next")
    wall.wait_for_function("document.querySelector('#current .ticket').textContent === 'C001'",
                           timeout=GUARD * 1000)
    assert wall.text_content("#current .window") == "7"
    assert staff.text_content("#current") == "C001"
    _, queue = server.request("GET", "/api/v1/queue")
    assert {w["category"]: w["waiting"] for w in queue["waiting"]}["C"] == 1
    assert (queue["recent_calls"][0]["ticket"], queue["recent_calls"][0]["window"]) == (
        "C001", "7")
    staff.close()
    wall.close()


def test_screenshots_at_hall_sizes_draw_chinese(browser: Browser,
                                                 hall: tuple[ServerProcess, str]) -> None:
    server, token = hall
    for n, window in enumerate(("3", "12", "6", "9"), start=40):
        server.call(token, f"B{n:03d}", window)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1920, 1080), (3840, 2160)):
        page = open_wall(browser, server, width, height)
        # Text is sized in viewport units: the ticket is as tall, relatively, on both.
        box = page.locator("#current .ticket").bounding_box()
        assert box is not None and 0.1 < box["height"] / height < 0.25
        assert page.evaluate("document.documentElement.scrollHeight") <= height
        page.screenshot(path=str(ARTIFACTS / f"bigscreen-{width}x{height}.png"))
        page.close()


def test_thousands_of_events_keep_the_dom_bounded(browser: Browser,
                                                  hall: tuple[ServerProcess, str]) -> None:
    server, token = hall
    page = open_wall(browser, server)
    nodes = "document.getElementsByTagName('*').length"
    for n in range(1, 11):  # fill the recent-calls list first: then nothing may grow
        server.call(token, f"E{n:04d}", "1")
    page.wait_for_function("document.querySelector('#current .ticket').textContent === 'E0010'",
                           timeout=GUARD * 1000)
    before = page.evaluate(nodes)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GUARD)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    for n in range(11, 2011):  # one keep-alive connection: 2,000 calls in a few seconds
        connection.request("POST", "/api/v1/queue/calls",
                           json.dumps({"ticket": f"E{n:04d}", "window": str(n % 40 + 1)}),
                           headers)
        assert connection.getresponse().read()
    connection.close()
    page.wait_for_function("document.querySelector('#current .ticket').textContent === 'E2010'",
                           timeout=GUARD * 3000)
    after = page.evaluate(nodes)
    assert after == before, (before, after)
    probe = page.evaluate("[window.__bigscreen.received.length, "
                          "window.__bigscreen.announced.length]")
    assert probe[0] <= 2000 and probe[1] <= 2000
    page.close()


def test_a_killed_server_shows_offline_then_resumes_without_reload_or_lost_calls(
        browser: Browser, tmp_path: Path, speech_dir: Path) -> None:
    data_dir = tmp_path / "data"
    token = prepare(data_dir)
    server = ServerProcess(data_dir, speech_dir)
    server.start()
    try:
        page = open_wall(browser, server)
        first = server.call(token, "A001", "1")
        page.wait_for_function(f"window.__bigscreen.received.includes({first['id']})",
                               timeout=GUARD * 1000)
        page.evaluate("window.__notReloaded = true")
        server.kill()
        page.wait_for_selector("#offline", state="visible", timeout=GUARD * 1000)
        assert current_ticket(page) == "A001"  # the last data stays on the wall
        missed = record_calls_while_away(data_dir, ["A002", "A003", "A004"])
        server.start()
        page.wait_for_selector("#offline", state="hidden", timeout=GUARD * 1000)
        page.wait_for_function(f"window.__bigscreen.received.includes({missed[-1]})",
                               timeout=GUARD * 1000)
        later = server.call(token, "A005", "2")
        page.wait_for_function(f"window.__bigscreen.received.includes({later['id']})",
                               timeout=GUARD * 1000)
        received = page.evaluate("window.__bigscreen.received")
        assert received == [first["id"], *missed, later["id"]]  # in order, none twice
        assert page.evaluate("window.__notReloaded") is True
        assert current_ticket(page) == "A005"
        page.close()
    finally:
        server.kill()
