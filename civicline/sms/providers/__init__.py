"""SMS providers, built from settings in the configured order of preference."""

from __future__ import annotations

from civicline.settings import Settings
from civicline.sms.config import SmsSettings, twilio_token
from civicline.sms.providers.base import Provider
from civicline.sms.providers.console import ConsoleSender
from civicline.sms.providers.gateway import GatewaySender
from civicline.sms.providers.twilio import TwilioSender


def build_providers(settings: Settings, sms: SmsSettings) -> list[Provider]:
    """One sender per name in `sms.providers`; unknown names are a config error."""
    public = settings.server.public_url.rstrip("/")
    built: list[Provider] = []
    for name in sms.providers:
        if name == "twilio":
            built.append(TwilioSender(sms.twilio_account_sid, twilio_token(sms), sms.twilio_from,
                                      sms.twilio_base_url, public, sms.send_timeout_seconds))
        elif name == "gateway":
            built.append(GatewaySender(sms.gateway_url, sms.gateway_account,
                                       sms.gateway_secret.value, sms.signature,
                                       sms.send_timeout_seconds, f"{public}/sms/gateway/receipt"))
        elif name == "console":
            built.append(ConsoleSender())
        else:
            raise ValueError(f"[sms] providers: unknown provider {name!r} "
                             "(known: twilio, gateway, console)")
    return built
