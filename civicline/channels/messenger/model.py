"""What a messenger update means, and what the shared conversation answers: pure data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from civicline.core.answer import Answer


class InputKind(StrEnum):
    TEXT = "text"  # free text: intents as on SMS
    COMMAND = "command"  # /status 4409… 654321 (Telegram) or a menu click key (WeChat)
    CHOICE = "choice"  # a pressed button: its opaque data ("g:1001", "d:2:1")
    CONTACT = "contact"  # a shared phone contact
    FOLLOW = "follow"  # the chat subscribed to the account (WeChat subscribe event)
    UNFOLLOW = "unfollow"  # the chat left (WeChat unsubscribe): opt out
    UNSUPPORTED = "unsupported"  # stickers, photos, voice …: answered with help


@dataclass(frozen=True, slots=True)
class MessengerInput:
    kind: InputKind
    chat_id: str  # where replies go; also the address state is kept under
    text: str = ""  # TEXT; the button data for CHOICE
    command: str = ""  # COMMAND: its name without the slash, lower case
    args: tuple[str, ...] = ()  # COMMAND: the words after it
    phone: str = ""  # CONTACT
    # CONTACT only: the platform vouches the phone is the sender's own (Telegram: the
    # contact's user_id equals the sender's). A forwarded contact is never verified.
    own_contact: bool = False
    message_id: str = ""  # platform id for de-duplication ("" when the platform has none)


class ActionKind(StrEnum):
    CHOICE = "choice"  # a button whose data comes back as a CHOICE input
    SHARE_CONTACT = "share_contact"  # ask the platform to share the user's own phone
    URL = "url"  # opens a page


@dataclass(frozen=True, slots=True)
class Action:
    label: str
    kind: ActionKind = ActionKind.CHOICE
    data: str = ""  # CHOICE: at most 64 bytes (Telegram's callback_data limit); URL: the url


@dataclass(frozen=True, slots=True)
class Reply:
    """The conversation's answer: a core Answer (or a fixed text) plus the actions offered.

    Each messenger renders it within its own limits; rows of actions become inline keyboards
    on Telegram and a numbered list on WeChat's passive replies."""

    answer: Answer | None = None
    text: str = ""  # a fixed message of the conversation (welcome, confirmations)
    actions: tuple[tuple[Action, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str = ""  # callback data
    url: str = ""
    request_contact: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    """A link card (WeChat news item; Telegram renders it as a text link)."""

    title: str
    description: str
    url: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    article: Article | None = None
    html: bool = False  # text is the platform's HTML subset, already escaped


Update_contra = TypeVar("Update_contra", contravariant=True)


class MessengerAdapter(Protocol[Update_contra]):
    """What a messenger implements: both pure, both table-tested."""

    channel: str

    def parse(self, update: Update_contra) -> MessengerInput | None:
        """What the update asks for; None for updates that need no answer (our own echo)."""
        ...

    def render(self, reply: Reply) -> list[OutgoingMessage]:
        """The messages that show `reply` within the platform's limits."""
        ...
