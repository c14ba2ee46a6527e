"""People and their contact points: who a notification is for, and in which order to try.

A recipient (the applicant of a case, staff by department and role, a subscriber) resolves
to the contact points of one or more people; a fallback policy orders each person's points
("urgent staff alert: SMS, then a voice call if not acknowledged within 10 minutes"). Pure:
the supervision duty executes a plan, this module only makes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from civicline.core.models import Case
from civicline.notify.model import ContactPoint, Purpose

# Channels whose address is a phone number: a phone in a record reaches the person on both.
PHONE_CHANNELS = ("sms", "voice")


@dataclass(frozen=True, slots=True)
class StaffMember:
    department: str
    name: str
    role: str  # 受理 / 审核 / 科长 …: how alerts find the responsible person
    phone: str = ""
    contacts: tuple[ContactPoint, ...] = ()  # other contact points, in the listed order

    def contact_points(self) -> tuple[ContactPoint, ...]:
        """The listed points first, then the phone on every phone channel not listed yet."""
        found = list(dict.fromkeys(self.contacts))
        if self.phone:
            found += [p for p in (ContactPoint(c, self.phone) for c in PHONE_CHANNELS)
                      if p not in found]
        return tuple(found)


class StaffDirectory(Protocol):
    def members(self, department: str | None = None, role: str | None = None
                ) -> list[StaffMember]: ...


@dataclass(frozen=True, slots=True)
class Applicant:
    case: Case


@dataclass(frozen=True, slots=True)
class StaffRole:
    department: str
    role: str


@dataclass(frozen=True, slots=True)
class Subscriber:
    point: ContactPoint


Recipient = Applicant | StaffRole | Subscriber


@dataclass(frozen=True, slots=True)
class Person:
    """One person a recipient resolved to (`label` for logs: masked, never the full name)."""

    label: str
    points: tuple[ContactPoint, ...]


def people(recipient: Recipient, directory: StaffDirectory) -> list[Person]:
    """The people behind a recipient, each with their contact points in order."""
    if isinstance(recipient, Applicant):
        phone = recipient.case.applicant.phone
        points = tuple(ContactPoint(c, phone) for c in PHONE_CHANNELS) if phone else ()
        return [Person(f"applicant of {recipient.case.case_no}", points)] if points else []
    if isinstance(recipient, Subscriber):
        return [Person(f"subscriber {recipient.point.masked}", (recipient.point,))]
    return [Person(f"{m.department}/{m.role}", m.contact_points())
            for m in directory.members(recipient.department, recipient.role)
            if m.contact_points()]


@dataclass(frozen=True, slots=True)
class FallbackStep:
    channel: str
    after_minutes: float = 0.0  # after the previous step, if that was not acknowledged


_STEP_RE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?:after\s+(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*$")


@dataclass(frozen=True, slots=True)
class FallbackPolicy:
    steps: tuple[FallbackStep, ...]

    @classmethod
    def parse(cls, text: str) -> FallbackPolicy:
        """"sms, voice after 10m" → SMS now, a call 10 minutes later unless acknowledged."""
        steps = []
        for part in text.split(","):
            match = _STEP_RE.match(part.lower())
            if match is None:
                raise ValueError(f"fallback step {part.strip()!r}: expected "
                                 "'channel' or 'channel after N m' (e.g. 'voice after 10m')")
            steps.append(FallbackStep(match[1], float(match[2] or 0)))
        return cls(tuple(steps))


DEFAULT_FALLBACK: dict[Purpose, FallbackPolicy] = {
    Purpose.REPLY: FallbackPolicy.parse("sms"),
    Purpose.REMINDER: FallbackPolicy.parse("sms"),
    Purpose.STAFF: FallbackPolicy.parse("sms"),
    Purpose.STAFF_URGENT: FallbackPolicy.parse("sms, voice after 10m"),
}


@dataclass(frozen=True, slots=True)
class PlannedContact:
    point: ContactPoint
    at_minutes: float  # from the first attempt; each later step only if none acknowledged


def plan(points: Sequence[ContactPoint], policy: FallbackPolicy) -> list[PlannedContact]:
    """One person's contact plan: per step, their first point on that channel.

    A step the person has no point for is skipped along with its wait (nobody was alerted,
    so nobody is waited for); the first planned step is at once.
    """
    planned: list[PlannedContact] = []
    at = 0.0
    for step in policy.steps:
        point = next((p for p in points if p.channel == step.channel), None)
        if point is None:
            continue
        at = at + step.after_minutes if planned else 0.0
        planned.append(PlannedContact(point, at))
    return planned


def first_contacts(recipient: Recipient, directory: StaffDirectory,
                   policy: FallbackPolicy) -> list[ContactPoint]:
    """Where the first attempt goes: each person's first planned point."""
    found = []
    for person in people(recipient, directory):
        steps = plan(person.points, policy)
        if steps:
            found.append(steps[0].point)
    return found
