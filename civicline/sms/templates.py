"""The SMS wording (Chinese, versioned) of every notify template id, with gateway codes.

Mainland gateways only send pre-approved templates, so a message is a template code plus
variables plus the signature: Twilio gets the rendered text, the gateway gets code and
variables. The version is stored on every message, so a change of wording is traceable.
Why a message is sent (its purpose) is the platform's: see civicline.notify.templates.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from civicline.notify.ports import RenderError
from civicline.sms.segments import MAINLAND_MAX_CHARS


class TemplateError(RenderError):
    """A template is unknown or a variable is missing: raised when queuing, never at send."""


@dataclass(frozen=True, slots=True)
class Template:
    code: str  # our code; the gateway's approved code is gateway_code
    version: int
    text: str
    gateway_code: str

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.text)
                         if name)

    def render(self, variables: dict[str, str]) -> str:
        missing = self.variables - variables.keys()
        if missing:
            raise TemplateError(f"template {self.code}: missing {', '.join(sorted(missing))}")
        return self.text.format_map(variables)


_ALL = (
    Template("case_accepted", 1, "您申请的{item_name}已受理，办件编号{case_no}，承诺{promised_date}"
             "前办结。查询进度请回复办件编号。", "SMS_CL_0001"),
    Template("case_supplement", 1, "您的办件{case_no}（{item_name}）需补正材料：{materials}。"
             "请携带材料到{window}办理。", "SMS_CL_0002"),
    Template("case_concluded", 1, "您的办件{case_no}（{item_name}）已办结，结果：{result}。"
             "{pickup}", "SMS_CL_0003"),
    Template("case_rejected", 1, "您的办件{case_no}（{item_name}）{result}，详情请回复办件编号"
             "查询或致电{office_phone}。", "SMS_CL_0004"),
    Template("case_suspended", 1, "您的办件{case_no}（{item_name}）进入特别程序，办理时限暂停"
             "计算。", "SMS_CL_0005"),
    Template("case_stage", 1, "您的办件{case_no}（{item_name}）当前环节：{stage}。", "SMS_CL_0006"),
    Template("staff_assigned", 1, "新办件待处理：{case_no}（{item_name}），环节：{stage}，"
             "期限{deadline}。", "SMS_CL_0101"),
    Template("staff_due_soon", 1, "【黄灯】办件{case_no}（{item_name}）将于{deadline}到期，"
             "剩余{days_left}个工作日。", "SMS_CL_0102"),
    Template("staff_overdue", 1, "【红灯】办件{case_no}（{item_name}）已超期{days_over}个工作日"
             "（期限{deadline}），请立即处理。", "SMS_CL_0103"),
    Template("reply", 1, "{content}", "SMS_CL_0900"),
    Template("stop_confirm", 1, "您已退订本服务短信，回复START可恢复。",
             "SMS_CL_0901"),
    Template("start_confirm", 1, "您已恢复接收本服务短信，回复TD退订。",
             "SMS_CL_0902"),
)
TEMPLATES: dict[str, Template] = {t.code: t for t in _ALL}


def get_template(code: str) -> Template:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise TemplateError(f"unknown template {code!r}") from None


def check_lengths(signature: str) -> None:
    """Every template's fixed text plus signature stays within the carriers' 500 characters."""
    for template in _ALL:
        fixed = string.Formatter().parse(template.text)
        length = sum(len(literal) for literal, *_ in fixed) + len(signature)
        if length > MAINLAND_MAX_CHARS:
            raise TemplateError(f"template {template.code}: {length} > {MAINLAND_MAX_CHARS}")
