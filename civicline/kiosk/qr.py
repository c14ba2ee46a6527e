"""QR codes as inline SVG (segno), for guides' WAP pages and queue tickets."""

from __future__ import annotations

import segno


def qr_svg(text: str, title: str = "") -> str:
    """An inline <svg> of `text` that scales with CSS (viewBox, no fixed size)."""
    # Medium error correction survives a smudged screen or a thermal print's streaks.
    code = segno.make(text, error="m", micro=False)
    svg: str = code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff",
                               svgclass="qr", title=title or None)
    return svg
