"""Architecture tests keep the hub-and-spokes shape honest."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "civicline"
CHANNELS = ("sms", "ivr", "wap", "kiosk", "bigscreen", "channels")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_imports_no_channel_no_storage_and_no_aiohttp_web() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        for module in imports_of(path):
            assert not module.startswith("aiohttp"), f"{path.name} imports {module}"
            assert not module.startswith("civicline.storage"), f"{path.name} imports {module}"
            for channel in CHANNELS:
                assert not module.startswith(f"civicline.{channel}"), f"{path.name}: {module}"


def test_no_channel_imports_another_channel_or_storage() -> None:
    for channel in CHANNELS:
        for path in (PACKAGE / channel).rglob("*.py"):
            for module in imports_of(path):
                assert not module.startswith("civicline.storage"), f"{path}: {module}"
                for other in CHANNELS:
                    if other != channel and channel != "channels":
                        assert not module.startswith(f"civicline.{other}"), f"{path}: {module}"


def test_only_the_settings_module_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv(" not in text, path


def test_every_registered_channel_is_mounted_by_the_app_factory(tmp_path: Path) -> None:
    from civicline.app import create_app
    from civicline.channels.registry import CHANNELS
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path))
    prefixes = {resource.canonical for resource in app.router.resources()}
    expected = {"sms": "/sms/", "wap": "/wap", "kiosk": "/kiosk", "bigscreen": "/bigscreen/"}
    assert {name for name, _ in CHANNELS} == set(expected)
    for name, prefix in expected.items():
        assert any(p.startswith(prefix) for p in prefixes), f"{name} is not mounted"
