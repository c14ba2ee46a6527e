"""HMAC-SHA256 signing of the generic gateway's JSON bodies (inbound, receipts, sends)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Signature"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return bool(secret) and hmac.compare_digest(sign(secret, body), signature)


def fresh(ts: object, now: float, window_seconds: float) -> bool:
    """The body's timestamp is within the window (replays of old bodies are refused)."""
    return isinstance(ts, int | float) and not isinstance(ts, bool) and \
        abs(now - float(ts)) <= window_seconds
