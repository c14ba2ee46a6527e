"""Local fakes standing in for external services, on loopback only."""
