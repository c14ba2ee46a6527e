"""WAP pages in headless Chromium on a phone screen, JavaScript off; screenshots in artifacts/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Page, async_playwright

from civicline.app import create_app
from civicline.channels.registry import only
from tests.wap.test_wap_pages import CODE, OPEN, HallFactory, open_hall, seeded_dir

__all__ = ["open_hall", "seeded_dir"]  # fixtures shared with the page tests

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "wap"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by "
                       "scripts/test"),
]


@pytest.fixture
async def base_url(open_hall: HallFactory) -> AsyncIterator[str]:
    services = await open_hall()
    runner = web.AppRunner(create_app(services.settings, services=services,
                                      channels=only("api", "wap")))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


@pytest.fixture
async def phone() -> AsyncIterator[Page]:
    """A 360×640 phone screen with JavaScript switched off."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                   args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 360, "height": 640},
                                            device_scale_factor=1, java_script_enabled=False,
                                            locale="zh-CN")
        page = await context.new_page()
        page.set_default_timeout(15_000)  # failure guard only
        yield page
        await browser.close()


async def fits_the_screen(page: Page) -> bool:
    # No horizontal scrolling at 360 px: the layout reflows rather than overflowing.
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    return width <= 360


async def test_a_citizen_looks_up_a_case_and_its_guide_on_a_phone_without_javascript(
        phone: Page, base_url: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await phone.goto(base_url + "/wap/")
    assert await phone.locator("h1").inner_text() == "市政务服务中心 查询服务"
    assert await fits_the_screen(phone)
    await phone.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    await phone.get_by_label("办件编号").fill(OPEN)
    await phone.get_by_label("查询码（6 位数字，选填，填写后可看办理详情）").fill(CODE)
    await phone.get_by_role("button", name="查询").click()
    await phone.wait_for_url(base_url + "/wap/case")
    assert "code" not in phone.url  # the code travelled in the POST body only
    assert await phone.get_by_role("heading", name="办理过程").is_visible()
    assert await phone.get_by_text("综合受理区 12 号窗口").is_visible()
    assert await fits_the_screen(phone)
    await phone.screenshot(path=str(ARTIFACTS / "case-full.png"), full_page=True)

    await phone.get_by_role("link", name="查看该事项的办事指南").click()
    await phone.wait_for_url(base_url + "/wap/g/1009")
    assert await phone.get_by_role("heading", name="申请材料").is_visible()
    assert await fits_the_screen(phone)
    await phone.screenshot(path=str(ARTIFACTS / "guide.png"), full_page=True)
    font = await phone.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Noto Sans CJK SC"')
