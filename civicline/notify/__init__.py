"""Outbound notifications for every channel: contact points, the durable outbox, the notifier,
the dispatcher (one lane per channel), the sweeper, and people with their fallback plans.

Channels plug in through `ports.ChannelSender` and `ports.ChannelState`; nothing here imports
a channel, a storage module or the settings.
"""
