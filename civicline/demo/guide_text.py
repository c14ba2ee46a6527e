"""Guide text derived from an item's facts: fee wording, procedure steps and FAQs."""

from __future__ import annotations

from civicline.core.models import Faq, Material
from civicline.demo.content.common import (
    APPLY_STEP,
    COMMON_MATERIALS,
    FORMS,
    INSTANT_STEPS,
    TYPE_STEPS,
)
from civicline.demo.content.departments import Department


def parse_material(raw: str) -> Material:
    """A Material from "name|form|count|notes" (form a FORMS code) or "@key" of COMMON_MATERIALS."""
    if raw.startswith("@"):
        raw = COMMON_MATERIALS[raw[1:]]
    parts = raw.split("|")
    name = parts[0]
    form = FORMS.get(parts[1], parts[1]) if len(parts) > 1 and parts[1] else "原件"
    count = int(parts[2]) if len(parts) > 2 and parts[2] else 1
    notes = parts[3] if len(parts) > 3 and parts[3] else _default_note(name, form)
    return Material(name=name, form=form, count=count, notes=notes)


def _default_note(name: str, form: str) -> str:
    # Every material carries a note: what the window checks for that kind of document.
    if form == "电子件":
        return "PDF 或图片格式，在线上传"
    if name.endswith(("表", "申请书", "单")):
        return "窗口免费领取，也可在线下载填写"
    if form == "复印件":
        return "复印件注明“与原件一致”并签名或加盖公章"
    if any(word in name for word in ("制度", "方案", "预案", "报告", "图", "清单", "名册", "纪要")):
        return "加盖申请单位公章"
    if "证明" in name or "证书" in name or "证" in name[-2:]:
        return "现场核验原件"
    return "签名或盖章齐全"


def fee_text(fee: int, unit: str) -> str:
    """'不收费' for 0, otherwise the amount with its unit, e.g. '80元/件（住宅）'."""
    return "不收费" if fee <= 0 else f"{fee}{unit}"


def procedure(item_type: str, promised_days: int, legal_days: int, channel: str,
              extra_steps: tuple[str, ...]) -> tuple[str, ...]:
    """申请→受理→审查→决定→送达, with item-specific review steps and the time limit spelled out."""
    apply = APPLY_STEP.get(item_type, APPLY_STEP["公共服务"]).format(channel=channel)
    if promised_days == 0 and not extra_steps:
        return (apply, *INSTANT_STEPS)
    steps = list(TYPE_STEPS.get(item_type, TYPE_STEPS["公共服务"]))
    # Review is the second step except for filings, where 核对 is the review.
    review = 0 if item_type == "行政备案" else 1
    limit = f"，承诺{promised_days}个工作日内办结" if promised_days else "，当日办结"
    if legal_days:
        limit += f"（法定时限{legal_days}个工作日）"
    steps[review] += limit
    steps[review + 1:review + 1] = extra_steps
    return (apply, *steps)


def _in_person_only(title: str) -> bool:
    # Marriage and ID items need the applicant's face, signature or fingerprints at the window.
    return any(word in title for word in ("婚", "身份证", "护照", "通行证"))


def generated_faqs(title: str, dept: Department, promised_days: int, legal_days: int,
                   fee: str, materials: tuple[Material, ...], extra_steps: tuple[str, ...],
                   online_url: str, rotation: int) -> list[Faq]:
    """Item-specific FAQ candidates in a rotated order, so neighbouring guides differ."""
    if promised_days == 0:
        duration = "材料齐全、符合条件的当场办结。"
    else:
        duration = f"承诺{promised_days}个工作日内办结"
        duration += f"（法定时限{legal_days}个工作日）" if legal_days else ""
        paused = "、".join(step.split("：")[0] for step in extra_steps)
        excluded = f"{paused}及补正材料" if paused else "补正材料"
        duration += f"，{excluded}的时间不计入办理时限。"
    charge = "不收费。" if fee == "不收费" else f"收取{fee}，可使用微信、支付宝或银行卡缴纳。"
    if _in_person_only(title):
        proxy = "须本人到场办理，以便核验身份并现场签字或采集指纹、人像。"
        online = f"可以通过{dept.channel}网上预约，但须本人到窗口办理。"
    else:
        proxy = dept.proxy
        online = f"可以。通过{dept.channel}在线申请，也可登录 {online_url} 查看并在线申报。"
    names = "、".join(m.name for m in materials[:3])
    prepare = (f"主要有{names}等{len(materials)}项，详见材料清单；"
               "材料不全的，窗口会一次性告知需要补正的全部内容。")
    candidates = [
        Faq(f"办理{title}需要多长时间？", duration),
        Faq(f"办理{title}要交费吗？", charge),
        Faq("可以委托别人代办吗？", proxy),
        Faq(f"{title}可以网上办理吗？", online),
        Faq(f"办理{title}需要准备哪些材料？", prepare),
    ]
    start = rotation % len(candidates)
    return candidates[start:] + candidates[:start]
