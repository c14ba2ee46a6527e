"""Billable part counting per gateway: Twilio GSM-7/UCS-2 and the mainland gateway rules."""

from __future__ import annotations

import pytest

from civicline.sms.segments import count_parts, mainland_parts, twilio_parts

SIGNATURE = "【市政务服务中心】"  # 9 characters


@pytest.mark.parametrize(("label", "text", "encoding", "units", "parts"), [
    ("empty", "", "GSM-7", 0, 0),
    ("160 GSM characters fit one part", "a" * 160, "GSM-7", 160, 1),
    ("161 GSM characters need two parts", "a" * 161, "GSM-7", 161, 2),
    ("306 GSM characters fit two parts of 153", "a" * 306, "GSM-7", 306, 2),
    ("307 GSM characters need three", "a" * 307, "GSM-7", 307, 3),
    ("extension characters count two", "€" * 80, "GSM-7", 160, 1),
    ("one extension too many splits", "€" * 80 + "a", "GSM-7", 161, 2),
    ("an escape pair is never split", "a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),
    ("exactly 70 Chinese characters fit one part", "办" * 70, "UCS-2", 70, 1),
    ("71 Chinese characters need two parts", "办" * 71, "UCS-2", 71, 2),
    ("134 Chinese characters fit two parts of 67", "办" * 134, "UCS-2", 134, 2),
    ("one Chinese character makes it all UCS-2", "a" * 69 + "办", "UCS-2", 70, 1),
    ("an emoji is two UTF-16 units", "😀" * 35, "UCS-2", 70, 1),
    ("a surrogate pair is never split", "办" * 66 + "😀" + "办", "UCS-2", 69, 1),
    ("a pair at a part boundary moves to the next part", "办" * 66 + "😀" + "办" * 66,
     "UCS-2", 134, 3),
])
def test_twilio_counts_parts_like_twilio(label: str, text: str, encoding: str, units: int,
                                         parts: int) -> None:
    counted = twilio_parts(text)
    assert (counted.encoding, counted.units, counted.parts) == (encoding, units, parts), label


@pytest.mark.parametrize(("label", "length", "parts"), [
    ("70 with the signature is one part", 70 - len(SIGNATURE), 1),
    ("71 with the signature is two parts", 71 - len(SIGNATURE), 2),
    ("134 with the signature is two parts", 134 - len(SIGNATURE), 2),
    ("135 with the signature is three parts", 135 - len(SIGNATURE), 3),
])
def test_mainland_gateway_counts_every_character_and_the_signature(label: str, length: int,
                                                                   parts: int) -> None:
    assert mainland_parts("办" * length, SIGNATURE).parts == parts, label


def test_mainland_gateway_counts_an_emoji_as_one_character() -> None:
    assert mainland_parts("😀" * 61, SIGNATURE).units == 70


def test_count_parts_picks_the_gateway_rules() -> None:
    text = "a" * 100
    assert count_parts(text, "twilio").parts == 1
    assert count_parts(text, "gateway", SIGNATURE).parts == 2
