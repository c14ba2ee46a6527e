"""Supervised background duties: errors are logged and restarted, never silent."""

from __future__ import annotations

import asyncio
import logging

import pytest

from civicline.core.background import RESTARTS, Background, background, supervise


async def test_a_failing_duty_is_logged_and_restarted_with_growing_backoff(
        caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []
    waits: list[float] = []

    async def duty() -> None:
        runs.append(1)
        if len(runs) < 4:
            raise OSError("disk full")

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    before = RESTARTS["flaky"]
    with caplog.at_level(logging.ERROR, "civicline.background"):
        await supervise("flaky", duty, sleep=no_wait, first_backoff=1.0, max_backoff=3.0)
    assert len(runs) == 4
    assert waits == [1.0, 2.0, 3.0]
    assert RESTARTS["flaky"] - before == 3
    failures = [r for r in caplog.records if r.getMessage() == "background_task_failed"]
    assert len(failures) == 3 and failures[0].exc_info is not None
    assert failures[0].task == "flaky"  # type: ignore[attr-defined]


async def test_a_duty_that_returns_is_not_restarted() -> None:
    runs: list[int] = []

    async def duty() -> None:
        runs.append(1)

    owner = Background()
    await owner.start("once", duty)
    assert runs == [1]
    assert owner.running() == {"once": False}
    await owner.close()


async def test_closing_cancels_running_duties() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    async with background("forever", forever) as task:
        await started.wait()
        assert not task.done()
    assert cancelled.is_set() and task.cancelled()


async def test_the_same_name_cannot_run_twice() -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    owner = Background()
    owner.start("loop", forever)
    with pytest.raises(ValueError, match="already running"):
        owner.start("loop", forever)
    await owner.close()
