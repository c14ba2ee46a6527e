"""Masking of personal data for public answers and logs."""

from __future__ import annotations

import re

from civicline.core.stages import ApplicantKind

# Suffixes kept visible on organisation names so the citizen still recognises the kind of body.
_ORG_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "合作社", "事务所", "研究院", "集团",
    "个体工商户", "中心", "协会", "商行", "门诊部", "医院", "学校", "酒店", "餐厅",
    "店", "厂", "部",
)
_PHONE_RE = re.compile(r"(\+?\d{0,3})?(1\d{2})\d{4}(\d{4})")


def mask_person(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; Latin names keep their first letter."""
    name = name.strip()
    if len(name) <= 1:
        return name or "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_organisation(name: str) -> str:
    """茂名市信宜食品有限公司 → 茂名市***有限公司: keep the place prefix and the legal suffix."""
    name = name.strip()
    suffix = next((s for s in _ORG_SUFFIXES if name.endswith(s) and len(name) > len(s)), "")
    head = name[: len(name) - len(suffix)]
    place_end = 0
    for marker in ("市", "县", "区", "省"):
        idx = head.find(marker)
        if 0 <= idx < 6:
            place_end = max(place_end, idx + 1)
    place = head[:place_end]
    return f"{place}***{suffix}" if place or suffix else mask_person(name)


def mask_applicant(name: str, kind: ApplicantKind) -> str:
    return mask_organisation(name) if kind is ApplicantKind.ORGANISATION else mask_person(name)


def mask_phone(phone: str) -> str:
    """13800000000 → 138****0000; anything else keeps its last 4 characters only."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 11:
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if len(digits) >= 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****" if phone else ""


def redact_phones(text: str) -> str:
    """Mask every mainland mobile number inside free text (for logs)."""
    return _PHONE_RE.sub(lambda m: f"{m.group(2)}****{m.group(3)}", text)
