"""Kiosk journeys in real headless Chromium against a real server on loopback.

The server runs in its own thread and event loop (demo guides with search, a few cases), so
the tests drive Playwright's sync API; each test serves its own app with the kiosk settings
it needs, on the one set of services. Screenshots go to artifacts/kiosk/.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from civicline.app import create_app
from civicline.channels.registry import only
from civicline.core.clock import FixedClock
from civicline.core.ingest import apply_batch_sync
from civicline.demo.guides import demo_guides
from civicline.demo.loader import load_guides
from civicline.services import Services, open_services
from tests.conftest import make_settings
from tests.factories import NOW, make_event
from tests.kiosk.test_kiosk_qr import segno_matrix, svg_matrix

pytestmark = pytest.mark.browser
T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "kiosk"
PUBLIC_URL = "https://hall.example.cn"
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
ORIENTATIONS = {"portrait": PORTRAIT, "landscape": LANDSCAPE}
CASE_NO = "440920261127000123"
CODE = "654321"
WINDOW = "综合受理区 12 号窗口"  # shown in the full view only
LONG = {"idle_seconds": 600, "result_idle_seconds": 600, "countdown_seconds": 600}
WAIT = 10_000  # ms; a failure guard, never a pause


class KioskServer:
    """A civicline server thread: shared services, one app per kiosk configuration."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.services: Services = self.run(self._open())
        self.runners: dict[str, tuple[web.AppRunner, dict[str, Any]]] = {}

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def _open(self) -> Services:
        settings = make_settings(self.data_dir)
        services = open_services(settings, FixedClock(NOW))
        load_guides(services, demo_guides())
        apply_batch_sync(services.cases, [
            make_event(CASE_NO),
            make_event("440920261126000777", applicant={"name": "王丽华", "kind": "person"}),
            make_event("440920261126000777", "concluded", first=False, result="approved",
                       at=NOW - timedelta(hours=1)),
        ])
        return services

    def serve(self, port: int = 0, **kiosk: Any) -> str:
        """Serve an app with these kiosk settings; its base URL."""
        return self.run(self._serve(port, kiosk))

    async def _serve(self, port: int, kiosk: dict[str, Any]) -> str:
        settings = make_settings(self.data_dir, server={"public_url": PUBLIC_URL},
                                 kiosk=kiosk)
        app = create_app(settings, services=self.services, channels=only("api", "kiosk"))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        self.runners[base] = (runner, kiosk)
        return base

    def stop(self, base: str) -> None:
        """Take one app off the network, as when the server restarts."""
        runner, _ = self.runners[base]
        self.run(runner.cleanup())

    def restart(self, base: str) -> None:
        _, kiosk = self.runners.pop(base)
        self.serve(int(base.rsplit(":", 1)[1]), **kiosk)

    def close(self) -> None:
        for runner, _ in self.runners.values():
            self.run(runner.cleanup())
        self.run(self.services.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskServer]:
    running = KioskServer(tmp_path_factory.mktemp("kiosk") / "data")
    yield running
    running.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium (scripts/test does)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base(server: KioskServer) -> str:
    """The kiosk with production-like timeouts long enough never to fire during a test."""
    return server.serve(queue_poll_seconds=0.5, reconnect_seconds=0.3, **LONG)


