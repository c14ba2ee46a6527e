"""Channel-neutral message templates: ids and their purpose; each channel has the wording.

A message is queued as (contact point, template id, variables); the channel of the contact
point renders it at once, so a missing variable fails when queuing, never at send, and the
rendered text is kept for operators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from civicline.notify.model import PRIORITY, ContactPoint, NewMessage, Purpose
from civicline.notify.ports import Rendered, RenderError

PURPOSES: dict[str, Purpose] = {
    "case_accepted": Purpose.REMINDER, "case_supplement": Purpose.REMINDER,
    "case_concluded": Purpose.REMINDER, "case_rejected": Purpose.REMINDER,
    "case_suspended": Purpose.REMINDER, "case_stage": Purpose.REMINDER,
    "staff_assigned": Purpose.STAFF, "staff_due_soon": Purpose.STAFF,
    "staff_overdue": Purpose.STAFF_URGENT,
    "reply": Purpose.REPLY, "stop_confirm": Purpose.REPLY, "start_confirm": Purpose.REPLY,
}
# The one confirmation of an opt-out change goes even to an address that has opted out.
OPT_OUT_CONFIRMATIONS = frozenset({"stop_confirm", "start_confirm"})

Render = Callable[[str, Mapping[str, str]], Rendered]


def purpose_of(template: str) -> Purpose:
    try:
        return PURPOSES[template]
    except KeyError:
        raise RenderError(f"unknown template {template!r}") from None


def compose(render: Render, to: ContactPoint, template: str, variables: Mapping[str, str],
            dedupe: str, not_before: float | None = None) -> NewMessage:
    """A message for the outbox, rendered by `to`'s channel; raises RenderError here."""
    purpose = purpose_of(template)
    rendered = render(template, variables)
    return NewMessage(dedupe_key=f"{dedupe}|{to}|{template}", to=to, template=template,
                      version=rendered.version, variables=dict(variables), body=rendered.body,
                      purpose=purpose, priority=PRIORITY[purpose], not_before=not_before)


class Composer:
    """Messages for any registered channel, rendered by that channel."""

    def __init__(self, renderers: Mapping[str, Render]) -> None:
        self.renderers = dict(renderers)

    def message(self, to: ContactPoint, template: str, variables: Mapping[str, str],
                dedupe: str, not_before: float | None = None) -> NewMessage:
        render = self.renderers.get(to.channel)
        if render is None:
            raise RenderError(f"no sender for channel {to.channel!r} ({to.masked})")
        return compose(render, to, template, variables, dedupe, not_before)
