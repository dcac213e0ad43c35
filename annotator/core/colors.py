"""Colour arithmetic for readable text: WCAG 2 contrast, alpha blending, the nearest readable shade.

Pure Python (no Qt), so the one rule for "can this text be read on that
background" is the same in every widget and is tested on its own.
"""

from __future__ import annotations

import colorsys

AA = 4.5  # WCAG 2 level AA for normal text


def rgb(color: str) -> tuple[int, int, int]:
    """'#rrggbb' (or '#rgb') as integers 0-255."""
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def hex_color(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in (r, g, b))


def luminance(color: str) -> float:
    """Relative luminance as WCAG 2 defines it (sRGB, linearised)."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(color: str, alpha: int, background: str) -> str:
    """`color` at `alpha` (0-255) painted over an opaque `background`."""
    a = alpha / 255
    fg, bg = rgb(color), rgb(background)
    return hex_color(*(f * a + g * (1 - a) for f, g in zip(fg, bg, strict=True)))


def readable(color: str, background: str, ratio: float = AA + 0.5) -> str:
    """`color`, or the nearest shade of its hue (lighter on dark, darker on light) that
    reaches `ratio` against `background`; a little above AA, since antialiased text
    reads a little fainter than its colour."""
    if contrast(color, background) >= ratio:
        return color
    h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in rgb(color)))
    lighter = luminance(background) < 0.18
    for step in range(1, 101):
        shade = min(1.0, lightness + step / 100) if lighter else max(0.0, lightness - step / 100)
        candidate = hex_color(*(v * 255 for v in colorsys.hls_to_rgb(h, shade, s)))
        if contrast(candidate, background) >= ratio:
            return candidate
    return "#ffffff" if lighter else "#000000"


def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return (
        "#000000"
        if contrast("#000000", background) >= contrast("#ffffff", background)
        else "#ffffff"
    )