def open_kiosk(browser: Browser, base: str, kiosk_id: str,
               viewport: dict[str, int] = PORTRAIT) -> Page:
    context = browser.new_context(viewport=viewport, has_touch=True,  # type: ignore[arg-type]
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/kiosk/?kiosk={kiosk_id}")
    expect(page.locator("body[data-ready=true]")).to_have_count(1, timeout=WAIT)
    return page


def start(page: Page) -> None:
    page.locator("#attract .attract-start").tap()
    expect(page.locator("#screen-home")).to_be_visible(timeout=WAIT)


def tile(page: Page, name: str) -> Locator:
    """A home tile by its exact name (a tile's hint may name another tile's words)."""
    return page.locator(f".tile:has(.tile-name:text-is('{name}'))")


def tap_keys(page: Page, pad: str, keys: str) -> None:
    """Touch the on-screen keys one by one, at their centres (one layout read per call)."""
    centres: dict[str, list[float]] = page.locator(f"#{pad}").evaluate("""pad =>
        Object.fromEntries([...pad.querySelectorAll('[data-key]')].map(key => {
            const r = key.getBoundingClientRect();
            return [key.dataset.key, [r.x + r.width / 2, r.y + r.height / 2]]; }))""")
    for key in keys:
        x, y = centres[key]
        page.touchscreen.tap(x, y)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def look_up_full_view(page: Page) -> None:
    tile(page, "查询办件进度").tap()
    tap_keys(page, "numpad", CASE_NO)
    page.locator("#case-next").tap()
    tap_keys(page, "numpad", CODE)
    page.locator("#case-full").tap()
    expect(page.locator("#case-result[data-view=full]")).to_be_visible(timeout=WAIT)


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_case_lookup_by_tapping_the_keypad_shows_the_public_then_the_full_view(
        browser: Browser, base: str, orientation: str) -> None:
    page = open_kiosk(browser, base, f"case-{orientation}", ORIENTATIONS[orientation])
    shot(page, f"attract-{orientation}")
    start(page)
    shot(page, f"home-{orientation}")
    tile(page, "查询办件进度").tap()
    tap_keys(page, "numpad", CASE_NO[:-1] + "9")
    page.locator("#numpad [data-key=back]").tap()  # a wrong last digit, taken back
    tap_keys(page, "numpad", CASE_NO[-1])
    expect(page.locator("#case-display")).to_have_text("4409 2026 1127 0001 23")
    shot(page, f"case-entry-{orientation}")

    page.locator("#case-public").tap()
    result = page.locator("#case-result")
    expect(result).to_have_attribute("data-view", "public", timeout=WAIT)
    expect(result).to_contain_text("张*明")
    expect(result).to_contain_text("食品经营许可（新办）")
    expect(result).not_to_contain_text(WINDOW)
    shot(page, f"case-public-{orientation}")

    page.locator("#case-enter-code").tap()
    tap_keys(page, "numpad", CODE)
    expect(page.locator("#case-display")).to_have_text("●" * 6)  # the code is never shown
    page.locator("#case-full").tap()
    expect(result).to_have_attribute("data-view", "full", timeout=WAIT)
    expect(result).to_contain_text(WINDOW)
    expect(result).to_contain_text("承诺办结日期")
    shot(page, f"case-full-{orientation}")

    page.locator("#btn-home").tap()  # home, one tap away, takes the full view off the page
    expect(page.locator("#screen-home")).to_be_visible()
    assert WINDOW not in page.content()
    page.context.close()


def test_guide_search_via_suggestions_reaches_the_guide_with_its_wap_qr_code(
        browser: Browser, base: str) -> None:
    orientation = "portrait"
    page = open_kiosk(browser, base, "guide")
    start(page)
    tile(page, "办事指南").tap()
    tap_keys(page, "letterpad", "jh")
    suggestion = page.locator("#suggestions button", has_text="结婚登记")
    expect(suggestion).to_be_visible(timeout=WAIT)
    shot(page, f"search-{orientation}")
    suggestion.tap()
    hit = page.locator("#list-items button", has_text="结婚登记").first
    expect(hit).to_be_visible(timeout=WAIT)
    shot(page, f"guide-list-{orientation}")
    hit.tap()

    guide = page.locator("#guide")
    expect(guide.locator(".guide-title")).to_have_text("结婚登记", timeout=WAIT)
    expect(guide.locator(".checklist li").first).to_be_visible()
    first_material = guide.locator(".checklist button").first
    first_material.tap()
    expect(first_material).to_have_attribute("aria-pressed", "true")
    shot(page, f"guide-detail-{orientation}")

    guide_id = guide.get_attribute("data-guide")
    figure = guide.locator(".qr-box")
    expected_url = f"{PUBLIC_URL}/w/g/{guide_id}"
    assert figure.get_attribute("data-qr-text") == expected_url
    drawn = svg_matrix(figure.locator("svg").evaluate("svg => svg.outerHTML"))
    assert drawn == segno_matrix(expected_url)
    box = figure.locator("svg").bounding_box()
    assert box and box["width"] >= 240, "a QR code too small to scan from the screen"
    page.context.close()


def test_browsing_by_department_life_event_and_the_results_publication(
        browser: Browser, base: str) -> None:
    page = open_kiosk(browser, base, "browse", LANDSCAPE)
    start(page)
    tile(page, "按人生事件办事").tap()
    expect(page.locator("#list-items button", has_text="开办企业")).to_be_visible(timeout=WAIT)
    shot(page, "life-events-landscape")
    page.locator("#page-next").tap()
    expect(page.locator("#list-items button", has_text="婚姻")).to_be_visible(timeout=WAIT)
    page.locator("#list-items button", has_text="婚姻").tap()
    expect(page.locator("#list-title")).to_contain_text("婚姻", timeout=WAIT)
    page.locator("#list-items button", has_text="结婚登记").tap()
    expect(page.locator("#guide .qr-box svg")).to_be_visible(timeout=WAIT)
    shot(page, "guide-detail-landscape")
    page.locator("#btn-back").tap()
    expect(page.locator("#list-items button", has_text="结婚登记")).to_be_visible(timeout=WAIT)
    assert page.locator("#guide").inner_html() == ""  # left screens keep nothing
    page.locator("#btn-back").tap()
    expect(page.locator("#list-items button", has_text="婚姻")).to_be_visible(timeout=WAIT)

    page.locator("#btn-home").tap()
    tile(page, "按部门").tap()
    expect(page.locator("#page-label")).to_contain_text("第 1 /", timeout=WAIT)
    first = page.locator("#list-items button").first.inner_text()
    page.locator("#page-next").tap()
    expect(page.locator("#page-label")).to_contain_text("第 2 /", timeout=WAIT)
    assert page.locator("#list-items button").first.inner_text() != first

    page.locator("#btn-home").tap()
    tile(page, "办结公示").tap()
    rows = page.locator("#list-items .result-row")
    expect(rows).to_have_count(1, timeout=WAIT)
    expect(rows.first).to_contain_text("王*华")
    expect(rows.first).not_to_contain_text("王丽华")
    page.context.close()


def test_idle_countdown_gives_more_time_then_reset_clears_a_full_view(
        browser: Browser, server: KioskServer) -> None:
    short = server.serve(idle_seconds=1, result_idle_seconds=1, countdown_seconds=2)
    page = open_kiosk(browser, short, "idle")
    start(page)
    dialog = page.locator("#idle-dialog")
    tile(page, "办事指南").tap()
    tap_keys(page, "letterpad", "sb")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text("需要更多时间吗?")
    page.locator("#idle-extend").tap()  # more time: the screen and its input stay
    expect(dialog).to_be_hidden()
    expect(page.locator("#search-display")).to_have_text("sb")

    page.locator("#btn-home").tap()
    look_up_full_view(page)
    expect(dialog).to_be_visible(timeout=WAIT)
    shot(page, "idle-countdown-portrait")
    expect(page.locator("#attract")).to_be_visible(timeout=WAIT)
    expect(page.locator("#app")).to_be_hidden()
    text = page.evaluate("document.body.innerHTML")
    for secret in (WINDOW, "张*明", CASE_NO, "4409 2026", "sb<"):
        assert secret not in text, f"{secret!r} left on the page after the reset"
    page.context.close()


def test_a_stopped_server_shows_reconnecting_and_the_kiosk_recovers(
        browser: Browser, server: KioskServer) -> None:
    own = server.serve(queue_poll_seconds=0.3, reconnect_seconds=0.3, **LONG)
    page = open_kiosk(browser, own, "reconnect", LANDSCAPE)
    start(page)
    server.stop(own)
    overlay = page.locator("#reconnect")
    expect(overlay).to_be_visible(timeout=WAIT)
    expect(overlay).to_contain_text("正在重新连接…")
    shot(page, "reconnecting-landscape")
    server.restart(own)
    expect(overlay).to_be_hidden(timeout=WAIT)
    tile(page, "按部门").tap()
    expect(page.locator("#list-items button").first).to_be_visible(timeout=WAIT)
    page.context.close()


def _target_sizes(page: Page) -> list[dict[str, Any]]:
    sizes: list[dict[str, Any]] = page.evaluate("""() =>
        [...document.querySelectorAll('button')]
          .filter(b => b.offsetParent !== null)
          .map(b => { const r = b.getBoundingClientRect();
                      return {text: b.textContent.trim().slice(0, 12),
                              w: r.width, h: r.height}; })""")
    return sizes


def _small_targets(page: Page, minimum: float) -> list[dict[str, Any]]:
    return [s for s in _target_sizes(page) if s["w"] < minimum or s["h"] < minimum]


def _font_px(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"))


def test_touch_targets_and_text_are_large_and_elder_mode_makes_them_larger(
        browser: Browser, base: str) -> None:
    page = open_kiosk(browser, base, "sizes")
    for orientation, viewport in ORIENTATIONS.items():
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        start(page)
        assert _font_px(page, "body") >= 24
        assert _small_targets(page, 64) == []
        tile_before = page.locator(".tile").first.bounding_box()
        tile(page, "查询办件进度").tap()
        assert _small_targets(page, 64) == []
        numeric_key = page.locator("#numpad [data-key='5']").bounding_box()
        page.locator("#btn-elder").tap()  # one tap, from this screen
        assert _font_px(page, "body") > 32
        assert _small_targets(page, 100) == []
        elder_key = page.locator("#numpad [data-key='5']").bounding_box()
        assert numeric_key and elder_key and elder_key["height"] > numeric_key["height"]
        shot(page, f"case-entry-elder-{orientation}")
        page.locator("#btn-home").tap()
        elder_tile = page.locator(".tile").first.bounding_box()
        assert tile_before and elder_tile and elder_tile["width"] > tile_before["width"]
        assert page.locator(".tile-hint").first.is_hidden()  # the simpler layout drops hints
        shot(page, f"home-elder-{orientation}")
        tile(page, "办事指南").tap()
        assert _small_targets(page, 90) == []
        page.reload()  # the next orientation starts afresh, in standard mode
    page.context.close()


CONTRAST_JS = """() => {
  const lum = (c) => { const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const rgba = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null || el.disabled) continue;
    const fg = rgba(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) failures.push(`${el.textContent.trim().slice(0, 12)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def test_contrast_selection_context_menu_and_no_asset_from_outside(
        browser: Browser, base: str) -> None:
    page = open_kiosk(browser, base, "a11y")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.reload()
    assert page.evaluate(CONTRAST_JS) == []  # the attract screen
    start(page)
    assert page.evaluate(CONTRAST_JS) == []
    look_up_full_view(page)
    assert page.evaluate(CONTRAST_JS) == []
    page.locator("#btn-elder").tap()
    assert page.evaluate(CONTRAST_JS) == []
    assert page.evaluate("getComputedStyle(document.body).userSelect") == "none"
    prevented = page.evaluate("""() => {
        const event = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
        document.querySelector('#case-result').dispatchEvent(event);
        return event.defaultPrevented; }""")
    assert prevented is True
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"')
    assert requested and all(url.startswith(base + "/") for url in requested), requested
    page.context.close()


def test_a_queue_ticket_is_issued_and_printed_with_number_waiting_count_and_qr(
        browser: Browser, base: str, server: KioskServer) -> None:
    page = open_kiosk(browser, base, "ticket")
    # The page's CSP allows no eval, so the stub counts prints in a data attribute.
    page.add_init_script("window.print = () => { const b = document.body;"
                         " b.dataset.prints = String(Number(b.dataset.prints || 0) + 1); };")
    page.reload()
    start(page)
    tile(page, "取号排队").tap()
    category = page.locator("#screen-tickets .tile", has_text="不动产登记")
    expect(category).to_contain_text("等候", timeout=WAIT)
    category.tap()
    ticket = page.locator("#ticket")
    expect(ticket).to_contain_text("不动产登记", timeout=WAIT)
    number = ticket.get_attribute("data-number") or ""
    assert number.startswith("C") and len(number) == 4
    expect(ticket).to_contain_text("您前面还有")
    expect(page.locator("body")).to_have_attribute("data-prints", "1", timeout=WAIT)
    figure = ticket.locator(".qr-box")
    assert figure.get_attribute("data-qr-text") == f"{PUBLIC_URL}/wap/"
    drawn = svg_matrix(figure.locator("svg").evaluate("svg => svg.outerHTML"))
    assert drawn == segno_matrix(f"{PUBLIC_URL}/wap/")
    shot(page, "ticket-portrait")

    page.emulate_media(media="print")
    expect(page.locator(".bar")).to_be_hidden()
    expect(page.locator("#ticket-print")).to_be_hidden()
    expect(ticket).to_be_visible()
    shot(page, "ticket-print-media")
    page.emulate_media(media="screen")

    page.locator("#ticket-print").tap()
    expect(page.locator("body")).to_have_attribute("data-prints", "2", timeout=WAIT)
    waiting = server.run(server.services.queue.waiting_counts())
    assert waiting["C"] >= 1
    page.context.close()


def test_home_shows_the_numbers_being_called_now(
        browser: Browser, base: str, server: KioskServer) -> None:
    page = open_kiosk(browser, base, "calls", LANDSCAPE)
    start(page)
    expect(page.locator("#calls")).to_be_visible()
    server.run(server.services.queue.report_call("B017", "7"))
    call = page.locator("#calls-list li", has_text="B017")
    expect(call).to_contain_text("7 号窗口", timeout=WAIT)
    server.run(server.services.queue.report_call("B017", "7"))  # a recall is shown as one
    expect(page.locator("#calls-list li.recall", has_text="B017")).to_be_visible(timeout=WAIT)
    expect(page.locator("#calls-list li", has_text="B017")).to_have_count(1)
    shot(page, "home-calls-landscape")
    page.context.close()
