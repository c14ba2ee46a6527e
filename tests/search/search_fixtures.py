"""Guides for the search tests: the demo guides when present, else minimal ones from the CSV."""

from __future__ import annotations

import csv
from importlib import resources

from civicline.core.models import Guide


def csv_guides() -> list[Guide]:
    """One bare guide per service item (title, department, item type), ids from 1001."""
    text = (resources.files("civicline.demo") / "data" / "service_items.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return [Guide(id=str(1001 + i), title=row["item_name"], department=row["department"],
                  item_type=row["item_type"]) for i, row in enumerate(rows)]


def fixture_guides() -> list[Guide]:
    """demo_guides() once civicline.demo.guides exists; the CSV guides until then."""
    try:
        from civicline.demo.guides import demo_guides  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return csv_guides()
    guides: list[Guide] = demo_guides()
    return guides
