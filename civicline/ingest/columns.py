"""The column spec of the standard spreadsheets: headers, required columns, accepted values."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from civicline.core.stages import STAGE_LABELS, ApplicantKind, CaseResult, Stage


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `key` is the field name (also accepted as header), `header` the Chinese one."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return f"{self.header} ({self.key})"


# One row per event. applicant_* and handler_* are flattened from the wire's nested objects.
CASE_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "事件编号", required=True),
    Column("case_no", "办件编号", required=True),
    Column("stage", "办理环节", required=True),
    Column("occurred_at", "发生时间", required=True),
    Column("department", "部门"),
    Column("item_name", "事项名称"),
    Column("applicant_name", "申请人"),
    Column("applicant_kind", "申请人类型"),
    Column("applicant_phone", "申请人电话"),
    Column("applicant_id_number", "证件号码"),
    Column("query_code", "查询码"),
    Column("promised_days", "承诺时限"),
    Column("handler_name", "经办人"),
    Column("handler_phone", "经办人电话"),
    Column("handler_role", "经办人角色"),
    Column("confidential", "是否涉密"),
    Column("window", "窗口"),
    Column("office_phone", "咨询电话"),
    Column("fee", "收费"),
    Column("result", "办理结果"),
    Column("pickup", "领取方式"),
    Column("guide_id", "指南编号"),
    Column("missing_materials", "补正材料"),
    Column("note", "备注"),
)

# One guide per row; keys are Guide field names.
GUIDE_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", required=True, aliases=("指南编号",)),
    Column("title", "事项名称", required=True),
    Column("department", "实施部门", required=True, aliases=("部门",)),
    Column("item_type", "事项类型"),
    Column("legal_basis", "设定依据"),
    Column("conditions", "受理条件"),
    Column("materials", "申请材料"),
    Column("procedure", "办理流程"),
    Column("legal_days", "法定时限"),
    Column("promised_days", "承诺时限"),
    Column("fee", "收费标准"),
    Column("window", "办理窗口"),
    Column("location", "办理地点"),
    Column("office_hours", "办理时间"),
    Column("phone", "咨询电话"),
    Column("faqs", "常见问题"),
    Column("online_url", "网上办理"),
    Column("life_events", "人生事件"),
    Column("aliases", "别名"),
    Column("keywords", "关键词"),
    Column("version", "版本"),
    Column("updated_at", "更新时间"),
)

# Wire field named by InvalidInput -> case column key.
CASE_FIELD_COLUMN: dict[str, str] = {
    "applicant": "applicant_name",
    "applicant.name": "applicant_name",
    "applicant.kind": "applicant_kind",
    "applicant.phone": "applicant_phone",
    "applicant.id_number": "applicant_id_number",
    "handler": "handler_name",
    "handler.name": "handler_name",
    "handler.phone": "handler_phone",
    "handler.role": "handler_role",
}


def header_key(text: str) -> str:
    """Header/label comparison form: width-folded, case-folded, without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _label_table(pairs: dict[str, str]) -> dict[str, str]:
    return {header_key(label): value for label, value in pairs.items()}


STAGE_VALUES: dict[str, str] = _label_table(
    {stage.value: stage.value for stage in Stage}
    | {label: stage.value for stage, label in STAGE_LABELS.items()}
    | {"不予受理": Stage.REJECTED.value, "不予许可": Stage.REJECTED.value}
)
KIND_VALUES: dict[str, str] = _label_table(
    {kind.value: kind.value for kind in ApplicantKind}
    | {"个人": "person", "自然人": "person",
       "企业": "organisation", "单位": "organisation", "法人": "organisation"}
)
RESULT_VALUES: dict[str, str] = _label_table(
    {r.value: r.value for r in CaseResult} | {"准予许可": "approved", "不予许可": "not_approved"}
)
BOOL_VALUES: dict[str, bool] = {
    header_key(k): v
    for k, v in {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
                 "yes": True, "no": False}.items()
}


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Which cell index holds which column; `names` keeps each header as written in the file."""

    index: dict[str, int]
    names: dict[str, str]
    unknown: tuple[str, ...]
    duplicated: tuple[str, ...]

    def missing(self, columns: Sequence[Column]) -> list[Column]:
        return [c for c in columns if c.required and c.key not in self.index]


def match_header(cells: Sequence[object], columns: Sequence[Column]) -> HeaderMatch:
    """Map header cells to columns by key, Chinese header or alias (also `中文 (key)` headers)."""
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.key, column.header, column.shown, *column.aliases):
            lookup[header_key(name)] = column.key
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        key = lookup.get(header_key(text))
        if key is None:
            unknown.append(text)
        elif key in index:
            duplicated.append(text)
        else:
            index[key] = i
            names[key] = text
    return HeaderMatch(index, names, tuple(unknown), tuple(duplicated))
