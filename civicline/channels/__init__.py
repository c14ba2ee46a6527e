"""Messenger-style channels (Telegram …), the adapter protocol, and the channel registry."""
