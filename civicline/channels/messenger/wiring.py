"""A messenger's conversation over the app's services and the shared messenger state."""

from __future__ import annotations

from civicline.channels.messenger.conversation import ConversationSettings, MessengerConversation
from civicline.services import Services
from civicline.storage.messenger_sqlite import SqliteMessengerState


def open_conversation(settings: ConversationSettings, services: Services
                      ) -> MessengerConversation:
    """The conversation of one messenger channel; its state lives in migration 009's tables."""
    return MessengerConversation(settings, services.query, SqliteMessengerState(services.db),
                                 services.clock, services.queue)
