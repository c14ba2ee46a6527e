"""What a caller said (Twilio's speech recognition) as the keys they would have pressed."""

from __future__ import annotations

import re

import cn2an  # type: ignore[import-untyped]

# Words with one meaning at every level, as the keys they stand for.
_WORDS: tuple[tuple[str, str], ...] = (
    ("人工", "0"), ("客服", "0"), ("接线员", "0"),
    ("重复", "9"), ("重听", "9"), ("再说一遍", "9"), ("再听一遍", "9"),
    ("返回", "*"), ("上一级", "*"),
)
# Read one by one: 幺 is how 1 is said in numbers on the phone; 两 for 2 in counts.
_DIGIT_CHARS = {**{str(d): str(d) for d in range(10)}, "零": "0", "〇": "0", "洞": "0",
                "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
                "六": "6", "七": "7", "八": "8", "九": "9"}
_NOISE = re.compile(r"[\s，。,.、！!？?：:；;\-—]+")


def keys_from_speech(text: str) -> str | None:
    """The keys `text` stands for: digits ("四四零九" or "十八" → "18"), or 0/9/* for the
    words every level knows; None when it is neither."""
    said = _NOISE.sub("", text)[:64]
    if not said:
        return None
    for word, key in _WORDS:
        if word in said:
            return key
    if all(ch in _DIGIT_CHARS for ch in said):
        return "".join(_DIGIT_CHARS[ch] for ch in said)
    try:
        value = cn2an.cn2an(said, "smart")  # 十八, 一百二十三
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value)) if value >= 0 else None
    return None
