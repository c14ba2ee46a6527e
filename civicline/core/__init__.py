"""The hub: domain model, query service, event bus and ports.

Imports no channel and no aiohttp.web.
"""
