"""Fixtures of the Telegram tests."""

from tests.channels.telegram.harness import fake_telegram, harness

__all__ = ["fake_telegram", "harness"]
