"""The SMS channel's sender: renders notify templates as SMS, routes each message to the
first healthy provider, counts its billable parts and paces each provider in parts per second.

The notify platform sees one `ChannelSender` for "sms"; failover between Twilio, the
mainland gateway and the console provider is this module's business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from civicline.notify.model import OutboxMessage
from civicline.notify.policy import CostBudget, ProviderHealth, QuietHours, SendPolicy, parse_hhmm
from civicline.notify.ports import (
    ChannelSender,
    ErrorKind,
    ReceiptSink,
    Rendered,
    Route,
    SendError,
)
from civicline.settings import Settings
from civicline.sms.config import SmsSettings, sms_settings
from civicline.sms.providers import build_providers
from civicline.sms.providers.base import Provider, SendRequest
from civicline.sms.providers.console import ConsoleSender
from civicline.sms.segments import count_parts
from civicline.sms.templates import TEMPLATES, get_template

CHANNEL = "sms"
MIN_BURST_PARTS = 10.0  # a provider's bucket holds at least this many parts


def sms_policy(sms: SmsSettings) -> SendPolicy:
    """The [sms] settings as the dispatcher's plain send rules."""
    return SendPolicy(
        concurrency=sms.send_concurrency, timeout_seconds=sms.send_timeout_seconds,
        retry_base_seconds=sms.retry_base_seconds, retry_max_hours=sms.retry_max_hours,
        poll_seconds=sms.poll_seconds, quiet=QuietHours.parse(sms.quiet_start, sms.quiet_end),
        daily_cap_per_template=sms.daily_cap_per_template,
        cap_resets_at=parse_hhmm(sms.quiet_end))


def part_rates(sms: SmsSettings) -> dict[str, float]:
    """Billable parts per second, per provider (what providers actually limit)."""
    return {"twilio": sms.twilio_parts_per_second, "gateway": sms.gateway_parts_per_second,
            "console": sms.console_parts_per_second}


def render_sms(template: str, variables: Mapping[str, str]) -> Rendered:
    """The SMS text of a notify template; raises TemplateError (a RenderError)."""
    found = get_template(template)
    return Rendered(found.render(dict(variables)), found.version)


class SmsSender:
    """ChannelSender for SMS over the configured providers, in order of preference."""

    channel = CHANNEL

    def __init__(self, providers: Sequence[Provider], sms: SmsSettings) -> None:
        self.providers = list(providers)
        self._by_name = {p.name: p for p in self.providers}
        self.policy = sms_policy(sms)
        self.signature = sms.signature
        self.health = {p.name: ProviderHealth(sms.failover_window_seconds,
                                              sms.failover_error_rate, sms.failover_min_attempts,
                                              sms.failover_cooldown_seconds)
                       for p in self.providers}
        rates = part_rates(sms)
        self.budgets = {p.name: CostBudget(rates.get(p.name, 10.0),
                                           max(rates.get(p.name, 10.0), MIN_BURST_PARTS))
                        for p in self.providers}

    def render(self, template: str, variables: Mapping[str, str]) -> Rendered:
        return render_sms(template, variables)

    def _choose(self, now: float) -> Provider:
        for provider in self.providers:
            if self.health[provider.name].available(now):
                return provider
        return min(self.providers, key=lambda p: self.health[p.name].down_until)

    def route(self, message: OutboxMessage, now: float) -> Route:
        if not self.providers:
            # Not a bad message: it waits (retried) until a provider is configured.
            return Route("", 0, CostBudget(1.0, 1.0))
        provider = self._choose(now)
        parts = count_parts(message.body, provider.counting, self.signature).parts
        return Route(provider.name, parts, self.budgets[provider.name])

    async def send(self, message: OutboxMessage, route: Route) -> str:
        provider = self._by_name.get(route.provider)
        if provider is None:
            raise SendError(ErrorKind.TRANSIENT, "no SMS provider configured ([sms] providers)")
        template = TEMPLATES.get(message.template)
        return await provider.send(SendRequest(
            message.id, message.to.address, message.body,
            template.gateway_code if template else message.template, message.variables))

    def settle(self, route: Route, ok: bool, now: float) -> None:
        health = self.health.get(route.provider)
        if health is not None:
            health.record(ok, now)

    def console(self) -> ConsoleSender | None:
        """The demo's console provider, if configured (for the dev page)."""
        return next((p for p in self.providers if isinstance(p, ConsoleSender)), None)

    async def close(self) -> None:
        for provider in self.providers:
            await provider.close()


def sms_senders(settings: Settings, receipts: ReceiptSink, *,
                providers: Sequence[Provider] | None = None) -> list[ChannelSender]:
    """The SMS channel's senders (one: "sms") for the channel registry's `senders` field.

    `receipts` is where providers that report in-process (the console) deliver receipts;
    Twilio and the gateway report through the channel's webhooks. `providers` replaces the
    configured ones (tests, benchmarks).
    """
    sms = sms_settings(settings)
    built = list(providers) if providers is not None else build_providers(settings, sms)
    for provider in built:
        if isinstance(provider, ConsoleSender):
            provider.receipts = receipts
    return [SmsSender(built, sms)]
