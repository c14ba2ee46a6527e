"""The public JSON API, the ingest API and Open311, as aiohttp routes."""
