"""The messenger adapter protocol shared by Telegram, WeChat and any further messenger.

A messenger implements `MessengerAdapter` (parse an update, render a reply) in its own folder;
the conversation (intents, menus, codes, subscriptions, opt-out) and its state are shared.
"""
