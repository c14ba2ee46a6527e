"""The platform's rules: cost budgets, queue-time rendering, and notify importing no channel."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from civicline.notify.model import ContactPoint, Purpose
from civicline.notify.policy import CostBudget
from civicline.notify.ports import RenderError
from civicline.notify.templates import PURPOSES, Composer
from civicline.sms.sender import render_sms
from civicline.sms.templates import TEMPLATES
from tests.notify.fake_senders import RecordingSender

NOTIFY = Path(__file__).resolve().parents[2] / "civicline" / "notify"
FORBIDDEN = ("civicline.sms", "civicline.wap", "civicline.kiosk", "civicline.bigscreen",
             "civicline.api", "civicline.channels", "civicline.storage", "civicline.services",
             "civicline.settings", "civicline.notify_wiring", "aiohttp")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_notify_imports_no_channel_no_storage_no_services_and_no_settings() -> None:
    for path in NOTIFY.rglob("*.py"):
        for module in _imports(path):
            assert not module.startswith(FORBIDDEN), f"{path.name} imports {module}"


@pytest.mark.parametrize(("label", "rate", "burst", "costs", "waits"), [
    ("within the burst nothing waits", 10, 10, [3, 3, 3], [0, 0, 0]),
    ("past the burst each waits for its own cost", 10, 10, [10, 1, 1], [0, 0.1, 0.2]),
    ("more than the burst goes with a full bucket", 10, 10, [12], [0]),
    ("and its overdraft is repaid before the next", 10, 10, [12, 1], [0, 0.3]),
    ("a costly one behind others waits for a full bucket at most", 10, 10, [5, 12], [0, 0.5]),
    ("two costly ones in a row pace at the rate", 10, 10, [12, 12], [0, 1.2]),
])
def test_a_cost_budget_never_waits_for_more_than_it_can_hold(
        label: str, rate: float, burst: float, costs: list[int], waits: list[float]) -> None:
    budget = CostBudget(rate, burst)
    assert [budget.reserve(c, 0.0) for c in costs] == pytest.approx(waits), label


def test_a_cost_budget_refills_at_its_rate_up_to_its_burst() -> None:
    budget = CostBudget(10, 10)
    assert budget.reserve(10, 0.0) == 0
    assert budget.reserve(5, 0.5) == 0  # refilled five in half a second
    assert budget.reserve(10, 100.0) == 0  # never more than the burst after a long rest
    assert budget.reserve(1, 100.0) == pytest.approx(0.1)


def test_a_missing_variable_fails_when_queued_for_any_channel() -> None:
    composer = Composer({"sms": render_sms, "telegram": RecordingSender("telegram").render})
    with pytest.raises(RenderError, match="promised_date"):
        composer.message(ContactPoint("sms", "13800001111"), "case_accepted",
                         {"case_no": "1", "item_name": "x"}, "ev")
    with pytest.raises(RenderError, match="variable missing"):
        composer.message(ContactPoint("telegram", "1"), "reply", {"content": "missing"}, "ev")
    with pytest.raises(RenderError, match="no sender for channel 'voice'"):
        composer.message(ContactPoint("voice", "1"), "reply", {"content": "x"}, "ev")
    with pytest.raises(RenderError, match="unknown template"):
        composer.message(ContactPoint("sms", "1"), "no_such_template", {}, "ev")


def test_a_queued_message_keeps_its_rendered_body_purpose_and_priority() -> None:
    message = Composer({"sms": render_sms}).message(
        ContactPoint("sms", "13900002222"), "staff_overdue",
        {"case_no": "C1", "item_name": "x", "days_over": "2", "deadline": "11月25日"}, "ev")
    assert "【红灯】" in message.body and "C1" in message.body
    assert (message.purpose, message.priority) == (Purpose.STAFF_URGENT, 0)
    assert message.dedupe_key == "ev|sms:13900002222|staff_overdue"


def test_every_neutral_template_has_an_sms_wording_and_no_sms_wording_is_orphaned() -> None:
    assert set(PURPOSES) == set(TEMPLATES)
