"""The SMS channel's port for its own state: inbound records, opt-outs, subscriptions and
pick-a-number choices, per phone number."""

from __future__ import annotations

from typing import Protocol


class SmsState(Protocol):
    """What the conversation needs from the SMS state (storage.sms_state_sqlite has it)."""

    async def record_inbound(self, provider_message_id: str, phone: str, text_hash: str,
                             now: float, window_seconds: float) -> bool:
        """Record an inbound message unless it repeats one; True when it is the first.

        A repeat has the same provider message id (at any time), or the same text from the
        same number within `window_seconds` (0: texts are not compared). The store decides,
        so a repeat reaching two processes is first in exactly one of them."""
        ...

    def is_opted_out(self, phone: str) -> bool: ...
    async def opt_out(self, phone: str, source: str, now: float) -> bool: ...
    async def opt_in(self, phone: str) -> bool: ...
    async def subscribe(self, phone: str, case_key: str, now: float) -> None: ...
    async def unsubscribe_all(self, phone: str) -> int: ...
    async def set_choices(self, phone: str, choices: list[str], expires_at: float) -> None: ...
    def choices(self, phone: str, now: float) -> list[str]: ...
