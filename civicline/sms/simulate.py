"""`civicline sms simulate --from +8613800000000 "TEXT"`: what the phone would show.

Runs the same code path as the webhooks (Conversation.handle) over the real services.
"""

from __future__ import annotations

import asyncio

from civicline.core.masking import mask_phone
from civicline.notify_wiring import open_notify
from civicline.services import open_services
from civicline.settings import Settings
from civicline.sms.config import sms_settings
from civicline.sms.conversation import Conversation, Reply


async def simulate_reply(settings: Settings, sender: str, text: str, gateway: str = "twilio"
                         ) -> Reply | None:
    """The reply the webhook would give `sender` for `text`, or None (repeat / opted out)."""
    services = open_services(settings)
    try:
        notify = open_notify(services, [])
        conversation = Conversation(services.query, notify.sms_state, sms_settings(settings),
                                    services.clock, settings.server.public_url.rstrip("/"))
        return await conversation.handle(sender, text, gateway=gateway)
    finally:
        await services.close()


def simulate(settings: Settings, sender: str, text: str, gateway: str = "twilio") -> int:
    """Print the phone's view and the part count; returns the exit status."""
    reply = asyncio.run(simulate_reply(settings, sender, text, gateway))
    print(f"→ {mask_phone(sender)}")
    if reply is None:
        print("(no reply: a repeat within the window, or the number opted out)")
        return 0
    print(reply.text)
    print(f"-- {reply.parts.parts} part(s), {reply.parts.encoding}, {reply.parts.units} units")
    return 0
