"""Shared fixtures: settings on a temp data dir, a fixed clock, services and an HTTP client."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.channels.registry import load_settings, only
from civicline.core.clock import FixedClock
from civicline.services import Services, open_services
from civicline.settings import Settings
from tests.factories import NOW
from tests.redis_support import *  # noqa: F403 -- redis_url / redis_prefix fixtures

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> None:
    """Any test reaching beyond loopback fails: external services have local fakes."""
    if isinstance(address, tuple) and self.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0])
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise AssertionError(f"test tried to reach {host}: only loopback is allowed")
    _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign,assignment]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def make_settings(data_dir: Path, **sections: dict[str, Any]) -> Settings:
    overrides: dict[str, dict[str, Any]] = {"storage": {"data_dir": str(data_dir)}}
    overrides.update(sections)
    return load_settings(env={}, overrides=overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
async def services(settings: Settings, clock: FixedClock) -> AsyncIterator[Services]:
    svc = open_services(settings, clock, with_search=False)
    yield svc
    await svc.close()


ClientFactory = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, settings: Settings, services: Services
                 ) -> TestClient[web.Request, web.Application]:
    # The core API alone; channels mount themselves in their own tests and the e2e test.
    return await aiohttp_client(create_app(settings, services=services, channels=only("api")))


@pytest.fixture
async def token(services: Services) -> str:
    from tests.factories import DEPARTMENT

    return await services.tokens.create(DEPARTMENT, services.clock())
