"""The site's public short links: how an answer's link (kind, ref) becomes a URL.

The core hands out links as data; the web channels and SMS point citizens at these paths,
which the WAP channel serves (its mount registers a route for each). One table, so an SMS
link, a kiosk QR code and the API's `links` never disagree.
"""

from __future__ import annotations

from urllib.parse import quote

from civicline.core.answer import Link, LinkKind

SHORT_LINK_PATHS: dict[LinkKind, str] = {
    LinkKind.CASE: "/w/c/{ref}",
    LinkKind.GUIDE: "/w/g/{ref}",
}


def site_path(kind: LinkKind, ref: str) -> str:
    """The site-relative path of a case's or guide's public page."""
    return SHORT_LINK_PATHS[kind].format(ref=quote(ref, safe=""))


def public_url(link: Link, base_url: str) -> str:
    """An absolute URL for `link`; external links only when http(s), else ""."""
    if link.kind is LinkKind.EXTERNAL:
        return link.ref if link.ref.startswith(("https://", "http://")) else ""
    return base_url.rstrip("/") + site_path(link.kind, link.ref)
