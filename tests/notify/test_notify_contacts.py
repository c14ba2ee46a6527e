"""Contact points, fallback plans and people: pure tables."""

from __future__ import annotations

import pytest

from civicline.notify.model import ContactPoint
from civicline.notify.recipients import (
    Applicant,
    FallbackPolicy,
    FallbackStep,
    PlannedContact,
    StaffMember,
    StaffRole,
    Subscriber,
    first_contacts,
    people,
    plan,
)
from tests.factories import make_case

SMS, VOICE, TELEGRAM = "sms", "voice", "telegram"


@pytest.mark.parametrize(("text", "point"), [
    ("sms:+8613800000000", ContactPoint(SMS, "+8613800000000")),
    ("telegram:123456", ContactPoint(TELEGRAM, "123456")),
    (" Voice : +8613900000000 ", ContactPoint(VOICE, "+8613900000000")),
    ("wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M", ContactPoint("wechat",
                                                           "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")),
])
def test_contact_points_are_written_channel_colon_address(text: str,
                                                          point: ContactPoint) -> None:
    assert ContactPoint.parse(text) == point
    assert ContactPoint.parse(str(point)) == point


@pytest.mark.parametrize("text", ["+8613800000000", "sms:", ":123", "短信:123", "s m:1"])
def test_a_contact_point_without_channel_or_address_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="渠道"):
        ContactPoint.parse(text)


def test_a_contact_point_in_logs_masks_its_address() -> None:
    assert ContactPoint(SMS, "+8613800001111").masked == "sms:138****1111"
    assert ContactPoint(TELEGRAM, "123456").masked == "telegram:**3456"


URGENT = FallbackPolicy.parse("sms, voice after 10m")


@pytest.mark.parametrize(("label", "points", "policy", "expected"), [
    ("sms now, a call after ten minutes", [ContactPoint(SMS, "1"), ContactPoint(VOICE, "1")],
     URGENT, [PlannedContact(ContactPoint(SMS, "1"), 0.0),
              PlannedContact(ContactPoint(VOICE, "1"), 10.0)]),
    ("no SMS: the call goes at once", [ContactPoint(VOICE, "2")], URGENT,
     [PlannedContact(ContactPoint(VOICE, "2"), 0.0)]),
    ("the first point of a channel is used", [ContactPoint(SMS, "a"), ContactPoint(SMS, "b")],
     FallbackPolicy.parse("sms"), [PlannedContact(ContactPoint(SMS, "a"), 0.0)]),
    ("waits add up", [ContactPoint(SMS, "1"), ContactPoint(TELEGRAM, "t"),
                      ContactPoint(VOICE, "1")],
     FallbackPolicy.parse("sms, telegram after 5m, voice after 10 min"),
     [PlannedContact(ContactPoint(SMS, "1"), 0.0), PlannedContact(ContactPoint(TELEGRAM, "t"), 5),
      PlannedContact(ContactPoint(VOICE, "1"), 15.0)]),
    ("no point on any channel: nothing planned", [ContactPoint(TELEGRAM, "t")], URGENT, []),
])
def test_a_fallback_plan_orders_a_persons_contact_points(
        label: str, points: list[ContactPoint], policy: FallbackPolicy,
        expected: list[PlannedContact]) -> None:
    assert plan(points, policy) == expected, label


def test_a_fallback_policy_reads_channels_and_waits() -> None:
    assert URGENT.steps == (FallbackStep(SMS, 0.0), FallbackStep(VOICE, 10.0))
    with pytest.raises(ValueError, match="voice after 10 hours"):
        FallbackPolicy.parse("sms, voice after 10 hours")


class Directory:
    def __init__(self, members: list[StaffMember]) -> None:
        self._members = members

    def members(self, department: str | None = None, role: str | None = None
                ) -> list[StaffMember]:
        return [m for m in self._members if department in (None, m.department)
                and role in (None, m.role)]


LI = StaffMember("市场监督管理局", "李四", "科长", "+8613900001111",
                 (ContactPoint(TELEGRAM, "777"),))
WANG = StaffMember("市场监督管理局", "王五", "科长", "", (ContactPoint(VOICE, "+8613700002222"),))
ZHAO = StaffMember("市场监督管理局", "赵六", "受理", "+8613600003333")
DIRECTORY = Directory([LI, WANG, ZHAO])


def test_a_staff_members_phone_reaches_them_on_every_phone_channel_after_listed_points(
        ) -> None:
    assert LI.contact_points() == (ContactPoint(TELEGRAM, "777"),
                                   ContactPoint(SMS, "+8613900001111"),
                                   ContactPoint(VOICE, "+8613900001111"))


def test_an_urgent_alert_to_a_role_reaches_each_member_on_their_first_planned_channel(
        ) -> None:
    assert first_contacts(StaffRole("市场监督管理局", "科长"), DIRECTORY, URGENT) == [
        ContactPoint(SMS, "+8613900001111"), ContactPoint(VOICE, "+8613700002222")]
    assert first_contacts(StaffRole("市场监督管理局", "局长"), DIRECTORY, URGENT) == []


def test_applicants_and_subscribers_resolve_to_their_own_points() -> None:
    case = make_case()
    [applicant] = people(Applicant(case), DIRECTORY)
    assert applicant.points == (ContactPoint(SMS, case.applicant.phone),
                                ContactPoint(VOICE, case.applicant.phone))
    [subscriber] = people(Subscriber(ContactPoint(TELEGRAM, "9")), DIRECTORY)
    assert subscriber.points == (ContactPoint(TELEGRAM, "9"),)
