"""Serving-time garbage collection: young generations on a pace, full passes rare."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from civicline import gc_pacing


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_tuning_freezes_start_up_objects_and_makes_full_passes_rare(restored_gc: None
                                                                      ) -> None:
    young, middle, _ = gc.get_threshold()
    gc_pacing.tune_for_serving()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (young, middle, gc_pacing.FULL_GC_AFTER)


async def test_the_pacer_collects_the_middle_generation_until_cancelled() -> None:
    before = gc.get_stats()[1]["collections"]
    task = asyncio.create_task(gc_pacing.pace(0))  # no interval: rounds follow the loop
    for _ in range(5):
        await asyncio.sleep(0)  # let the pacer run a few rounds
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gc.get_stats()[1]["collections"] - before >= 2
    assert task.cancelled()  # stops with the app
