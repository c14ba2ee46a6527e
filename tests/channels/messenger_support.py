"""What the messenger tests share: services over a seeded SQLite file (one case, three guides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from civicline.core.clock import FixedClock
from civicline.services import Services, open_services
from tests.conftest import make_settings
from tests.factories import NOW, make_event, make_guide

CASE_NO = "440920261127000123"
CODE = "654321"
APPLICANT_PHONE = "+8613800001111"  # the case's registered phone, as Telegram shares it
PUBLIC_URL = "https://hall.example.cn"
FULL_VIEW = "承诺办结日期"  # a fact only the full view shows
PUBLIC_VIEW = "食品经营许可（新办）"


async def seeded_services(data_dir: Path, clock: FixedClock, **sections: dict[str, Any]
                          ) -> Services:
    settings = make_settings(data_dir, **sections)
    seed = open_services(settings, clock, with_search=False)
    for guide in (make_guide("1001"),
                  make_guide("1002", title="营业执照（个体工商户）", aliases=("个体户",)),
                  make_guide("1003", title="营业执照变更登记", aliases=())):
        seed.guides.put_sync(guide, NOW)
    await seed.ingest.ingest([make_event(CASE_NO, at=NOW)], None)
    await seed.close()
    return open_services(settings, clock, with_search=True)
