"""Architecture tests keep the hub-and-spokes shape honest, driven from the channel registry."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicline.channels.registry import CHANNELS, Channel
from civicline.web.links import SHORT_LINK_PATHS

PACKAGE = Path(__file__).resolve().parents[2] / "civicline"
ROOT = PACKAGE.parent
# The hub: channel-neutral packages that must not know any channel.
HUB = ("core", "notify", "search")


def channel_dir(channel: Channel) -> Path:
    """A channel's folder: civicline/<name>/ or, for messengers, civicline/channels/<name>/."""
    for candidate in (PACKAGE / channel.name, PACKAGE / "channels" / channel.name):
        if candidate.is_dir():
            return candidate
    raise AssertionError(f"channel {channel.name!r} has no folder")


def channel_module(channel: Channel) -> str:
    return "civicline." + ".".join(channel_dir(channel).relative_to(PACKAGE).parts)


def python_files(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


CHANNEL_MODULES = {c.name: channel_module(c) for c in CHANNELS}


@pytest.mark.parametrize("hub", HUB)
def test_the_hub_imports_no_channel_no_web_framework_no_settings_and_no_storage(hub: str
                                                                              ) -> None:
    forbidden = [*CHANNEL_MODULES.values(), "civicline.web", "civicline.settings",
                 "civicline.services", "civicline.storage", "civicline.channels", "aiohttp.web"]
    for path in python_files(PACKAGE / hub):
        for module in imports_of(path):
            for bad in forbidden:
                assert not is_within(module, bad), f"{path.relative_to(ROOT)} imports {module}"


def test_the_core_imports_no_aiohttp_at_all() -> None:
    for path in python_files(PACKAGE / "core"):
        for module in imports_of(path):
            assert not is_within(module, "aiohttp"), f"{path.relative_to(ROOT)}: {module}"


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.name)
def test_no_channel_imports_another_channel(channel: Channel) -> None:
    own = CHANNEL_MODULES[channel.name]
    others = [m for name, m in CHANNEL_MODULES.items() if name != channel.name]
    for path in python_files(channel_dir(channel)):
        for module in imports_of(path):
            for other in others:
                if is_within(own, other):
                    continue  # civicline.channels.telegram sits inside civicline.channels
                assert not is_within(module, other), f"{path.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.name)
def test_channels_reach_data_only_through_the_core_and_their_own_storage(channel: Channel
                                                                         ) -> None:
    """No channel opens another's tables: a channel may build only its own storage module
    (civicline/storage/<channel>_*.py), which implements the channel's own port."""
    for path in python_files(channel_dir(channel)):
        for module in imports_of(path):
            if not is_within(module, "civicline.storage"):
                continue
            leaf = module.split(".")[2] if module.count(".") >= 2 else ""
            assert leaf.startswith(channel.name + "_"), \
                f"{path.relative_to(ROOT)} imports {module}"


def _string_constants(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_the_hub_knows_no_channel_url(tmp_path: Path) -> None:
    """Links leave the core as data (kind, ref); no mounted path appears in hub code."""
    from civicline.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path))
    first_segments = {resource.canonical.split("/")[1] for resource in app.router.resources()
                      if resource.canonical.count("/") >= 2}
    first_segments.discard("{tail:.*}")
    pattern = re.compile("/({})/".format("|".join(map(re.escape, sorted(first_segments)))))
    for hub in HUB:
        for path in python_files(PACKAGE / hub):
            for text in _string_constants(path):
                assert not pattern.search(text), \
                    f"{path.relative_to(ROOT)} names a channel URL: {text!r}"


def test_only_the_settings_module_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv(" not in text, path


def test_nothing_registers_itself_by_being_imported() -> None:
    side_effect_import = "noqa: F401 " + "-- registers"  # split: this file is scanned too
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
                 *(ROOT / "bench").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert side_effect_import not in text, path
        assert "register_" + "section(" not in text, path


def test_every_registered_channel_is_mounted_by_the_app_factory(tmp_path: Path) -> None:
    from civicline.app import create_app
    from tests.conftest import make_settings

    before = create_app(make_settings(tmp_path), channels=())
    baseline = {r.canonical for r in before.router.resources()}
    for channel in CHANNELS:
        app = create_app(make_settings(tmp_path), channels=(channel,))
        added = {r.canonical for r in app.router.resources()} - baseline
        assert added, f"channel {channel.name} mounts no route"


def test_every_channel_settings_section_is_loaded_and_documented() -> None:
    from civicline.channels.registry import load_settings
    from civicline.settings import section

    settings = load_settings(env={})
    example = (ROOT / "config" / "civicline.toml").read_text(encoding="utf-8")
    for channel in CHANNELS:
        if not channel.settings_section:
            continue
        assert channel.settings_type is not None
        assert isinstance(section(settings, channel.settings_section), channel.settings_type)
        assert f"[{channel.settings_section}]" in example, \
            f"config/civicline.toml documents no [{channel.settings_section}] section"


def test_every_short_link_is_served(tmp_path: Path) -> None:
    from civicline.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(tmp_path))
    canonicals = {r.canonical for r in app.router.resources()}
    for kind, template in SHORT_LINK_PATHS.items():
        prefix = template.split("{", 1)[0]
        assert any(c.startswith(prefix) and c != "/{tail:.*}" for c in canonicals), \
            f"no route serves {kind} links ({template})"


def test_every_channel_folder_is_registered() -> None:
    """A folder with a mount() but no registry entry is a channel nobody serves."""
    registered = {channel_dir(c) for c in CHANNELS}
    for init in [*PACKAGE.glob("*/__init__.py"), *PACKAGE.glob("channels/*/__init__.py")]:
        if re.search(r"^def mount\(|import .*mount_routes as mount", init.read_text("utf-8"),
                     re.M):
            assert init.parent in registered, f"{init.parent.name} is not in the registry"
