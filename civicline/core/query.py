"""The query service: the one entry point every channel calls.

Channels pass what was asked plus who is asking; they get back a channel-neutral Answer.
Every privacy rule (views, confidential cases, lockout, rate limits, audit) is applied here,
so it holds identically on SMS, voice, chat, WAP, kiosk and the API.
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from civicline.core.answer import Answer, AnswerKind, Choice, Fact, Importance, Link, LinkKind
from civicline.core.deadlines import compute_deadline
from civicline.core.intents import Intent, parse_text
from civicline.core.masking import mask_applicant
from civicline.core.models import Case, Guide
from civicline.core.normalize import clean_case_no, clean_query_code, normalize_text
from civicline.core.policy import DeadlinePolicy, QueryPolicy
from civicline.core.ports import (
    AuditLog,
    CaseStore,
    Clock,
    CodeAttempts,
    Disclosure,
    GuideHit,
    GuideSearch,
    GuideStore,
    RateLimiter,
    SearchPage,
)
from civicline.core.views import SHANGHAI, build_case_view, case_facts
from civicline.core.workdays import WorkCalendar

log = logging.getLogger("civicline.query")
MAX_QUERY_CHARS = 200  # longer free text is cut before any work is done


@dataclass(frozen=True, slots=True)
class Asker:
    """Who is asking: the channel, an opaque sender id, and a phone number only when verified."""

    channel: str
    sender_id: str
    phone: str | None = None


@lru_cache(maxsize=10_000)
def address_asker(channel: str, address: str) -> Asker:
    """The asker of a web channel, known by its client address only: immutable, so one per
    address is shared by its requests instead of built for each."""
    return Asker(channel=channel, sender_id=address)


@dataclass(frozen=True, slots=True)
class PublishedResult:
    """One row of the publication list (办结公示): masked, never confidential."""

    case_no: str
    item_name: str
    department: str
    masked_applicant: str
    result_label: str
    concluded_at: datetime


@dataclass(frozen=True, slots=True)
class DepartmentInfo:
    name: str
    guide_count: int


def _digits(phone: str) -> str:
    """The last 11 digits: a mainland mobile number with or without +86, spaces or dashes."""
    tail = phone[-11:]
    if tail.isascii() and tail.isdigit():
        return tail  # the usual E.164 or bare number: no regex on the per-message path
    return re.sub(r"\D", "", phone)[-11:]


def help_answer() -> Answer:
    return Answer(
        kind=AnswerKind.HELP,
        title="市政务服务中心 查询服务",
        facts=(
            Fact("lookup", "查办件", "发送办件编号查询进度；编号后加空格和6位查询码可看详情",
                 Importance.ESSENTIAL),
            Fact("guide", "查指南", "发送“指南+事项名称”，如：指南 结婚登记", Importance.ESSENTIAL),
            Fact("hint", "提示", "查询码印在受理回执上，请勿告诉他人", Importance.NORMAL),
        ),
        next_steps=("例：440920261127000123 123456", "例：指南 营业执照"),
    )


class QueryService:
    """Answers case lookups, guide searches and help for every channel."""

    def __init__(
        self,
        *,
        cases: CaseStore,
        guides: GuideStore,
        search: GuideSearch | None,
        audit: AuditLog,
        attempts: CodeAttempts,
        limiter: RateLimiter,
        calendar: WorkCalendar,
        policy: QueryPolicy,
        deadlines: DeadlinePolicy,
        clock: Clock,
    ) -> None:
        self.cases = cases
        self.guides = guides
        self.search = search
        self.audit = audit
        self.attempts = attempts
        self.limiter = limiter
        self.calendar = calendar
        self.policy = policy
        self.deadlines = deadlines
        self.clock = clock

    # -- free text ---------------------------------------------------------------------------

    async def ask(self, text: str, asker: Asker, code: str | None = None) -> Answer:
        """Answer free text: a case number (optionally with its code), guide words, or help."""
        parsed = parse_text(text[: MAX_QUERY_CHARS * 2])
        if parsed.intent is Intent.CASE_LOOKUP:
            if parsed.whole_case_no and await self.cases.get(parsed.whole_case_no):
                return await self.lookup_case(parsed.whole_case_no, asker, code=code)
            return await self.lookup_case(parsed.case_no, asker, code=parsed.code or code)
        if parsed.intent is Intent.GUIDE_DETAIL:
            return await self.guide_detail(parsed.text)
        if parsed.intent is Intent.GUIDE_SEARCH:
            return await self.search_guides(parsed.text, asker)
        return help_answer()

    # -- cases -------------------------------------------------------------------------------

    async def lookup_case(self, case_no: str, asker: Asker, code: str | None = None) -> Answer:
        """Public view, full view with the right code or the registered phone, or a refusal."""
        if not await self.limiter.allow(f"lookup:{asker.channel}:{asker.sender_id}"):
            return Answer(AnswerKind.RATE_LIMITED, "查询过于频繁，请稍后再试",
                          retry_after_seconds=60)
        key = clean_case_no(case_no)
        if key is None:
            return Answer(AnswerKind.INVALID, "办件编号格式不正确",
                          next_steps=("办件编号由数字和字母组成，印在受理回执上",))
        case = await self.cases.get(key)
        if case is None:
            return self._not_found(key)
        clean_code = clean_query_code(code) if code else None
        if code and clean_code is None:
            clean_code = "!"  # a malformed code is a wrong code, and counts as one
        if clean_code:
            return await self._lookup_with_code(case, key, clean_code, asker, self.clock())
        if asker.phone and case.applicant.phone and _digits(asker.phone) == _digits(
                case.applicant.phone):
            return await self._full(case, key, asker, self.clock(), reason="registered_phone")
        if case.confidential:
            return self._not_found(key)
        return self._case_answer(case, self.clock(), full=False)

    async def _lookup_with_code(self, case: Case, key: str, code: str, asker: Asker,
                                now: datetime) -> Answer:
        window_start = now - timedelta(minutes=self.policy.lockout_window_minutes)
        failures = await self.attempts.failures_since(key, window_start)
        if len(failures) >= self.policy.lockout_attempts:
            # Locked for lockout_minutes after the attempt that filled the window.
            locked_until = failures[-1] + timedelta(minutes=self.policy.lockout_minutes)
            if locked_until > now:
                return self._locked(case, key, now, locked_until)
        if case.query_code and hmac.compare_digest(case.query_code, code):
            return await self._full(case, key, asker, now, reason="query_code")
        await self.attempts.record_failure(key, now)
        log.info("query_code_wrong", extra={"case": key, "channel": asker.channel})
        if case.confidential:
            return self._not_found(key)
        answer = self._case_answer(case, now, full=False)
        if len(failures) + 1 >= self.policy.lockout_attempts:
            return self._locked(case, key, now,
                                now + timedelta(minutes=self.policy.lockout_minutes))
        return Answer(
            kind=AnswerKind.WRONG_CODE, title="查询码不正确，以下为公开信息",
            facts=answer.facts, case=answer.case, links=answer.links,
            next_steps=("请核对受理回执上的6位查询码",),
        )

    def _locked(self, case: Case, key: str, now: datetime, until: datetime) -> Answer:
        if case.confidential:
            return self._not_found(key)
        public = self._case_answer(case, now, full=False)
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        return Answer(
            kind=AnswerKind.CASE_LOCKED,
            title="该办件查询码尝试次数过多，已暂停验证",
            facts=public.facts, case=public.case, links=public.links,
            next_steps=(f"请约 {minutes} 分钟后再试，或携带身份证件到窗口查询",),
            retry_after_seconds=minutes * 60,
        )

    def _not_found(self, key: str) -> Answer:
        # Identical for unknown and confidential cases: nothing reveals that a case exists.
        return Answer(
            kind=AnswerKind.CASE_NOT_FOUND, title="未查到该办件",
            facts=(Fact("case_no", "办件编号", key, Importance.ESSENTIAL),),
            next_steps=("请核对办件编号；涉密办件需提供查询码",),
        )

    async def _full(self, case: Case, key: str, asker: Asker, now: datetime, reason: str
                    ) -> Answer:
        await self.audit.record(Disclosure(now, key, asker.channel, asker.sender_id, reason))
        return self._case_answer(case, now, full=True)

    def _case_answer(self, case: Case, now: datetime, *, full: bool) -> Answer:
        deadline = compute_deadline(
            case, now, self.calendar,
            self.deadlines,
        )
        view = build_case_view(case, deadline, full=full)
        links = [Link(LinkKind.CASE, view.case_no, "办件详情")]
        if case.guide_id:
            links.append(Link(LinkKind.GUIDE, case.guide_id, "办事指南"))
        return Answer(
            kind=AnswerKind.CASE_FULL if full else AnswerKind.CASE_PUBLIC,
            title=f"{view.item_name}：{view.stage_label}",
            facts=case_facts(view),
            case=view,
            links=tuple(links),
            next_steps=() if full else ("提供6位查询码可查看办理详情",),
        )

    # -- guides ------------------------------------------------------------------------------

    async def search_guides(self, query: str, asker: Asker, *, department: str | None = None,
                            life_event: str | None = None, page: int = 1,
                            page_size: int = 10) -> Answer:
        """Guide search; empty words with a filter list that department's or event's guides."""
        if not await self.limiter.allow(f"search:{asker.channel}:{asker.sender_id}", 0.2):
            return Answer(AnswerKind.RATE_LIMITED, "查询过于频繁，请稍后再试",
                          retry_after_seconds=60)
        words = normalize_text(query)[:MAX_QUERY_CHARS]
        page = max(1, min(page, 1000))
        page_size = max(1, min(page_size, 50))
        if not words:
            # No words: browse (by department or life event, or everything), in id order.
            listed = await self.guides.list_guides(department=department, life_event=life_event)
            start = (page - 1) * page_size
            result = SearchPage(total=len(listed), hits=tuple(
                _hit(g) for g in listed[start:start + page_size]))
        elif self.search is None:
            result = SearchPage(total=0, hits=())
        else:
            result = self.search.search(words, department=department, life_event=life_event,
                                        page=page, page_size=page_size)
        if not result.hits:
            return Answer(
                AnswerKind.NO_RESULTS, f"未找到与“{words}”相关的办事指南" if words else "暂无指南",
                did_you_mean=result.did_you_mean, page=page,
                next_steps=(f"您是不是要找：{result.did_you_mean}",) if result.did_you_mean
                else ("请换个说法试试，如：结婚登记、营业执照",),
            )
        return Answer(
            kind=AnswerKind.GUIDE_LIST,
            title=f"为您找到 {result.total} 项办事指南",
            hits=result.hits,
            total=result.total,
            page=page,
            did_you_mean=result.did_you_mean,
            choices=tuple(Choice(str(i), hit.title, hit.guide_id)
                          for i, hit in enumerate(result.hits, start=1)),
            links=tuple(Link(LinkKind.GUIDE, hit.guide_id, hit.title) for hit in result.hits),
        )

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        words = normalize_text(prefix)[:50]
        if not words or self.search is None:
            return []
        return self.search.suggest(words, limit=max(1, min(limit, 10)))

    async def guide_detail(self, guide_id: str) -> Answer:
        guide = await self.guides.get(guide_id.strip()) if guide_id.strip() else None
        if guide is None:
            return Answer(AnswerKind.GUIDE_NOT_FOUND, "未找到该办事指南",
                          next_steps=("请发送“指南+事项名称”重新查询",))
        return guide_answer(guide)

    async def guide(self, guide_id: str) -> Guide | None:
        return await self.guides.get(guide_id)

    async def departments(self) -> list[DepartmentInfo]:
        return [DepartmentInfo(name, count) for name, count in await self.guides.departments()]

    async def life_events(self) -> list[tuple[str, int]]:
        """Life events named by the current guides with their guide counts, first-seen order."""
        counts: dict[str, int] = {}
        for guide in await self.guides.list_guides():
            for event in guide.life_events:
                counts[event] = counts.get(event, 0) + 1
        return list(counts.items())

    # -- publication -------------------------------------------------------------------------

    async def published_results(self, day: date | None = None,
                                departments: list[str] | None = None, *, page: int = 1,
                                page_size: int | None = None) -> list[PublishedResult]:
        """Concluded cases of a day (Asia/Shanghai), masked; confidential ones never appear."""
        day = day or self.clock().astimezone(SHANGHAI).date()
        size = page_size or self.policy.results_page_size
        cases = await self.cases.concluded_on(day, departments, limit=size,
                                              offset=(max(1, page) - 1) * size)
        return [
            PublishedResult(
                case_no=c.case_no, item_name=c.item_name, department=c.department,
                masked_applicant=mask_applicant(c.applicant.name, c.applicant.kind),
                result_label=c.result.label if c.result else "",
                concluded_at=(c.concluded_at or c.updated_at).astimezone(SHANGHAI),
            )
            for c in cases if not c.confidential
        ]


def _hit(guide: Guide) -> GuideHit:
    return GuideHit(guide.id, guide.title, guide.department, "", 0.0)


def guide_answer(guide: Guide) -> Answer:
    """A guide's summary facts (time limit, fee, window…), most important first."""
    materials = "；".join(
        f"{m.name}（{m.form}{m.count}份）" if m.count > 1 else f"{m.name}（{m.form}）"
        for m in guide.materials
    )
    facts = [
        Fact("title", "事项名称", guide.title, Importance.ESSENTIAL),
        Fact("department", "实施部门", guide.department, Importance.HIGH),
        Fact("promised_days", "承诺时限",
             f"{guide.promised_days} 个工作日" if guide.promised_days else "即办",
             Importance.ESSENTIAL),
        Fact("materials", "申请材料", materials or "无", Importance.HIGH),
        Fact("window", "办理窗口", "，".join(x for x in (guide.location, guide.window) if x),
             Importance.HIGH),
        Fact("fee", "收费标准", guide.fee, Importance.NORMAL),
        Fact("office_hours", "办理时间", guide.office_hours, Importance.LOW),
        Fact("phone", "咨询电话", guide.phone, Importance.NORMAL),
        Fact("legal_days", "法定时限", f"{guide.legal_days} 个工作日", Importance.LOW),
    ]
    links = [Link(LinkKind.GUIDE, guide.id, "完整指南")]
    if guide.online_url:
        links.append(Link(LinkKind.EXTERNAL, guide.online_url, "网上办理"))
    return Answer(AnswerKind.GUIDE_DETAIL, guide.title, facts=tuple(facts), guide=guide,
                  links=tuple(links))
