"""`sms simulate` takes the webhook's code path; the outbox CLI masks phones."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicline.core.clock import FixedClock
from civicline.notify_wiring import open_notify
from civicline.services import open_services
from civicline.settings import Settings
from civicline.sms.cli import outbox_list, outbox_retry, outbox_show
from civicline.sms.simulate import simulate
from tests.conftest import make_settings
from tests.factories import NOW, make_event
from tests.fakes.sms_provider import sms_message


@pytest.fixture
async def seeded(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path / "data")
    services = open_services(settings, FixedClock(NOW), with_search=False)
    await services.ingest.ingest([make_event("440920261127000123", at=NOW)], None)
    notify = open_notify(services, [])
    message = sms_message("reply", "13800001111", "x", {"content": "您好 13800001111"})
    await notify.outbox.enqueue([message], NOW.timestamp())
    await notify.outbox.db.write(lambda c: c.execute("UPDATE outbox SET state='failed'"))
    await services.close()
    return settings


def test_simulate_prints_the_reply_and_its_parts(seeded: Settings,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert simulate(seeded, "+8613700009999", "查 4409-2026-1127-000123") == 0
    out = capsys.readouterr().out
    assert "食品经营许可" in out and "part(s), UCS-2" in out and "137****9999" in out
    assert "13700009999" not in out


def test_outbox_commands_mask_phones_and_retry_failed_messages(
        seeded: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert outbox_list(seeded) == 0
    assert outbox_show(seeded, 1) == 0
    assert outbox_retry(seeded, 1) == 0
    assert outbox_retry(seeded, 1) == 1  # queued now: nothing to retry
    out = capsys.readouterr().out
    assert "138****1111" in out and "13800001111" not in out and "failed=1" in out
