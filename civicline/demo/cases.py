"""Synthetic case histories as wire events, for demos, tests and the 1M-case benchmark.

Everything per case is table lookups and `random()` calls on one Random(seed); the slow
parts (calendar, guide profiles, staff) are prepared once per call.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civicline.core.models import Guide
from civicline.demo import people
from civicline.demo.names import ROLES, industries_for
from civicline.demo.office_time import DAY_SECONDS, OfficeAxis, clock_strings, office_axis

WINDOW_DAYS = 90
ORGANISATION_SHARE = 0.35
CONFIDENTIAL_SHARE = 0.03
OVERDUE_SHARE = 0.07
WITHDRAWN_SHARE = 0.03
REJECTED_SHARE = 0.05
SUPPLEMENT_SHARE = 0.12
SUSPENDED_SHARE = 0.05  # for items without special procedures; those with them suspend more
CITY_PREFIX = "4409"  # 茂名

# Titles citizens cannot apply for on behalf of a company, and the reverse.
_PERSON_ONLY = (
    "身份证", "户口", "出生登记", "婚", "护照", "通行证", "驾驶证", "社会保障卡", "失业保险金",
    "养老金", "残疾人证", "优待证", "法律援助", "个人所得税", "教师资格", "医师执业", "护士执业",
    "转学", "提取住房公积金", "个人住房贷款", "异地就医", "居住证", "从业资格", "驾驶员证",
    "城乡居民", "门诊特定病种", "劳动能力鉴定", "关系转移接续", "就业创业证", "个体工商户",
    "商品房买卖合同", "乡村建设",
)
_EITHER = (
    "工伤认定", "不动产", "房屋租赁", "代开", "完税证明", "林木采伐", "渔业捕捞", "机动车注册",
    "砍伐", "烟草", "登记档案", "资料查询", "食品小作坊", "缴存证明",
)
# Relative daily volume of busy counters; everything else weighs 1.
_VOLUME = (
    ("身份证", 12.0), ("社会保障卡", 10.0), ("不动产转移", 9.0), ("不动产抵押", 7.0),
    ("提取住房公积金", 8.0), ("个体工商户设立", 7.0), ("有限责任公司设立", 6.0),
    ("结婚", 6.0), ("食品经营许可", 5.0), ("异地就医", 6.0), ("驾驶证", 5.0), ("户口", 5.0),
    ("护照", 4.0), ("通行证", 5.0), ("发票", 4.0), ("代开", 4.0), ("出生登记", 4.0),
    ("城乡居民", 4.0), ("居住证", 4.0), ("失业保险金", 3.0), ("机动车注册", 4.0),
    ("企业变更", 3.0), ("不动产", 3.0), ("网签", 3.0), ("职工参保", 3.0),
)
_PHYSICAL = ("身份证", "护照", "通行证", "驾驶证", "社会保障卡", "结婚", "婚姻登记证")
_SUPPLEMENT_NOTES = (
    "申请材料不齐全，请在15个工作日内一次性补正",
    "材料不符合法定形式，请按补正告知书补正",
    "部分材料信息不一致，请补正后重新提交",
)
_SUPPLEMENT_RESUMED = "申请人已提交补正材料，恢复办理"
_GENERIC_SUSPENSIONS = ("现场核查", "征求相关部门意见", "专家评审", "检验检测")
_REJECT_NOTES = (
    "经审查不符合法定条件，不予许可",
    "申请材料经补正仍不符合法定形式，不予受理",
    "现场核查不符合要求，不予许可",
    "申请事项不属于本机关职权范围，已告知向有关机关申请",
)
_WITHDRAWN_NOTES = ("申请人主动撤回申请", "申请人主动撤回申请，材料已退回")
_WITHDRAWN_UNSUPPLIED = "申请人逾期未补正，视为撤回申请"
_DAY_WEIGHT = (1.2, 1.05, 1.0, 1.0, 0.9, 0.6, 0.6)  # Mon..Sun; adjusted weekends are quieter


@dataclass(frozen=True, slots=True)
class _GuideProfile:
    """What the generator needs from a guide, resolved once."""

    guide_id: str
    department: str
    item_name: str
    window: str
    office_phone: str
    fee: str
    promised_days: int
    materials: tuple[str, ...]
    industries: tuple[str, ...]
    pickups: tuple[str, ...]
    suspensions: tuple[str, ...]
    suspend_share: float


def _profile(guide: Guide) -> _GuideProfile:
    title = guide.title
    special = tuple(step.split("：")[0] for step in guide.procedure
                    if step.split("：")[0] in ("现场核查", "现场检查", "专家评审", "公示", "公告",
                                                "技术审查", "技术评估", "实地核查", "实地检查",
                                                "现场审查", "现场勘查", "评估论证", "调查核实",
                                                "专家鉴定", "专家论证", "背景核查", "残疾评定"))
    physical = any(word in title for word in _PHYSICAL)
    return _GuideProfile(
        guide_id=guide.id,
        department=guide.department,
        item_name=title,
        window=guide.window or "综合受理区 1 号窗口",
        office_phone=guide.phone,
        fee=guide.fee or "不收费",
        promised_days=max(0, guide.promised_days),
        materials=tuple(m.name for m in guide.materials) or (f"{title}申请表",),
        industries=industries_for(title),
        pickups=("窗口领取", "窗口领取", "邮寄送达") if physical
        else ("窗口领取", "窗口领取", "邮寄送达", "电子证照", "电子证照"),
        suspensions=special or _GENERIC_SUSPENSIONS,
        suspend_share=0.3 if special else SUSPENDED_SHARE,
    )


def _kinds(title: str) -> tuple[bool, bool]:
    """(a person may apply, an organisation may apply)."""
    if any(word in title for word in _EITHER):
        return True, True
    if any(word in title for word in _PERSON_ONLY):
        return True, False
    return False, True


def _volume(title: str) -> float:
    for word, weight in _VOLUME:
        if word in title:
            return weight
    return 1.0


def _pool(weights: list[float]) -> tuple[list[float], float]:
    """Cumulative weights for bisect-based weighted choice, and their total."""
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative, total


_Crew = dict[str, dict[str, str]]  # stage wire name -> handler


def _crews(rng: random.Random, departments: Sequence[str]) -> dict[str, tuple[_Crew, ...]]:
    """Per department, a dozen crews drawn from a few named staff per role.

    Handlers repeat across cases as real ones do, and a case picks its whole crew with one
    random draw instead of one per step (this is the hot loop of the benchmark).
    """
    r = rng.random
    crews: dict[str, tuple[_Crew, ...]] = {}
    for dept in departments:
        staff = {stage: [{"name": people.person_name(r), "phone": people.mobile(r), "role": role}
                         for _ in range(2 + int(r() * 4))]
                 for stage, role in ROLES.items()}
        team = []
        for _ in range(12):
            crew = {stage: pool[int(r() * len(pool))] for stage, pool in staff.items()}
            # The undertaker handles the pauses of its own case; the reviewer signs rejections.
            for stage in ("supplement_requested", "suspended", "resumed"):
                crew[stage] = crew["undertaken"]
            crew["rejected"] = crew["reviewed"]
            team.append(crew)
        crews[dept] = tuple(team)
    return crews


def _day_quotas(count: int, axis: OfficeAxis) -> list[int]:
    """Cases accepted per working day, in proportion to its weekday weight and elapsed time."""
    if axis.last < 0 or not axis.days:
        return [0] * len(axis.days)
    weights = []
    for n, day in enumerate(axis.days):
        available = min(DAY_SECONDS, max(0, axis.last - n * DAY_SECONDS + 1))
        weights.append(_DAY_WEIGHT[day.weekday()] * available / DAY_SECONDS)
    total = sum(weights)
    exact = [count * w / total for w in weights]
    quotas = [int(x) for x in exact]
    # Largest remainders get the leftover cases; ties go to the earlier day.
    leftovers = sorted(range(len(exact)), key=lambda n: (quotas[n] - exact[n], n))
    for n in leftovers[: count - sum(quotas)]:
        quotas[n] += 1
    return quotas


def generate_case_events(count: int, guides: Sequence[Guide], now: datetime, seed: int,
                         ) -> Iterator[list[dict[str, Any]]]:
    """Yield each case's wire events (parse_event format), `count` cases in the 90 days to now."""
    if count < 0:
        raise ValueError("count must not be negative")
    if not guides:
        raise ValueError("generate_case_events needs at least one guide")
    rng = random.Random(seed)
    r = rng.random
    axis = office_axis(now, WINDOW_DAYS)
    profiles = [_profile(g) for g in guides]
    kinds = [_kinds(p.item_name) for p in profiles]
    volumes = [_volume(p.item_name) for p in profiles]
    person = _pool([v if k[0] else 0.0 for v, k in zip(volumes, kinds, strict=True)])
    org = _pool([v if k[1] else 0.0 for v, k in zip(volumes, kinds, strict=True)])
    if person[1] == 0.0:
        person = org
    if org[1] == 0.0:
        org = person
    crews = _crews(rng, sorted({p.department for p in profiles}))
    plan = _Planner(r, axis.last)
    quotas = _day_quotas(count, axis)
    if quotas and max(quotas) > 999_999:
        raise ValueError("too many cases for 6-digit daily case number sequences")
    for day, quota in enumerate(quotas):
        if not quota:
            continue
        open_seconds = min(DAY_SECONDS, axis.last - day * DAY_SECONDS + 1)
        starts = sorted(int(r() * open_seconds) for _ in range(quota))
        prefix = CITY_PREFIX + axis.compact[day]
        base = day * DAY_SECONDS
        for seq, second in enumerate(starts, 1):
            case_no = f"{prefix}{seq:06d}"
            if r() < ORGANISATION_SHARE:
                g = profiles[bisect(org[0], r() * org[1])]
                applicant = {"name": people.company_name(r, g.industries),
                             "kind": "organisation", "phone": people.mobile(r),
                             "id_number": people.credit_code(r)}
            else:
                g = profiles[bisect(person[0], r() * person[1])]
                applicant = {"name": people.person_name(r), "kind": "person",
                             "phone": people.mobile(r), "id_number": people.resident_id(r)}
            team = crews[g.department]
            yield plan.events(case_no, base + second, g, applicant,
                              team[int(r() * len(team))], axis)


