"""A Telegram update as a MessengerInput. Pure (reads the PTB `Update` only).

A message update, as Telegram posts it to the webhook:

    {"update_id": 10001,
     "message": {"message_id": 7, "date": 1795000000, "text": "/status 440920261127000123",
                 "chat": {"id": 5550001, "type": "private"},
                 "from": {"id": 5550001, "is_bot": false, "first_name": "小明"}}}
"""

from __future__ import annotations

from telegram import Update

from civicline.channels.messenger.model import InputKind, MessengerInput


def parse_update(update: Update) -> MessengerInput | None:
    """What the update asks; None for what needs no answer (groups, member changes …)."""
    message_id = f"u{update.update_id}"  # Telegram re-posts an update until we answer 2xx
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != "private":
            return None
        chat_id = str(chat.id if chat is not None else query.from_user.id)
        return MessengerInput(InputKind.CHOICE, chat_id, text=query.data or "",
                              message_id=message_id)
    message = update.message or update.edited_message
    if message is None:
        return None
    if message.chat.type != "private":
        # Only private chats: state (a verified phone above all) belongs to one person.
        return None
    chat_id = str(message.chat.id)
    if message.contact is not None:
        sender = message.from_user
        own = (message.contact.user_id is not None and sender is not None
               and message.contact.user_id == sender.id)
        return MessengerInput(InputKind.CONTACT, chat_id, phone=message.contact.phone_number,
                              own_contact=own, message_id=message_id)
    text = message.text
    if text is None:
        return MessengerInput(InputKind.UNSUPPORTED, chat_id, message_id=message_id)
    if text.startswith("/"):
        head, *args = text.split()
        command = head[1:].split("@", 1)[0].lower()  # /status@CivicBot in a menu tap
        return MessengerInput(InputKind.COMMAND, chat_id, command=command, args=tuple(args),
                              message_id=message_id)
    return MessengerInput(InputKind.TEXT, chat_id, text=text, message_id=message_id)
