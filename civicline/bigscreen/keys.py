"""The display walls' parts, under one typed application key."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from civicline.bigscreen.config import BigscreenSettings, Screen
from civicline.bigscreen.speech import SpeechClips
from civicline.bigscreen.stream import Fanout
from civicline.core.hall_stats import HallStatsService


@dataclass
class Walls:
    """Built at mount; `stats` is filled on startup, when the services are open."""

    config: BigscreenSettings
    screens: dict[str, Screen]
    speech: SpeechClips
    fanout: Fanout
    stats: HallStatsService | None = None

    def hall_stats(self) -> HallStatsService:
        if self.stats is None:
            raise RuntimeError("display walls are not started")
        return self.stats


WALLS = web.AppKey("bigscreen_walls", Walls)
