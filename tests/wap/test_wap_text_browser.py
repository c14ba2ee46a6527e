"""WAP pages through a real text browser: `w3m -dump` of a real server shows content in order."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from civicline.app import create_app
from civicline.channels.registry import only
from tests.wap.test_wap_pages import CODE, OPEN, SECRET, UNKNOWN, HallFactory, open_hall, seeded_dir

__all__ = ["open_hall", "seeded_dir"]  # fixtures shared with the page tests

W3M = shutil.which("w3m")
pytestmark = pytest.mark.skipif(W3M is None, reason="Debian's w3m is installed by scripts/test")


@pytest.fixture
async def base_url(open_hall: HallFactory) -> AsyncIterator[str]:
    """A real server on a free loopback port, as a phone's browser would reach it."""
    services = await open_hall()
    app = create_app(services.settings, services=services,
                     channels=only("api", "wap"))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


async def w3m_dump(url: str, home: Path, post: bytes | None = None) -> str:
    args = ["-dump", "-O", "UTF-8", "-cols", "80", "-o", "accept_encoding=identity"]
    if post is not None:
        args += ["-post", "-"]
    # A private HOME and no proxy variables: w3m reads both.
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin"), "LANG": "C.UTF-8"}
    process = await asyncio.create_subprocess_exec(
        str(W3M), *args, url, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env)
    out, err = await asyncio.wait_for(process.communicate(post), timeout=30)  # failure guard
    assert process.returncode == 0, err.decode()
    return out.decode("utf-8")


DUMPS: list[tuple[str, str, bytes | None, list[str]]] = [
    # (label, path, POST body, lines expected in this order)
    ("home", "/wap/", None,
     ["市政务服务中心 · 查询服务", "查办件", "查指南", "按部门", "办结公示", "帮助", "办件编号",
      "查询码", "事项名称或关键词", "咨询热线"]),
    ("guide detail", "/wap/g/1009", None,
     ["食品经营许可（新办）", "实施部门", "市场监督管理局", "承诺时限", "办理条件",
      "申请材料", "1. 食品经营许可申请书", "办理流程", "办理窗口", "商事登记区 9 号窗口",
      "办理时间", "咨询电话", "0668-2881234"]),
    ("case public view", f"/wap/c/{OPEN}", None,
     ["食品经营许可（新办）：承办", "办件编号", OPEN, "申请人", "张*明", "当前环节", "承办",
      "办理进度", "受理（已完成）", "承办（当前）", "输入查询码查看详情"]),
    ("case full view", "/wap/case", f"case_no={OPEN}&code={CODE}".encode(),
     ["食品经营许可（新办）：承办", "张*明", "办理时限", "承诺办结日期", "办理窗口",
      "综合受理区 12 号窗口", "办理过程", "受理（受理人员）", "承办"]),
    ("wrong code", "/wap/case", f"case_no={OPEN}&code=111111".encode(),
     ["查询码不正确，以下为公开信息", "请核对受理回执上的6位查询码", "张*明"]),
    ("unknown case", f"/wap/c/{UNKNOWN}", None, ["未查到该办件", "请核对办件编号", "重新查询"]),
    ("confidential case", f"/wap/c/{SECRET}", None, ["未查到该办件", "重新查询"]),
    ("results publication", "/wap/results", None,
     ["办结公示", "2026年11月27日", "申请人", "茂名市电白区***有限公司", "下一页"]),
]


@pytest.mark.parametrize(("label", "path", "post", "expected"), DUMPS,
                         ids=[d[0] for d in DUMPS])
async def test_w3m_dump_shows_the_content_in_reading_order(
        base_url: str, tmp_path: Path, label: str, path: str, post: bytes | None,
        expected: list[str]) -> None:
    text = await w3m_dump(base_url + path, tmp_path, post)
    position = 0
    for fragment in expected:
        found = text.find(fragment, position)
        assert found >= 0, f"{label}: {fragment!r} missing or out of order in:\n{text}"
        position = found
    # No markup or stylesheet leaks into what a text browser shows.
    assert "<" not in text and "font:" not in text and "{" not in text, text


async def test_w3m_shows_the_locked_page_after_five_wrong_codes(base_url: str,
                                                                tmp_path: Path) -> None:
    wrong = f"case_no={OPEN}&code=000000".encode()
    for _ in range(5):
        await w3m_dump(base_url + "/wap/case", tmp_path, wrong)
    text = await w3m_dump(base_url + "/wap/case", tmp_path,
                          f"case_no={OPEN}&code={CODE}".encode())
    assert "该办件查询码尝试次数过多，已暂停验证" in text
    assert "分钟后再试" in text and "办理过程" not in text
