"""The share card's type and colours: the bundled typeface, text fitted to a width (wrapped,
shrunk, or cut short with an ellipsis), and the WCAG contrast arithmetic that keeps an
event's accent readable. Measuring only: where things go is `survey.cardlayout`'s.

The typeface is the app's own, Source Sans 3 (Adobe's release files, unmodified, in
survey/fonts/ under the SIL Open Font License), so the card needs nothing but pip.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

ELLIPSIS = "\u2026"  # ends a text cut short to fit its lines

# Our palette (.streamlit/config.toml) around the event's accent colour.
INK = (31, 25, 51)  # textColor
PAPER = (255, 255, 255)
MUTED = (84, 77, 102)  # 7.5:1 on white

FONTS = Path(__file__).resolve().parent / "fonts"
Weight = Literal["Regular", "Semibold", "Bold", "Black"]
# Only if the bundled files can't be read (a FreeType built without WOFF2 support).
_FALLBACK = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")

RGB = tuple[int, int, int]


def one_line(text: str) -> str:
    """`text` with every run of white space (new lines too) as one space."""
    return " ".join(text.split())


@cache
def typeface(size: int, weight: Weight = "Regular") -> ImageFont.FreeTypeFont:
    """Source Sans 3 at `size` px in `weight` (a system sans if the files can't be read)."""
    try:
        return ImageFont.truetype(str(FONTS / f"SourceSans3-{weight}.ttf.woff2"), size)
    except OSError:
        for path in _FALLBACK:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
        return ImageFont.load_default(size)


def hex_rgb(colour: str) -> RGB:
    """A colour written "#RRGGBB", as (r, g, b)."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def luminance(c: RGB) -> float:
    def linear(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """`t` of the way from a to b."""
    return tuple(round(a[k] + (b[k] - a[k]) * t) for k in range(3))


def readable(colour: RGB, ground: RGB, ratio: float = 4.5) -> RGB:
    """`colour`, darkened toward our ink just enough to read on `ground` (a pale accent
    such as yellow would vanish on white): the hue stays the event's."""
    for step in range(11):
        c = mix(colour, INK, step / 10)
        if contrast(c, ground) >= ratio:
            return c
    return INK


def prefix(text: str, font: ImageFont.FreeTypeFont, width: float, tail: str = "") -> int:
    """Length of the longest prefix of `text` that fits `width` with `tail` after it."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.getlength(text[:mid].rstrip() + tail) <= width:
            low = mid
        else:
            high = mid - 1
    return low


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut where it must be."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if font.getlength(trial) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = max(1, prefix(word, font, width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit(
    text: str,
    weight: Weight,
    size: int,
    width: float,
    max_lines: int = 1,
    smallest: int = 0,
    more_lines: int = 0,
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """`text` in at most `max_lines` lines of `width` px: in the largest font from `size`
    down to `smallest` (two thirds of `size` unless given) that holds it whole, no word
    broken; failing that, the same in up to `more_lines` lines when given (a longer
    language's sentence wraps rather than shrinking out of sight); failing that, the
    largest that holds it with a word broken across lines; else cut short with an
    ellipsis at the smallest size (smaller still would not read on a phone)."""
    text = one_line(text)
    smallest = smallest or max(size * 2 // 3, 1)
    broken = None
    for most in (max_lines, more_lines) if more_lines > max_lines else (max_lines,):
        for s in [*range(size, smallest, -2), smallest]:
            font = typeface(s, weight)
            lines = wrap(text, font, width)
            if len(lines) <= most:
                if " ".join(lines) == text:  # every word whole
                    return lines, font
                broken = broken or (lines, font)
    if broken:
        return broken
    kept = lines[: most - 1]
    rest = " ".join(lines[most - 1 :])
    return [*kept, rest[: prefix(rest, font, width, ELLIPSIS)].rstrip() + ELLIPSIS], font


def cap(font: ImageFont.FreeTypeFont) -> int:
    """The height of a capital above the baseline: a block's top is its capitals' top."""
    return -font.getbbox("H", anchor="ls")[1]