_Step = tuple[str, int, dict[str, Any] | None]
_SUFFIXES = tuple(f"-{n}" for n in range(16))


class _Planner:
    """Plans one case's steps on the office axis, then writes the ones not after `last`."""

    def __init__(self, r: people.Random, last: int) -> None:
        self.r = r
        self.last = last

    def events(self, case_no: str, t: int, g: _GuideProfile, applicant: dict[str, str],
               crew: _Crew, axis: OfficeAxis) -> list[dict[str, Any]]:
        """The full first event, then each later step with only what it changes."""
        r = self.r
        prefixes, clock = axis.prefixes, clock_strings()
        day, second = divmod(t, DAY_SECONDS)
        events: list[dict[str, Any]] = [{
            "event_id": f"{case_no}-1",
            "case_no": case_no,
            "stage": "accepted",
            "occurred_at": prefixes[day] + clock[second],
            "department": g.department,
            "item_name": g.item_name,
            "guide_id": g.guide_id,
            "applicant": applicant,
            "query_code": f"{int(r() * 1_000_000):06d}",
            "promised_days": g.promised_days,
            "confidential": r() < CONFIDENTIAL_SHARE,
            "window": g.window,
            "office_phone": g.office_phone,
            "fee": g.fee,
            "handler": dict(crew["accepted"]),
        }]
        last = self.last
        for n, (stage, at, extra) in enumerate(self._steps(t, g), 2):
            if at > last:
                break  # the rest has not happened yet: the case is still in progress
            event = {"event_id": case_no + _SUFFIXES[n], "case_no": case_no, "stage": stage,
                     "occurred_at": prefixes[at // DAY_SECONDS] + clock[at % DAY_SECONDS],
                     "handler": dict(crew[stage])}
            if extra:
                event.update(extra)
            events.append(event)
        return events

    def _steps(self, t: int, g: _GuideProfile) -> list[_Step]:
        """(stage, position, extra fields) of every step after acceptance, future ones too."""
        r = self.r
        # Processing time in office seconds, pauses excluded: within the promise, or past it.
        promised = g.promised_days
        if r() < OVERDUE_SHARE:
            budget = int((promised + 1 + r() * min(10, promised + 2)) * DAY_SECONDS)
        elif promised:
            budget = int(promised * DAY_SECONDS * (0.1 + 0.85 * r()))
        else:
            # Immediate items finish the same day: minutes, never past closing time.
            budget = max(0, min(int(300 + r() * 3300), DAY_SECONDS - 10 - t % DAY_SECONDS))
        w1, w2, w3, w4 = 0.1 + r(), 0.4 + r(), 0.2 + r(), 0.2 + r()
        unit = budget / (w1 + w2 + w3 + w4)
        outcome = r()
        withdraw = outcome < WITHDRAWN_SHARE
        reject = not withdraw and outcome < WITHDRAWN_SHARE + REJECTED_SHARE
        steps: list[_Step] = []
        t += 1 + int(unit * w1)
        if withdraw and r() < 0.4:  # withdrawn before anyone took it up
            return [("withdrawn", t, {"note": _WITHDRAWN_NOTES[0]})]
        steps.append(("undertaken", t, None))

        # Pauses split a gap in two; the paused time itself is on top of the budget.
        review_gap, decide_gap = int(unit * w2), int(unit * w3)
        if r() < SUPPLEMENT_SHARE:
            materials = g.materials
            missing = [materials[int(r() * len(materials))]]
            if r() < 0.3:
                extra_item = materials[int(r() * len(materials))]
                if extra_item != missing[0]:
                    missing.append(extra_item)
            before = int(review_gap * 0.3)
            review_gap -= before
            t += 1 + before
            steps.append(("supplement_requested", t, {
                "missing_materials": missing,
                "note": _SUPPLEMENT_NOTES[int(r() * len(_SUPPLEMENT_NOTES))]}))
            t += int(DAY_SECONDS * (0.3 + r() * 7))  # the applicant's time, not counted
            if r() < 0.1:
                steps.append(("withdrawn", t, {"note": _WITHDRAWN_UNSUPPLIED}))
                return steps
            steps.append(("resumed", t, {"note": _SUPPLEMENT_RESUMED}))
        if withdraw:
            t += 1 + review_gap // 2
            steps.append(("withdrawn", t,
                          {"note": _WITHDRAWN_NOTES[int(r() * len(_WITHDRAWN_NOTES))]}))
            return steps

        t += 1 + review_gap
        if reject and r() < 0.5:
            steps.append(("rejected", t, {
                "result": "not_approved",
                "note": _REJECT_NOTES[int(r() * len(_REJECT_NOTES))]}))
            return steps
        steps.append(("reviewed", t, None))

        if r() < g.suspend_share:
            reason = g.suspensions[int(r() * len(g.suspensions))]
            before = int(decide_gap * 0.3)
            decide_gap -= before
            t += 1 + before
            steps.append(("suspended", t,
                          {"note": f"进入{reason}程序，所需时间不计入办理时限"}))
            t += int(DAY_SECONDS * (1 + r() * 10))
            steps.append(("resumed", t, {"note": f"{reason}已完成，恢复办理"}))

        t += 1 + decide_gap
        if reject:
            steps.append(("rejected", t, {
                "result": "not_approved",
                "note": _REJECT_NOTES[int(r() * len(_REJECT_NOTES))]}))
            return steps
        steps.append(("approved", t, None))
        t += 1 + int(unit * w4)
        steps.append(("concluded", t, {
            "result": "approved", "pickup": g.pickups[int(r() * len(g.pickups))]}))
        return steps
