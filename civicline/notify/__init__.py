"""Outbound notifications: the durable outbox, the notifier, the dispatcher and the sweeper."""
