"""The in-process bus: order, fan-out, and slow subscribers that never delay others."""

from __future__ import annotations

import pytest

from civicline.core.bus import BusMessage, InProcessBus, SubscriberOverflow


async def test_every_subscriber_gets_every_message_in_order() -> None:
    bus = InProcessBus()
    first, second = bus.subscribe({"case"}), bus.subscribe({"case", "guide"})
    await bus.publish([BusMessage("case", "a", {"n": 1}), BusMessage("guide", "g", {"n": 2}),
                       BusMessage("case", "a", {"n": 3})])
    await bus.close()
    assert [m.payload["n"] async for m in first] == [1, 3]
    assert [m.payload["n"] async for m in second] == [1, 2, 3]


async def test_sequence_numbers_increase() -> None:
    bus = InProcessBus()
    sub = bus.subscribe({"case"})
    await bus.publish([BusMessage("case", "a", {}) for _ in range(5)])
    await bus.close()
    seqs = [m.seq async for m in sub]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5


async def test_a_slow_subscriber_overflows_alone() -> None:
    bus = InProcessBus()
    slow = bus.subscribe({"case"}, buffer=3)
    fast = bus.subscribe({"case"}, buffer=100)
    await bus.publish([BusMessage("case", "a", {"n": i}) for i in range(10)])
    with pytest.raises(SubscriberOverflow):
        async for _ in slow:
            pass
    assert bus.subscriber_count == 1
    await bus.close()
    assert [m.payload["n"] async for m in fast] == list(range(10))


async def test_closing_one_subscription_ends_only_its_stream_and_drops_it() -> None:
    bus = InProcessBus()
    closed, open_ = bus.subscribe({"case"}), bus.subscribe({"case"})
    await closed.close()
    await closed.close()  # a second close is harmless
    assert bus.subscriber_count == 1
    await bus.publish([BusMessage("case", "a", {"n": 1})])
    assert [m async for m in closed] == []
    await bus.close()
    assert bus.subscriber_count == 0
    assert [m.payload["n"] async for m in open_] == [1]


async def test_a_full_subscription_still_ends_when_closed() -> None:
    bus = InProcessBus()
    full = bus.subscribe({"case"}, buffer=2)
    await bus.publish([BusMessage("case", "a", {"n": i}) for i in range(3)])
    await bus.close()
    # The end marker takes the place of the oldest message rather than being lost.
    assert [m.payload["n"] async for m in full] == [1, 2]
