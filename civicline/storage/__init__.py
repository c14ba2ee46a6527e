"""Storage adapters implementing the core's ports. The embedded default is one SQLite file."""
