"""The SMS channel: Twilio and a mainland gateway in, replies and notifications out."""

from __future__ import annotations

from civicline.sms.routes import mount_routes as mount

__all__ = ["mount"]
