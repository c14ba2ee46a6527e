"""Settings: one frozen object loaded once from TOML plus CIVICLINE_* environment overrides.

This is the only module that reads the environment. Errors name the key and the bad value.
Environment names are CIVICLINE_<SECTION>_<KEY> (CIVICLINE_SERVER_PORT=9000), plus the
short forms in ENV_ALIASES for the values operators set most.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from civicline.core.errors import ConfigError
from civicline.core.policy import DeadlinePolicy, QueryPolicy


class Secret(str):
    """A string whose repr hides its value (tokens, passwords in URLs)."""

    def __repr__(self) -> str:
        return "Secret('****')" if self else "Secret('')"

    @property
    def value(self) -> str:
        return str.__str__(self)


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"  # what citizens' links and signatures use
    max_body_bytes: int = 1_048_576


@dataclass(frozen=True)
class StorageSettings:
    data_dir: str = "./var"


@dataclass(frozen=True)
class RedisSettings:
    # Empty: embedded mode (in-process bus, in-memory limits and caches).
    url: Secret = field(default_factory=lambda: Secret(""))
    prefix: str = "civicline:"


@dataclass(frozen=True)
class DeadlineSettings:
    due_soon_days: int = 1  # working days left at or below which a case is due soon
    seriously_overdue_days: int = 3  # working days past the deadline for the red level
    calendar_file: str = ""  # extra/override days; empty: config/workdays.toml of the project

    @property
    def policy(self) -> DeadlinePolicy:
        return DeadlinePolicy(self.due_soon_days, self.seriously_overdue_days)


@dataclass(frozen=True)
class SearchSettings:
    # Operators' extra data files (user_dict.txt, synonyms.toml, stopwords.txt,
    # pinyin_phrases.txt) added to the packaged ones; empty: packaged files only.
    data_dir: str = ""


@dataclass(frozen=True)
class QueueSettings:
    # Service categories of the built-in queue: "PREFIX:name"; ticket numbers are the prefix
    # and three digits (A023), restarting each day.
    categories: tuple[str, ...] = ("A:综合受理", "B:企业开办", "C:不动产登记", "D:社保医保",
                                   "E:公安户政")


@dataclass(frozen=True)
class LoggingSettings:
    level: str = "INFO"
    format: str = "json"  # json | console


@dataclass(frozen=True)
class DemoSettings:
    cases: int = 5000
    seed: int = 20261127


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    query: QueryPolicy = field(default_factory=QueryPolicy)
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    # The channels' own sections by name (see civicline.channels.registry).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return Path(self.storage.data_dir)


ENV_ALIASES: dict[str, tuple[str, str]] = {
    "CIVICLINE_DATA_DIR": ("storage", "data_dir"),
    "CIVICLINE_PUBLIC_URL": ("server", "public_url"),
    "CIVICLINE_REDIS_URL": ("redis", "url"),
    "CIVICLINE_TWILIO_AUTH_TOKEN": ("sms", "twilio_auth_token"),
}


def _coerce(section: str, key: str, value: Any, expected: Any) -> Any:
    where = f"[{section}] {key}"
    if expected is Secret:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")
        return Secret(value)
    if expected is bool:
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false",
                                                         "no", "off"):
            return value.lower() in ("1", "true", "yes", "on")
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if expected is int:
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                raise ConfigError(f"{where}: expected a whole number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if expected is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a number, got {value!r}") from None
    if expected is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    origin = get_origin(expected)
    if origin in (list, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        (item_type, *_) = get_args(expected) or (str,)
        return tuple(_coerce(section, key, v, item_type) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return dict(value)
    if isinstance(expected, type) and is_dataclass(expected):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return _build(f"{section}.{key}", expected, value)
    return value


def _build(section: str, cls: Any, values: Mapping[str, Any]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(
                f"[{section}] {key}: unknown key (known keys: {', '.join(sorted(known))})"
            )
    kwargs = {k: _coerce(section, k, v, hints[k]) for k, v in values.items()}
    return cls(**kwargs)


def load_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    sections: Mapping[str, Any] | None = None,
) -> Settings:
    """Load TOML (if given), then environment, then explicit overrides (CLI flags).

    `sections` are the channels' own sections by name (the channel registry passes them);
    they are kept in `Settings.extra`, read with `section()`."""
    env = os.environ if env is None else env
    raw: dict[str, dict[str, Any]] = {}
    if config_file is not None:
        try:
            raw = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {config_file}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {config_file}: not valid TOML: {exc}") from None
    hints = get_type_hints(Settings)
    section_types: dict[str, Any] = {
        f.name: hints[f.name] for f in fields(Settings) if f.name != "extra"
    }
    section_types.update(sections or {})
    for name in raw:
        if name not in section_types:
            raise ConfigError(
                f"[{name}]: unknown section (known: {', '.join(sorted(section_types))})"
            )
        if not isinstance(raw[name], dict):
            raise ConfigError(f"[{name}]: expected a table")
    for var, value in env.items():
        if not var.startswith("CIVICLINE_"):
            continue
        if var in ENV_ALIASES:
            section, key = ENV_ALIASES[var]
        else:
            rest = var[len("CIVICLINE_"):].lower()
            match = next((s for s in section_types if rest.startswith(s + "_")), None)
            if match is None:
                continue  # other CIVICLINE_* variables (e.g. test-only) are not settings
            section, key = match, rest[len(match) + 1:]
        raw.setdefault(section, {})[key] = value
    for section, values in (overrides or {}).items():
        raw.setdefault(section, {}).update(values)

    built = {name: _build(name, cls, raw.get(name, {})) for name, cls in section_types.items()}
    settings = Settings(
        **{k: v for k, v in built.items() if k in hints},
        extra={k: v for k, v in built.items() if k not in hints},
    )
    _validate(settings)
    return settings


def section(settings: Settings, name: str) -> Any:
    """A channel's own settings section, as loaded."""
    try:
        return settings.extra[name]
    except KeyError:
        raise ConfigError(f"[{name}]: section not loaded (load settings through "
                          f"civicline.channels.registry.load_settings)") from None


def _validate(settings: Settings) -> None:
    if not 0 < settings.server.port < 65536:
        raise ConfigError(f"[server] port: must be 1–65535, got {settings.server.port}")
    if not settings.server.public_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"[server] public_url: must start with http:// or https://, "
            f"got {settings.server.public_url!r}"
        )
    if settings.query.lockout_attempts < 1:
        raise ConfigError("[query] lockout_attempts: must be at least 1")
    if settings.logging.format not in ("json", "console"):
        raise ConfigError(
            f"[logging] format: must be json or console, got {settings.logging.format!r}"
        )
    for entry in settings.queue.categories:
        prefix, colon, name = entry.partition(":")
        if not colon or not re.fullmatch(r"[A-Z]{1,2}", prefix) or not name.strip():
            raise ConfigError(f"[queue] categories: each entry is 'PREFIX:名称' with 1–2 "
                              f"capital letters, got {entry!r}")
    url = settings.redis.url.value
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("[redis] url: must start with redis://, rediss:// or unix://")
