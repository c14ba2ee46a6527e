"""Content tables behind the demo guides: shared defaults, departments and per-item entries."""

from __future__ import annotations

from civicline.demo.content import items_business, items_citizen, items_land, items_sector
from civicline.demo.content.spec import ItemSpec

ITEM_SPECS: dict[str, ItemSpec] = {
    **items_business.ITEMS,
    **items_land.ITEMS,
    **items_citizen.ITEMS,
    **items_sector.ITEMS,
}
