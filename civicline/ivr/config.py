"""The voice channel's settings section, [ivr] with [ivr.twilio] and [ivr.ami]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from civicline.core.errors import ConfigError
from civicline.core.workdays import WorkCalendar
from civicline.settings import Secret, Settings, section

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MENU = PROJECT_ROOT / "config" / "ivr" / "menu.toml"
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class IvrTwilioSettings:
    voice: str = "Polly.Zhiyu-Neural"  # <Say voice=…> for Mandarin
    language: str = "cmn-CN"  # <Say>/<Gather> language for Mandarin
    yue_voice: str = "Polly.Hiujin-Neural"
    yue_language: str = "yue-HK"


@dataclass(frozen=True)
class IvrAmiSettings:
    host: str = "127.0.0.1"
    port: int = 5038
    username: str = ""  # empty: AMI off
    secret: Secret = field(default_factory=lambda: Secret(""))


@dataclass(frozen=True)
class IvrSettings:
    enabled: bool = False  # start the FastAGI server with the app (`serve --demo` turns it on)
    fastagi_host: str = "127.0.0.1"
    fastagi_port: int = 4573  # 0: any free port, logged at start
    menu_file: str = ""  # empty: config/ivr/menu.toml of the project
    languages: tuple[str, ...] = ("cmn", "yue")  # first is the default; one: no language menu
    agent_number: str = ""  # where 0 transfers (a Dial string: SIP/agents or +8675…)
    # Working days (from the working-day calendar) and these hours, Asia/Shanghai.
    office_hours: tuple[str, ...] = ("08:30-12:00", "14:30-17:30")
    prompts_dir: str = ""  # generated prompts; empty: <data_dir>/ivr/prompts
    recordings_dir: str = ""  # operators' studio recordings (<lang>/<id>.wav) that win
    header_timeout_seconds: float = 5.0
    reply_timeout_seconds: float = 120.0  # a half-open call is dropped after this silence
    twilio: IvrTwilioSettings = field(default_factory=IvrTwilioSettings)
    ami: IvrAmiSettings = field(default_factory=IvrAmiSettings)

    def menu_path(self) -> Path:
        return Path(self.menu_file) if self.menu_file else DEFAULT_MENU

    def prompts_path(self, data_dir: Path) -> Path:
        return Path(self.prompts_dir) if self.prompts_dir else data_dir / "ivr" / "prompts"


def ivr_settings(settings: Settings) -> IvrSettings:
    found: IvrSettings = section(settings, "ivr")
    return found


@dataclass(frozen=True)
class OfficeHours:
    """When a person answers 0: working days (holidays and adjusted weekends included)."""

    spans: tuple[tuple[time, time], ...]
    calendar: WorkCalendar

    @classmethod
    def parse(cls, entries: tuple[str, ...], calendar: WorkCalendar) -> OfficeHours:
        spans = []
        for entry in entries:
            match = _HOURS.match(entry.strip())
            if not match:
                raise ConfigError(f"[ivr] office_hours: each entry is 'HH:MM-HH:MM', "
                                  f"got {entry!r}")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                start, end = time(h1, m1), time(h2, m2)
            except ValueError:
                raise ConfigError(f"[ivr] office_hours: not a time of day: {entry!r}") from None
            if end <= start:
                raise ConfigError(f"[ivr] office_hours: {entry!r} ends before it starts")
            spans.append((start, end))
        return cls(tuple(spans), calendar)

    def open_at(self, moment: datetime) -> bool:
        """`moment` in Asia/Shanghai (the clock's zone)."""
        if not self.calendar.is_workday(moment.date()):
            return False
        now = moment.time()
        return any(start <= now < end for start, end in self.spans)
