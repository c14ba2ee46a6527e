"""Named errors with behaviour; each kind of channel translates them in one place."""

from __future__ import annotations


class CivicError(Exception):
    """Base of civicline's own errors."""


class InvalidInput(CivicError):
    """Input that cannot be understood; `field` names where, `reason` says why (Chinese)."""

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field


class BackendUnavailable(CivicError):
    """A store or bus is down; channels answer politely instead of failing."""


class ConfigError(CivicError):
    """A configuration key is wrong; the message names the key and why."""
