"""Spoken call announcements from clips the service renders itself with espeak-ng.

No internet and no Chinese browser voice are needed: the fixed phrases, letters and digits
are rendered once into `<data_dir>/speech/` and an announcement ("请 A 0 2 3 号到 5 号窗口办理")
is assembled from them. The chime is a separate file, so turning speech off keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import math
import os
import shutil
import string
import struct
import wave
from collections import OrderedDict
from pathlib import Path

from civicline.core.queue import TICKET_RE, WINDOW_RE

log = logging.getLogger("civicline.bigscreen.speech")
VOICE = "cmn"  # espeak-ng's Mandarin voice (reads Latin letters as English letter names)
RATE = 22_050  # espeak-ng's output rate; every clip and announcement uses it
_DIGITS = "零一二三四五六七八九"

# clip name -> text spoken
PHRASES: dict[str, str] = {"qing": "请", "hao-dao": "号到", "chuangkou": "号窗口办理", "shi": "十"}
PHRASES.update({f"digit-{d}": _DIGITS[d] for d in range(10)})
PHRASES.update({f"letter-{c}": c for c in string.ascii_uppercase})


def window_clips(window: str) -> list[str]:
    """A window number read as a Chinese number up to 99 (十二), anything else spelled."""
    if window.isdigit() and 0 < int(window) < 100:
        tens, ones = divmod(int(window), 10)
        clips = ([f"digit-{tens}"] if tens > 1 else []) + (["shi"] if tens else [])
        return clips + ([f"digit-{ones}"] if ones else [])
    return spelled(window)


def spelled(text: str) -> list[str]:
    """Letters and digits one by one (a ticket's A 0 2 3); anything else is skipped."""
    clips = []
    for char in text.upper():
        if char.isdigit():
            clips.append(f"digit-{char}")
        elif char in string.ascii_uppercase:
            clips.append(f"letter-{char}")
    return clips


def announcement_clips(ticket: str, window: str) -> list[str]:
    """The clip names of 请<ticket>号到<window>号窗口办理, in order."""
    return ["qing", *spelled(ticket), "hao-dao", *window_clips(window), "chuangkou"]


def announcement_text(ticket: str, window: str) -> str:
    """The same sentence as text, for the browser's own voice (the fallback)."""
    return "".join(PHRASES[clip] for clip in announcement_clips(ticket, window))


class SpeechClips:
    """Renders missing clips into a directory and assembles announcements from them."""

    def __init__(self, directory: Path, espeak: str = "espeak-ng", cache_size: int = 256
                 ) -> None:
        self.directory = directory
        self.espeak = espeak
        self.available = False
        self._assembled: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = asyncio.Lock()

    def path_of(self, clip: str) -> Path:
        # The text and voice are in the name: changing a phrase renders a new clip.
        digest = hashlib.sha256(f"{VOICE}:{PHRASES[clip]}".encode()).hexdigest()[:10]
        return self.directory / f"{clip}-{digest}.wav"

    async def ensure(self) -> bool:
        """Render every missing clip; False (and the browser voice takes over) without espeak."""
        async with self._lock:
            if not self.available:
                self.available = await self._render_missing()
            return self.available

    async def _render_missing(self) -> bool:
        binary = shutil.which(self.espeak)
        if binary is None:
            log.warning("espeak_ng_missing", extra={"binary": self.espeak})
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        for clip, text in PHRASES.items():
            target = self.path_of(clip)
            if target.exists():
                continue
            # Per process: two servers sharing the directory never write the same file.
            partial = target.with_name(f"{target.stem}.{os.getpid()}.part")
            process = await asyncio.create_subprocess_exec(
                binary, "-v", VOICE, "-s", "150", "-w", str(partial), text,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            try:
                _, err = await process.communicate()
            except asyncio.CancelledError:
                # Shutting down mid-render; espeak may have just finished on its own.
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                partial.unlink(missing_ok=True)
                raise
            if process.returncode != 0 or not partial.exists():
                log.warning("espeak_ng_failed", extra={"clip": clip, "error": err[:200]})
                return False
            partial.replace(target)  # atomic: a half-written clip is never served
        return True

    def clip(self, clip: str) -> bytes | None:
        if not self.available or clip not in PHRASES:
            return None
        return self.path_of(clip).read_bytes()

    def announcement(self, ticket: str, window: str) -> bytes | None:
        """One WAV of the whole sentence; None when the ticket or window is malformed."""
        ticket, window = ticket.strip().upper(), window.strip()
        if not self.available or not TICKET_RE.match(ticket) or not WINDOW_RE.match(window):
            return None
        key = (ticket, window)
        found = self._assembled.get(key)
        if found is None:
            found = self._assembled[key] = concatenate(
                [self.path_of(c) for c in announcement_clips(ticket, window)])
            if len(self._assembled) > self._cache_size:
                self._assembled.popitem(last=False)
        self._assembled.move_to_end(key)
        return found


def concatenate(paths: list[Path], gap_ms: int = 30) -> bytes:
    """Join mono 16-bit clips of one rate, with a short gap so digits do not run together."""
    gap = b"\x00\x00" * (RATE * gap_ms // 1000)
    frames = []
    for path in paths:
        with wave.open(str(path), "rb") as clip:
            frames.append(clip.readframes(clip.getnframes()))
    return _wav(gap.join(frames))


def _wav(frames: bytes) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(RATE)
        target.writeframes(frames)
    return out.getvalue()


def chime_wav(seconds: float = 1.2) -> bytes:
    """A two-tone ding-dong (E6 then C6) with a soft decay, as a WAV."""
    samples = []
    for index in range(int(RATE * seconds)):
        t = index / RATE
        tone, start = (1318.5, 0.0) if t < seconds / 2 else (1046.5, seconds / 2)
        envelope = math.exp(-4.0 * (t - start)) * min(1.0, (t - start) * 200)
        samples.append(int(12_000 * envelope * math.sin(2 * math.pi * tone * t)))
    return _wav(struct.pack(f"<{len(samples)}h", *samples))
