"""The hall queue: tickets per category and day, calls, recalls, and bus publication."""

from __future__ import annotations

import pytest

from civicline.core.clock import FixedClock
from civicline.core.errors import InvalidInput
from civicline.core.queue import QUEUE_TOPIC
from civicline.services import Services


async def test_tickets_number_per_category_and_count_who_waits(services: Services) -> None:
    first = await services.queue.issue_ticket("A")
    second = await services.queue.issue_ticket("a")
    other = await services.queue.issue_ticket("B")
    assert (first.number, second.number, other.number) == ("A001", "A002", "B001")
    assert (first.waiting_ahead, second.waiting_ahead) == (0, 1)
    assert second.category.name == "综合受理"
    counts = await services.queue.waiting_counts()
    assert counts["A"] == 2 and counts["B"] == 1 and counts["C"] == 0


async def test_call_next_takes_the_oldest_and_a_repeat_is_a_recall(services: Services) -> None:
    subscription = services.bus.subscribe({QUEUE_TOPIC})
    await services.queue.issue_ticket("A")
    await services.queue.issue_ticket("A")
    call = await services.queue.call_next("5")
    assert call is not None and (call.ticket, call.window, call.recall) == ("A001", "5", False)
    again = await services.queue.recall("5")
    assert again is not None and again.ticket == "A001" and again.recall is True
    assert (await services.queue.waiting_counts())["A"] == 1
    await services.bus.close()
    published = [(m.payload["ticket"], m.payload["recall"]) async for m in subscription]
    assert published == [("A001", False), ("A001", True)]


async def test_numbers_restart_the_next_day(services: Services, clock: FixedClock) -> None:
    await services.queue.issue_ticket("A")
    clock.advance(days=1)
    assert (await services.queue.issue_ticket("A")).number == "A001"


@pytest.mark.parametrize(("ticket", "window"), [("A 023;", "5"), ("A023", "<b>"), ("", "1")])
async def test_malformed_calls_are_refused(services: Services, ticket: str, window: str) -> None:
    with pytest.raises(InvalidInput):
        await services.queue.report_call(ticket, window)
