"""The [wap] settings section: page sizes and the hall's name and phone on every page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WapSettings:
    hall_name: str = "市政务服务中心"
    hall_phone: str = "12345"  # the government service hotline, in every page footer
    page_size: int = 10  # guides per search page; keeps a page far under the 20 KB budget
    results_page_size: int = 20  # rows per page of the results publication (办结公示)
    max_query_chars: int = 100  # longer search words get a friendly 414 page

