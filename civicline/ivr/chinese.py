"""Numbers as a Chinese voice says them: digits one by one, dates and counts naturally."""

from __future__ import annotations

import re
from datetime import date

import cn2an  # type: ignore[import-untyped]

_DIGITS = "零一二三四五六七八九"
# On the phone Mandarin says 1 as 幺 inside numbers, so 1 and 7 are not confused; Cantonese
# keeps 一.
_PHONE_ONE = {"cmn": "幺", "yue": "一"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"\d+")
LONG_DIGIT_RUN = 5  # runs this long are identifiers (case numbers, phones): read one by one


def digits_text(digits: str, language: str = "cmn") -> str:
    """"4409" → "四 四 零 九" (幺 for 1 in Mandarin); other characters are kept."""
    one = _PHONE_ONE.get(language, "一")
    spoken = [(one if ch == "1" else _DIGITS[int(ch)]) if ch.isascii() and ch.isdigit()
              else ch for ch in digits]
    return " ".join(spoken)


def number_text(value: int) -> str:
    """12 → 十二, 102 → 一百零二."""
    text: str = cn2an.an2cn(value)
    return text


def count_text(value: int, unit: str) -> str:
    """(3, "个工作日") → 三个工作日; 2 before a measure word is 两."""
    return ("两" if value == 2 else number_text(value)) + unit


def date_text(day: date) -> str:
    """2026-12-02 → 二〇二六年十二月二日 (the year digit by digit)."""
    year = "".join("〇" if ch == "0" else _DIGITS[int(ch)] for ch in str(day.year))
    return f"{year}年{number_text(day.month)}月{number_text(day.day)}日"


def spoken_text(text: str, language: str = "cmn") -> str:
    """Dynamic text with its dates and numbers in words, for a voice that reads characters."""
    def one_date(match: re.Match[str]) -> str:
        try:
            return date_text(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return digits_text(match[0], language)

    def one_number(match: re.Match[str]) -> str:
        run = match[0]
        if len(run) >= LONG_DIGIT_RUN or (len(run) > 1 and run.startswith("0")):
            return digits_text(run, language).replace(" ", "")
        return number_text(int(run))

    return _NUMBER.sub(one_number, _ISO_DATE.sub(one_date, text))
