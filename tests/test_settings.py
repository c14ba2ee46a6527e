"""Settings: TOML plus environment, with errors that name the key and the bad value."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from civicline.channels.registry import load_settings
from civicline.core.errors import ConfigError
from civicline.settings import Secret

ROOT = Path(__file__).resolve().parent.parent


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[server]\nport = 9000\n', encoding="utf-8")
    settings = load_settings(config, env={"CIVICLINE_SERVER_PORT": "9100",
                                          "CIVICLINE_DATA_DIR": "/srv/civicline"})
    assert settings.server.port == 9100
    assert str(settings.data_dir) == "/srv/civicline"


@pytest.mark.parametrize(("toml", "message"), [
    ("[server]\nport = 'eighty'\n", "[server] port: expected a whole number, got 'eighty'"),
    ("[server]\nprot = 80\n", "[server] prot: unknown key"),
    ("[sever]\nport = 80\n", "[sever]: unknown section"),
    ("[server]\nport = 70000\n", "[server] port: must be 1–65535"),
    ("[server]\npublic_url = 'ftp://x'\n", "[server] public_url: must start with http"),
    ("[server\n", "not valid TOML"),
])
def test_bad_config_names_the_key_and_why(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(config, env={})


def test_secret_repr_hides_the_value() -> None:
    settings = load_settings(env={"CIVICLINE_REDIS_URL": "redis://:hunter2@127.0.0.1:6379/0"})
    assert isinstance(settings.redis.url, Secret)
    assert "hunter2" not in repr(settings)
    assert settings.redis.url.value.startswith("redis://")


def test_the_example_config_file_loads_and_documents_every_key() -> None:
    example = ROOT / "config" / "civicline.toml"
    settings = load_settings(example, env={})
    text = example.read_text(encoding="utf-8")
    for section in ("server", "storage", "redis", "query", "deadlines", "search", "queue",
                    "logging", "demo"):
        for field in fields(getattr(settings, section)):
            assert f"\n{field.name} =" in text, f"[{section}] {field.name} is not in the example"
