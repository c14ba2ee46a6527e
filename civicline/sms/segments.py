"""Billable part counting per gateway. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# GSM 03.38 basic set and the extension characters that cost two septets (ESC + char).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class PartCount:
    encoding: str  # "GSM-7" | "UCS-2" | "mainland"
    units: int  # septets, UTF-16 code units, or characters
    parts: int


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def _packed_parts(widths: Iterable[int], per_part: int) -> int:
    """Parts of a concatenated message, filled in order; a character is never split across two."""
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts


def _gsm_parts(text: str) -> PartCount:
    units = [2 if ch in GSM_EXTENSION else 1 for ch in text]
    total = sum(units)
    if total <= 160:
        return PartCount("GSM-7", total, 1 if text else 0)
    return PartCount("GSM-7", total, _packed_parts(units, 153))  # an escape pair stays whole


def _ucs2_parts(text: str) -> PartCount:
    total = len(text.encode("utf-16-le")) // 2  # code units: astral characters count two
    if total <= 70:
        return PartCount("UCS-2", total, 1)
    if total == len(text):  # no surrogate pairs: parts are a plain division
        return PartCount("UCS-2", total, -(-total // 67))
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return PartCount("UCS-2", total, _packed_parts(units, 67))  # a surrogate pair stays whole


def twilio_parts(text: str) -> PartCount:
    """Twilio's rules: GSM-7 160/153 (extensions count two), else UCS-2 70/67."""
    return _gsm_parts(text) if is_gsm(text) else _ucs2_parts(text)


def mainland_parts(text: str, signature: str) -> PartCount:
    """Mainland gateways: every character counts one, the 【signature】 included; 70 then 67."""
    total = len(text) + len(signature)
    parts = 1 if total <= 70 else -(-total // 67)
    return PartCount("mainland", total, parts)


MAINLAND_MAX_CHARS = 500  # template plus signature, as the carriers' platforms enforce


def count_parts(text: str, gateway: str, signature: str = "") -> PartCount:
    """Parts for `gateway` ("twilio" or "gateway"; "console" counts like Twilio)."""
    return mainland_parts(text, signature) if gateway == "gateway" else twilio_parts(text)
