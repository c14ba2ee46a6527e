"""The newcomer's path, against a real `civicline serve --demo` process over loopback."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError

import orjson
import pytest


@dataclass
class Demo:
    base: str
    data_dir: Path
    token: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data_dir = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {**os.environ, "CIVICLINE_DEMO_CASES": "400", "CIVICLINE_LOGGING_FORMAT": "console",
           "CIVICLINE_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(  # noqa: S603 -- our own CLI
        [sys.executable, "-m", "civicline.cli", "serve", "--demo", "--port", str(port),
         "--data-dir", str(data_dir)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310 -- loopback
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"server did not start:\n{output}") from None
            time.sleep(0.1)
    token = (data_dir / "demo-token.txt").read_text(encoding="utf-8").strip()
    yield Demo(base, data_dir, token)
    process.terminate()
    process.wait(timeout=30)


def call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str = "GET") -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310 -- loopback http only
        url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- loopback
            return response.status, orjson.loads(response.read())
    except HTTPError as error:
        return error.code, orjson.loads(error.read())


def a_case(demo: Demo) -> tuple[str, str]:
    conn = sqlite3.connect(demo.data_dir / "civicline.sqlite3")
    try:
        key, body = conn.execute("SELECT key, body FROM cases WHERE confidential=0 "
                                 "ORDER BY key LIMIT 1").fetchone()
        return str(key), str(orjson.loads(body)["code"])
    finally:
        conn.close()


def test_demo_case_in_public_and_full_view(demo: Demo) -> None:
    case_no, code = a_case(demo)
    status, public = call(f"{demo.base}/api/v1/cases/{case_no}")
    assert status == 200 and isinstance(public, dict) and public["view"] == "public"
    status, full = call(f"{demo.base}/api/v1/cases/{case_no}", headers={"X-Query-Code": code})
    assert status == 200 and isinstance(full, dict) and full["view"] == "full"
    assert full["timeline"]


def test_demo_guides_are_searchable(demo: Demo) -> None:
    query = urllib.parse.quote("开饭店")
    status, body = call(f"{demo.base}/api/v1/guides?q={query}")
    assert status == 200 and isinstance(body, dict)
    assert body["items"][0]["title"].startswith("食品经营许可")


def test_demo_token_ingests_events_for_its_department(demo: Demo) -> None:
    event = {"event_id": "e2e-1", "case_no": "E2E-0001", "stage": "accepted",
             "occurred_at": "2026-11-27T09:30:00+08:00", "department": "市场监督管理局",
             "item_name": "食品经营许可（新办）", "applicant": {"name": "王小二"},
             "query_code": "123456", "promised_days": 5}
    status, body = call(f"{demo.base}/api/v1/events", data=orjson.dumps(event), method="POST",
                        headers={"Authorization": f"Bearer {demo.token}",
                                 "Content-Type": "application/json"})
    assert status == 200, body
    status, case = call(f"{demo.base}/api/v1/cases/E2E-0001")
    assert status == 200 and isinstance(case, dict) and case["applicant"] == "王*二"


def test_second_demo_start_loads_nothing_twice(demo: Demo) -> None:
    conn = sqlite3.connect(demo.data_dir / "civicline.sqlite3")
    try:
        guides = conn.execute("SELECT COUNT(*), MAX(version) FROM guides").fetchone()
    finally:
        conn.close()
    assert guides == (153, 1)
