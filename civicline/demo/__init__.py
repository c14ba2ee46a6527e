"""Demo data: the real service-item guides, synthetic guides and generated case events."""

from __future__ import annotations

from civicline.demo.cases import generate_case_events
from civicline.demo.guides import demo_guides
from civicline.demo.synthetic import synthetic_guides

__all__ = ["demo_guides", "generate_case_events", "synthetic_guides"]
