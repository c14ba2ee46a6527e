"""The SMS channel's settings section, [sms]."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicline.settings import Secret, Settings, section

# Documented development token: `civicline serve --demo` signs and checks Twilio requests with
# it when no real token is configured, so a newcomer can sign test requests by hand.
DEV_TWILIO_AUTH_TOKEN = "civicline-dev-twilio-token"  # noqa: S105 -- public demo value


@dataclass(frozen=True)
class SmsSettings:
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: Secret = field(default_factory=lambda: Secret(""))
    twilio_base_url: str = "https://api.twilio.com"
    twilio_from: str = ""
    gateway_url: str = ""  # the mainland gateway's send API base (POST {url}/send)
    gateway_account: str = ""
    gateway_secret: Secret = field(default_factory=lambda: Secret(""))
    gateway_timestamp_window_seconds: int = 300
    max_parts: int = 3
    signature: str = "【市政务服务中心】"
    choice_ttl_minutes: int = 10
    dedupe_seconds: int = 10  # same text from the same number within this window: one reply
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    # Billable parts per second, per provider.
    twilio_parts_per_second: float = 10.0
    gateway_parts_per_second: float = 50.0
    console_parts_per_second: float = 1000.0
    daily_cap_per_template: int = 50
    providers: tuple[str, ...] = ("console",)  # in order of preference
    failover_window_seconds: float = 60.0
    failover_error_rate: float = 0.5
    failover_min_attempts: int = 10
    failover_cooldown_seconds: float = 120.0  # then the first provider is tried again
    send_timeout_seconds: float = 10.0
    retry_base_seconds: float = 30.0
    retry_max_hours: float = 24.0
    stuck_after_seconds: float = 300.0  # "sending" longer than this: the sweeper re-queues
    receipt_timeout_hours: float = 72.0
    poll_seconds: float = 1.0
    send_concurrency: int = 32
    # stage:recipient (applicant | handler | subscribers); config decides who hears what.
    notify_rules: tuple[str, ...] = (
        "accepted:applicant", "accepted:handler", "supplement_requested:applicant",
        "concluded:applicant", "rejected:applicant", "suspended:applicant",
        "accepted:subscribers", "supplement_requested:subscribers", "concluded:subscribers",
        "rejected:subscribers",
    )
    dispatch_in_app: bool = True  # false when `python -m civicline.notify_worker` sends
    dev_mode: bool = False  # accept DEV_TWILIO_AUTH_TOKEN when no token is configured



def sms_settings(settings: Settings) -> SmsSettings:
    found: SmsSettings = section(settings, "sms")
    return found


def twilio_token(sms: SmsSettings) -> str:
    """The auth token to check and sign with; the dev token only in dev mode."""
    if sms.twilio_auth_token.value:
        return sms.twilio_auth_token.value
    return DEV_TWILIO_AUTH_TOKEN if sms.dev_mode else ""
