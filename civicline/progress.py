"""A small progress bar for long CLI jobs (imports, index builds, demo generation) on stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws at most ~10 times a second; prints plain lines when stderr is not a terminal."""

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None
                 ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_pct = -10

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty and now - self._last_draw >= 0.1:
            self._last_draw = now
            self._draw("\r")
        elif not self.tty and self.total:
            pct = int(self.done * 100 / self.total)
            if pct >= self._last_pct + 10:
                self._last_pct = pct - pct % 10
                self._draw("")
                self.stream.write("\n")

    def _draw(self, prefix: str) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        if self.total:
            frac = min(1.0, self.done / self.total)
            bar = "#" * int(frac * 30)
            eta = (self.total - self.done) / rate if rate else 0
            text = (f"{self.label} [{bar:<30}] {self.done}/{self.total} {frac:4.0%} "
                    f"{rate:,.0f}/s eta {eta:,.0f}s")
        else:
            text = f"{self.label} {self.done} {rate:,.0f}/s"
        self.stream.write(prefix + text)
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self._draw("\r")
            self.stream.write("\n")
        took = time.monotonic() - self.started
        self.stream.write(f"{self.label}: {self.done:,} done in {took:.1f}s\n")
        self.stream.flush()
