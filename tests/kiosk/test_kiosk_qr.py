"""The kiosk's QR codes: the SVG it draws decodes (module by module) to the intended text."""

from __future__ import annotations

import re

import pytest
import segno

from civicline.kiosk.qr import qr_svg

BORDER = 4  # quiet zone of qr_svg, in modules
_PATH_D = re.compile(r'class="qrline"[^>]*\sd="([^"]+)"')
_TOKEN = re.compile(r"([MmHhVvZz])\s*([-0-9.\s]*)")


def svg_matrix(svg: str) -> list[list[bool]]:
    """Read the dark modules back from segno's SVG path (one horizontal stroke per dark run)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))  # type: ignore[union-attr]
    grid = [[False] * size for _ in range(size)]
    found = _PATH_D.search(svg)
    assert found, "no QR path in the SVG"
    x = y = 0.0
    for command, raw in _TOKEN.findall(found.group(1)):
        numbers = [float(n) for n in raw.split()] if command not in "hHvV" else [float(raw)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            # Strokes run along the row's middle (y + 0.5), one module high.
            for column in range(round(x), round(x + numbers[0])):
                grid[int(y)][column] = True
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {command!r}")
    return [row[BORDER:size - BORDER] for row in grid[BORDER:size - BORDER]]


def segno_matrix(text: str) -> list[list[bool]]:
    """What a correct QR code of `text` holds, at the kiosk's error correction level."""
    code = segno.make(text, error="m", micro=False)
    return [[bool(module) for module in row] for row in code.matrix]


@pytest.mark.parametrize("text", [
    "https://hall.example.cn/w/g/1094",
    "http://127.0.0.1:8080/wap/",
    "https://zwfw.example.gov.cn/civicline/w/g/1153",
])
def test_the_svg_draws_exactly_the_modules_of_its_text(text: str) -> None:
    assert svg_matrix(qr_svg(text)) == segno_matrix(text)


def test_a_different_url_gives_a_different_drawing() -> None:
    drawn = svg_matrix(qr_svg("https://hall.example.cn/w/g/1094"))
    assert drawn != segno_matrix("https://hall.example.cn/w/g/1095")


def test_the_svg_scales_with_css_and_carries_its_title() -> None:
    svg = qr_svg("https://hall.example.cn/w/g/1094", "手机扫码查看本指南")
    assert 'viewBox="0 0 ' in svg and "width=" not in svg.split(">", 1)[0]
    assert "<title>手机扫码查看本指南</title>" in svg
