"""Property-based tests: input normalisation and the event ordering rules."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicline.core.errors import InvalidInput
from civicline.core.events import parse_event
from civicline.core.folding import fold
from civicline.core.intents import parse_text
from civicline.core.normalize import (
    CASE_NO_RE,
    case_key,
    clean_case_no,
    normalize_text,
    to_halfwidth,
)
from civicline.core.query import _digits
from tests.factories import NOW, make_event

STAGES = ["undertaken", "reviewed", "approved", "supplement_requested", "resumed",
          "suspended", "concluded"]


@given(st.one_of(st.text(max_size=20), st.from_regex(r"\+?86[ -]?1[0-9]{10}", fullmatch=True),
                 st.text(alphabet="0123456789+- ()²٣", max_size=20)))
def test_phone_digits_fast_path_matches_stripping_every_non_digit(phone: str) -> None:
    # The registered-phone check reads the last 11 digits; the fast path skips the regex.
    assert _digits(phone) == re.sub(r"\D", "", phone)[-11:]


@given(st.text(max_size=300))
def test_normalize_text_is_idempotent_and_never_raises(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert not any(ord(ch) < 32 for ch in once)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_fullwidth_digits_read_as_the_same_number(digits: str) -> None:
    wide = "".join(chr(ord(d) + 0xFEE0) for d in digits)
    assert to_halfwidth(wide) == digits
    assert clean_case_no(wide) == clean_case_no(digits)


@given(st.text(alphabet="0123456789ABCDEFabcdef", min_size=1, max_size=30),
       st.lists(st.sampled_from([" ", "-", "－", "—", "　"]), max_size=5), st.randoms())
def test_spaces_and_dashes_anywhere_do_not_change_the_case_key(
        core: str, separators: list[str], rnd: Any) -> None:
    chars = list(core)
    for separator in separators:
        chars.insert(rnd.randint(0, len(chars)), separator)
    assert case_key("".join(chars)) == case_key(core)


@given(st.text(max_size=60) | st.text(alphabet="0123456789abcXYZ- \uff10\uff21", max_size=45))
def test_clean_case_no_is_the_validated_case_key(raw: str) -> None:
    # The ASCII fast path must agree with the general rule: the key, if it is a valid one.
    key = case_key(raw)
    valid = bool(key) and len(key) <= 40 and CASE_NO_RE.match(key) is not None
    assert clean_case_no(raw) == (key if valid else None)


@given(st.text(max_size=500))
def test_any_free_text_gets_an_intent(text: str) -> None:
    parsed = parse_text(text)
    assert parsed.intent is not None
    if parsed.case_no:
        assert clean_case_no(parsed.case_no) == parsed.case_no


def _timeline(draw_offsets: list[int]) -> list[dict[str, Any]]:
    events = [make_event(at=NOW - timedelta(days=40))]
    for i, offset in enumerate(draw_offsets):
        events.append(make_event(stage=STAGES[i % len(STAGES)], first=False,
                                 at=NOW - timedelta(days=39) + timedelta(minutes=offset),
                                 note=f"step {i}"))
    return events


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=8,
                unique=True), st.randoms())
def test_arrival_order_never_changes_the_folded_case(offsets: list[int], rnd: Any) -> None:
    events = [parse_event(e) for e in _timeline(offsets)]
    in_order = fold((e, i) for i, e in enumerate(events))
    shuffled = events[1:]
    rnd.shuffle(shuffled)
    arrivals = [events[0], *shuffled]  # the identity-bearing event arrives first
    folded = fold((e, i) for i, e in enumerate(arrivals))
    assert folded.stage == in_order.stage
    assert [t.event_id for t in folded.timeline] == [t.event_id for t in in_order.timeline]
    latest = max(events, key=lambda e: e.occurred_at)
    assert folded.updated_at == latest.occurred_at


@given(st.lists(st.integers(min_value=0, max_value=50_000), min_size=2, max_size=6,
                unique=True))
def test_a_late_older_event_never_moves_the_stage_backwards(offsets: list[int]) -> None:
    events = [parse_event(e) for e in _timeline(offsets)]
    newest = max(events, key=lambda e: e.occurred_at)
    without_oldest = [e for e in events if e is not min(events[1:], key=lambda e: e.occurred_at)]
    before = fold((e, i) for i, e in enumerate(without_oldest))
    after = fold((e, i) for i, e in enumerate(events))
    assert after.updated_at == before.updated_at == newest.occurred_at
    assert after.timeline[-1].event_id == before.timeline[-1].event_id


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1)))
def test_impossible_or_far_dates_are_rejected_not_crashing(moment: datetime) -> None:
    wire = make_event(occurred_at=moment.isoformat())
    try:
        event = parse_event(wire)
    except InvalidInput as exc:
        assert exc.field == "occurred_at"
        assert moment.year < 2000 or moment.year > 2100
    else:
        assert 2000 <= event.occurred_at.year <= 2100


@given(st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=6,
                unique=True))
def test_stored_events_decode_to_exactly_what_was_validated(offsets: list[int]) -> None:
    from civicline.storage.codec import decode_event, encode_event

    for wire in _timeline(offsets):
        event = parse_event({**wire, "result": "approved", "missing_materials": ["图纸"]})
        assert decode_event(encode_event(event)) == event
