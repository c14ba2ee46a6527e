"""Stage and deadline-state enums, with their Chinese labels kept in one table."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """A step in a case's life; values are the wire names used by departments' systems."""

    ACCEPTED = "accepted"
    UNDERTAKEN = "undertaken"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    CONCLUDED = "concluded"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in FINAL_STAGES

    @property
    def pauses_clock(self) -> bool:
        return self in PAUSING_STAGES


STAGE_LABELS: dict[Stage, str] = {
    Stage.ACCEPTED: "受理",
    Stage.UNDERTAKEN: "承办",
    Stage.REVIEWED: "审核",
    Stage.APPROVED: "批准",
    Stage.CONCLUDED: "办结",
    Stage.SUPPLEMENT_REQUESTED: "补正",
    Stage.SUSPENDED: "特别程序",
    Stage.RESUMED: "恢复办理",
    Stage.REJECTED: "不予受理/不予许可",
    Stage.WITHDRAWN: "撤回",
}

# The five supervised steps, in order; used by channels to draw progress.
SUPERVISED_STEPS: tuple[Stage, ...] = (
    Stage.ACCEPTED,
    Stage.UNDERTAKEN,
    Stage.REVIEWED,
    Stage.APPROVED,
    Stage.CONCLUDED,
)
FINAL_STAGES = frozenset({Stage.CONCLUDED, Stage.REJECTED, Stage.WITHDRAWN})
PAUSING_STAGES = frozenset({Stage.SUPPLEMENT_REQUESTED, Stage.SUSPENDED})


class DeadlineState(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SERIOUSLY_OVERDUE = "seriously_overdue"
    PAUSED = "paused"
    FINISHED_ON_TIME = "finished_on_time"
    FINISHED_LATE = "finished_late"

    @property
    def label(self) -> str:
        return DEADLINE_LABELS[self]


DEADLINE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.NORMAL: "正常",
    DeadlineState.DUE_SOON: "即将到期",
    DeadlineState.OVERDUE: "已超期",
    DeadlineState.SERIOUSLY_OVERDUE: "严重超期",
    DeadlineState.PAUSED: "计时暂停",
    DeadlineState.FINISHED_ON_TIME: "按期办结",
    DeadlineState.FINISHED_LATE: "超期办结",
}


class CaseResult(StrEnum):
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"

    @property
    def label(self) -> str:
        return "准予许可" if self is CaseResult.APPROVED else "不予许可"


class ApplicantKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
