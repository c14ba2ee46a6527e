"""The compact record each content table uses to describe one service item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """Item-specific guide content; materials are raw specs (see `guides.parse_material`)."""

    law: str
    conditions: tuple[str, ...]
    materials: tuple[str, ...]
    aliases: tuple[str, ...]
    life_events: tuple[str, ...]
    faqs: tuple[tuple[str, str], ...] = ()
    keywords: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # extra review steps (现场核查, 专家评审...) inserted after 审查
    fee_unit: str = "元/件"


def _split(text: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


def spec(
    law: str,
    conditions: str,
    materials: str,
    aliases: str,
    life: str,
    *,
    faqs: tuple[tuple[str, str], ...] = (),
    kw: str = "",
    steps: str = "",
    unit: str = "元/件",
) -> ItemSpec:
    """Build an ItemSpec from one-line texts: lists split on "；", names on "，"."""
    return ItemSpec(
        law=law,
        conditions=_split(conditions, "；"),
        materials=_split(materials, "；"),
        aliases=_split(aliases, "，"),
        life_events=_split(life, "，"),
        faqs=faqs,
        keywords=_split(kw, "，"),
        steps=_split(steps, "；"),
        fee_unit=unit,
    )
