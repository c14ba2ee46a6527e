"""A conversation Reply as Telegram messages: HTML text within 4,096 characters, inline
keyboards, and the reply keyboard that asks for the user's own contact. Pure."""

from __future__ import annotations

from html import escape

from civicline.channels.messenger.model import (
    Action,
    ActionKind,
    Button,
    OutgoingMessage,
    Reply,
)
from civicline.channels.messenger.text import answer_text, cut

MAX_TEXT = 4096  # Bot API sendMessage limit, counted after entity parsing
MAX_CALLBACK_BYTES = 64  # Bot API callback_data limit
MAX_BUTTON_LABEL = 40  # longer labels are cut on phones anyway
MAX_KEYBOARD_ROWS = 20
CONTACT_PROMPT = "分享本人手机号后，可直接查看您本人办件的详情："


def render(reply: Reply, base_url: str) -> list[OutgoingMessage]:
    """The messages for `reply`: text split at line ends when longer than one message."""
    paragraphs: list[str] = []
    if reply.text:
        paragraphs.append(escape(reply.text))
    if reply.answer is not None:
        shown = answer_text(reply.answer, base_url)
        paragraphs.append(f"<b>{escape(shown.title)}</b>")
        paragraphs.extend(escape(line) for line in shown.lines)
        paragraphs.extend(f'<a href="{escape(url)}">{escape(label)}</a>'
                          for label, url in shown.links)
    chunks = _split(paragraphs)
    buttons = _keyboard(reply.actions)
    # One message carries one keyboard: inline buttons, or the reply keyboard that shares a
    # contact (Telegram offers request_contact only there), which then comes on its own.
    contact = tuple(row for row in buttons if any(b.request_contact for b in row))
    inline = tuple(row for row in buttons if not any(b.request_contact for b in row))
    messages = [OutgoingMessage(chunk, inline if i == len(chunks) - 1 else (), html=True)
                for i, chunk in enumerate(chunks)]
    if contact:
        messages.append(OutgoingMessage(escape(CONTACT_PROMPT), contact, html=True))
    return messages


def _split(paragraphs: list[str]) -> list[str]:
    """Paragraphs joined into messages of at most MAX_TEXT characters (markup never cut)."""
    chunks: list[str] = []
    current = ""
    for paragraph in paragraphs:
        if len(paragraph) > MAX_TEXT:
            # One escaped paragraph too long for a message (a 5,000-character echo): plain cut
            # at a character that is not inside an entity.
            paragraph = cut(paragraph, MAX_TEXT - 1)
            while paragraph.rfind("&") > paragraph.rfind(";"):
                paragraph = paragraph[: paragraph.rfind("&")] + "…"
        joined = f"{current}\n{paragraph}" if current else paragraph
        if len(joined) <= MAX_TEXT:
            current = joined
        else:
            chunks.append(current)
            current = paragraph
    if current or not chunks:
        chunks.append(current or " ")
    return chunks


def _keyboard(actions: tuple[tuple[Action, ...], ...]) -> tuple[tuple[Button, ...], ...]:
    rows = []
    for row in actions[:MAX_KEYBOARD_ROWS]:
        buttons = tuple(b for b in (_button(a) for a in row) if b is not None)
        if buttons:
            rows.append(buttons)
    return tuple(rows)


def _button(action: Action) -> Button | None:
    label = cut(action.label, MAX_BUTTON_LABEL)
    if action.kind is ActionKind.SHARE_CONTACT:
        return Button(label, request_contact=True)
    if action.kind is ActionKind.URL:
        return Button(label, url=action.data)
    if not action.data or len(action.data.encode()) > MAX_CALLBACK_BYTES:
        return None  # Telegram would reject the whole message
    return Button(label, data=action.data)
