"""The command line, run as a real process against a real data directory."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from civicline.core.clock import FixedClock
from civicline.core.ingest import apply_batch_sync
from civicline.services import open_services
from tests.conftest import make_settings
from tests.factories import NOW, make_event


def civicline(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own CLI with fixed arguments
        [sys.executable, "-m", "civicline.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "CIVICLINE_LOGGING_FORMAT": "console"},
    )


def test_token_create_prints_a_token_on_its_last_line_and_stores_only_a_hash(
        tmp_path: Path) -> None:
    result = civicline("token", "create", "市场监督管理局", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("cl_") and len(token) > 40
    services = open_services(make_settings(tmp_path), with_search=False)
    try:
        assert asyncio.run(services.tokens.department_of(token)) == "市场监督管理局"
        raw = (tmp_path / "civicline.sqlite3").read_bytes()
        assert token.encode() not in raw
    finally:
        asyncio.run(services.close())


def test_query_prints_the_public_answer(tmp_path: Path) -> None:
    services = open_services(make_settings(tmp_path), FixedClock(NOW), with_search=False)
    apply_batch_sync(services.cases, [make_event()])
    asyncio.run(services.close())
    result = civicline("query", "4409 2026 1127 000123", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "食品经营许可（新办）：受理" in result.stdout
    assert "张*明" in result.stdout
    full = civicline("query", "440920261127000123", "--code", "654321", data_dir=tmp_path)
    assert "办理窗口：综合受理区 12 号窗口" in full.stdout


def test_a_bad_config_value_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[query]\nlockout_attempts = 'five'\n", encoding="utf-8")
    result = civicline("token", "create", "x", "--config", str(config), data_dir=tmp_path)
    assert result.returncode == 2
    assert "[query] lockout_attempts: expected a whole number, got 'five'" in result.stderr


def test_import_reports_row_and_column_and_keeps_the_good_rows(tmp_path: Path) -> None:
    import csv

    rows = [make_event(case_no="C-1"), make_event(case_no="C-2", stage="flying"),
            make_event(case_no="C-3")]
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["事件编号", "办件编号", "办理环节", "发生时间", "部门", "事项名称", "申请人"])
        for row in rows:
            writer.writerow([row["event_id"], row["case_no"], row["stage"], row["occurred_at"],
                             row["department"], row["item_name"], row["applicant"]["name"]])
    dry = civicline("import", "cases", str(path), "--dry-run", data_dir=tmp_path / "d")
    assert dry.returncode == 1
    assert "cases.csv, row 3, column 办理环节" in dry.stderr
    assert not (tmp_path / "d" / "civicline.sqlite3").exists()
    real = civicline("import", "cases", str(path), data_dir=tmp_path / "d")
    assert real.returncode == 1
    assert "imported 2 events" in real.stderr
    exported = tmp_path / "out.json"
    result = civicline("export", "cases", str(exported), data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert "C-1" in exported.read_text(encoding="utf-8")
    assert "C-2" not in exported.read_text(encoding="utf-8")


def test_links_follow_the_port_when_no_public_url_is_configured(tmp_path: Path) -> None:
    from civicline.cli import build_parser, settings_from

    args = build_parser().parse_args(["serve", "--port", "9123", "--data-dir", str(tmp_path)])
    assert settings_from(args).server.public_url == "http://127.0.0.1:9123"
    config = tmp_path / "c.toml"
    config.write_text('[server]\npublic_url = "https://hall.example.cn"\n', encoding="utf-8")
    args = build_parser().parse_args(["serve", "--port", "9123", "--config", str(config)])
    assert settings_from(args).server.public_url == "https://hall.example.cn"


def test_a_revoked_token_no_longer_opens_ingest_and_is_listed_as_revoked(
        tmp_path: Path) -> None:
    first = civicline("token", "create", "市场监督管理局", "--label", "窗口系统", data_dir=tmp_path)
    second = civicline("token", "create", "公安局", data_dir=tmp_path)
    token = first.stdout.strip().splitlines()[-1]
    other = second.stdout.strip().splitlines()[-1]
    listing = civicline("token", "list", data_dir=tmp_path)
    assert listing.returncode == 0 and "窗口系统" in listing.stdout
    assert token not in listing.stdout and other not in listing.stdout  # ids, never secrets
    assert civicline("token", "revoke", token, data_dir=tmp_path).returncode == 0
    assert civicline("token", "revoke", token, data_dir=tmp_path).returncode == 1  # once
    other_id = next(line.split()[0] for line in
                    civicline("token", "list", data_dir=tmp_path).stdout.splitlines()
                    if "公安局" in line)
    assert civicline("token", "revoke", other_id, data_dir=tmp_path).returncode == 0
    assert civicline("token", "revoke", "zz", data_dir=tmp_path).returncode == 1
    services = open_services(make_settings(tmp_path), with_search=False)
    try:
        assert asyncio.run(services.tokens.department_of(token)) is None
        assert asyncio.run(services.tokens.department_of(other)) is None
        assert all(t.revoked_at for t in services.tokens.list_sync())
    finally:
        asyncio.run(services.close())
