"""The display walls' settings section ([bigscreen]), with its screens parsed and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from civicline.core.errors import ConfigError
from civicline.settings import Settings, section

PANELS = ("calls", "results", "stats", "notices")
LAYOUTS = ("split", "grid")
SCREEN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Screen:
    """One display wall: which panels, how arranged, and which departments it covers."""

    screen_id: str
    title: str = "市政务服务中心"
    panels: tuple[str, ...] = PANELS
    layout: str = "split"  # split: calls large on the left, the rest on the right; grid: 2x2
    rotation_seconds: int = 0  # >0: the non-call panels take turns instead of sharing room
    departments: tuple[str, ...] = ()  # empty: every department
    recent_calls: int = 8  # calls listed under the current one
    results_per_page: int = 5  # rows per page of publication and statistics; pages turn
    page_seconds: int = 12


@dataclass(frozen=True)
class BigscreenSettings:
    # screen_id -> table of Screen keys (panels, layout, rotation_seconds, departments, ...).
    screens: dict[str, Any] = field(default_factory=lambda: {"hall": {}})
    notices: tuple[str, ...] = ("请携带身份证件，按叫号顺序到对应窗口办理",
                                "办事指南可在自助终端或手机 WAP 页面查询")
    speech: bool = True  # spoken announcements; the chime always sounds
    speech_dir: str = ""  # where rendered clips are cached; empty: <data_dir>/speech
    announce_max_age_seconds: int = 120  # older calls caught up after an outage are not spoken
    reconnect_min_ms: int = 1000
    reconnect_max_ms: int = 30_000
    snapshot_poll_seconds: int = 60  # backup poll of the snapshot in case the stream breaks
    version_poll_seconds: int = 300  # the page reloads itself when the service version changes
    client_buffer: int = 256  # events queued per stream client before it is dropped
    send_timeout_seconds: float = 10.0  # a write stuck this long drops the client
    ping_seconds: float = 15.0
    stats_ttl_seconds: int = 60  # statistics are recomputed at most this often
    results_limit: int = 40  # publication rows in a snapshot



def bigscreen_settings(settings: Settings) -> BigscreenSettings:
    found = section(settings, "bigscreen")
    assert isinstance(found, BigscreenSettings)  # noqa: S101 -- registered type, for mypy
    return found


def parse_screens(config: BigscreenSettings) -> dict[str, Screen]:
    """Every configured screen; errors name the key and the bad value."""
    return {screen_id: parse_screen(screen_id, values)
            for screen_id, values in config.screens.items()}


def parse_screen(screen_id: str, values: Any) -> Screen:
    where = f"[bigscreen.screens.{screen_id}]"
    if not SCREEN_ID_RE.match(screen_id):
        raise ConfigError(f"{where}: screen id must be lower-case letters, digits, - or _")
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table, got {values!r}")
    known = set(Screen.__dataclass_fields__) - {"screen_id"}
    for key in values:
        if key not in known:
            raise ConfigError(f"{where} {key}: unknown key (known keys: "
                              f"{', '.join(sorted(known))})")
    screen = Screen(screen_id=screen_id, **{
        key: _coerce(where, key, value, getattr(Screen, key)) for key, value in values.items()})
    for panel in screen.panels:
        if panel not in PANELS:
            raise ConfigError(f"{where} panels: unknown panel {panel!r} "
                              f"(known: {', '.join(PANELS)})")
    if not screen.panels:
        raise ConfigError(f"{where} panels: at least one panel is needed")
    if screen.layout not in LAYOUTS:
        raise ConfigError(f"{where} layout: must be one of {', '.join(LAYOUTS)}, "
                          f"got {screen.layout!r}")
    for key in ("rotation_seconds", "recent_calls", "results_per_page", "page_seconds"):
        if getattr(screen, key) < 0:
            raise ConfigError(f"{where} {key}: must not be negative")
    if not 1 <= screen.recent_calls <= 30:
        raise ConfigError(f"{where} recent_calls: must be 1–30, got {screen.recent_calls}")
    return screen


def _coerce(where: str, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} {key}: expected a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} {key}: expected a whole number, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where} {key}: expected a string, got {value!r}")
    return value
