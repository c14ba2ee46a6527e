"""Shared set-up of the voice tests: a hall with one known case and a few guides."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicline.ivr.config import DEFAULT_MENU
from civicline.ivr.executor import VoiceCore
from civicline.ivr.menu import Menu, load_menu
from civicline.services import Services
from tests.factories import NOW, make_event, make_guide

CASE_NO = "440920261127000123"
CODE = "654321"
CALLER = "+8613800009999"
MENU: Menu = load_menu(DEFAULT_MENU)


@dataclass
class SentTexts:
    """Stands in for the outbox at the SMS boundary: what would have been queued."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    async def send_text(self, to: str, text: str, dedupe_key: str) -> bool:
        if any(key == dedupe_key for _, _, key in self.sent):
            return True  # the outbox drops a repeat of the same key
        self.sent.append((to, text, dedupe_key))
        return True


async def seed_hall(services: Services) -> None:
    await services.ingest.ingest([make_event(CASE_NO, at=NOW)], None)
    await services.guides.put(make_guide("2001", title="结婚登记", life_events=("婚姻",)), NOW)
    await services.guides.put(make_guide("2002", title="离婚登记", life_events=("婚姻",),
                                         promised_days=0), NOW)
    await services.queue.issue_ticket("A")
    await services.queue.issue_ticket("A")
    await services.queue.call_next("5", ["A"])


def voice_core(services: Services, texter: SentTexts | None = None) -> VoiceCore:
    return VoiceCore(query=services.query, queue=services.queue, texter=texter,
                     public_base="https://hall.example", office_hours_text="工作日")
