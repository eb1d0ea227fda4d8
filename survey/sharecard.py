"""The share card: a participant's result as a square PNG to keep or post.

Values in, PNG bytes out (Pillow). The card carries the class, the score, the
seven-dimension profile, the essay's line "Begin living it." and the app's name,
and nothing that could identify the person or bring back their answers: no name,
no session, no token. `card_for` decides what it says (so a test can compare it
with the result page); `png` only draws it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, Result

SIZE = 1080  # px, square: fits every feed's crop (Instagram, LinkedIn, X)
TAGLINE = "Begin living it."
FILE_NAME = "believer-or-spectator-result.png"
ELLIPSIS = "\u2026"  # ends a name cut short to fit its line
ROWS = 7  # dimensions that fit at full size between the score and the tagline

# Our palette (.streamlit/config.toml): every text colour passes 4.5:1 on its background.
INK = (31, 25, 51)  # textColor
PAPER = (255, 255, 255)
VIOLET = (108, 43, 217)  # primaryColor
TRACK = (226, 220, 242)  # the bar's empty part: a shade of secondaryBackgroundColor
MUTED = (84, 77, 102)  # 7.5:1 on white

# DejaVu ships with most Linux images and many others; Pillow's own font otherwise.
# Emoji are left out on purpose: a server without an emoji font draws empty boxes.
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/Library/Fonts")


@dataclass(frozen=True)
class Card:
    """Everything the card says, in reading order."""

    app_name: str
    headline: str  # "I'm a Believer"
    score: str  # "62 / 100"
    profile: tuple[tuple[str, int], ...]  # (dimension name, 0-100) in questionnaire order
    tagline: str = TAGLINE

    def lines(self) -> list[str]:
        """The card's text, line by line, as drawn."""
        dims = [f"{name} {value}" for name, value in self.profile]
        return [self.app_name, self.headline, self.score, *dims, self.tagline]


def card_for(q: Questionnaire, result: Result) -> Card:
    """What a participant's card says: the same rounded figures as their result page."""
    klass = "Believer" if result.klass == BELIEVER else "Spectator"
    return Card(
        app_name=q.title,
        headline=f"I'm a {klass}",
        score=f"{result.overall:.0f} / 100",
        profile=tuple(
            (d.name, round(result.dimension_scores[d.id]))
            for d in q.dimensions
            if d.id in result.dimension_scores
        ),
    )


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


@dataclass(frozen=True)
class _Text:
    """One line of text, where it goes and how it is drawn."""

    xy: tuple[float, float]
    text: str
    font: ImageFont.FreeTypeFont
    fill: tuple[int, int, int]


def _fit(
    text: str, size: int, width: int, bold: bool = False
) -> tuple[str, ImageFont.FreeTypeFont]:
    """`text` on one line within `width` pixels: in the largest font from `size` down to two
    thirds of it that holds it whole, else cut short with an ellipsis at that smallest size
    (smaller still would not read on a phone)."""
    text = " ".join(text.split())  # a line break or tab in a name would spill onto the bar
    smallest = max(size * 2 // 3, 1)
    while size > smallest:
        font = _font(size, bold)
        if font.getlength(text) <= width:
            return text, font
        size -= 2
    font = _font(smallest, bold)
    if font.getlength(text) <= width:
        return text, font
    low, high = 0, len(text)  # the longest prefix that fits with its ellipsis
    while low < high:
        mid = (low + high + 1) // 2
        if font.getlength(text[:mid].rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS, font


def png(card: Card, size: int = SIZE) -> bytes:
    """Draw the card as a `size` x `size` PNG."""
    names = tuple(name for name, _ in card.profile)
    img = _template(card.app_name, card.headline, names, card.tagline, size).copy()
    draw = ImageDraw.Draw(img)
    layout = _Layout(size, len(card.profile))
    for t in _figures(card, layout):
        draw.text(t.xy, t.text, font=t.font, fill=t.fill)
    for i, (_, value) in enumerate(card.profile):
        if value > 0:
            top = layout.row_y(i) + layout.bar_offset
            end = layout.margin + max(layout.bar_h, round(layout.inner * value / 100))
            draw.rounded_rectangle(
                [layout.margin, top, end, top + layout.bar_h],
                radius=layout.bar_h // 2,
                fill=VIOLET,
            )
    buf = io.BytesIO()
    img.quantize(palette=_palette(), dither=Image.Dither.NONE).save(
        buf, format="PNG", compress_level=3
    )
    return buf.getvalue()


def texts(card: Card, size: int = SIZE) -> list[_Text]:
    """Every line of text the card draws, where `png` draws it (for checking the layout)."""
    names = tuple(name for name, _ in card.profile)
    layout = _Layout(size, len(names))
    fixed = _fixed_texts(card.app_name, card.headline, names, card.tagline, layout)
    return [*fixed, *_figures(card, layout)]


def bars(card: Card, size: int = SIZE) -> list[tuple[int, int, int, int]]:
    """The box of each dimension's bar (its empty track), in questionnaire order."""
    layout = _Layout(size, len(card.profile))
    return [layout.bar(i) for i in range(len(card.profile))]


class _Layout:
    """Where everything goes on a card of `size` px with `rows` dimensions: every measure is
    for 1080 px, scaled. Up to ROWS dimensions get full-size rows; more share the same
    height in smaller rows, so the last bar never reaches the tagline."""

    def __init__(self, size: int, rows: int = ROWS):
        u = size / SIZE
        self.margin = round(72 * u)
        self.inner = size - 2 * self.margin
        self.app_name_y, self.app_name_size = round(64 * u), round(40 * u)
        self.headline_y, self.headline_size = self.app_name_y + round(72 * u), round(96 * u)
        self.score_y = self.headline_y + round(124 * u)
        self.score_font = _font(round(64 * u), True)
        self.profile_y = self.score_y + round(112 * u)
        r = min(1.0, ROWS / max(rows, 1)) * u  # a row's scale
        self.label_size, self.label_room = round(30 * r), self.inner - round(80 * r)
        self.value_font = _font(round(30 * r), True)
        self.bar_h, self.row_h, self.bar_offset = round(22 * r), round(76 * r), round(40 * r)
        self.band_h = round(16 * u)
        self.tagline_y, self.tagline_font = size - round(120 * u), _font(round(52 * u), True)

    def row_y(self, i: int) -> int:
        return self.profile_y + i * self.row_h

    def bar(self, i: int) -> tuple[int, int, int, int]:
        top = self.row_y(i) + self.bar_offset
        return (self.margin, top, self.margin + self.inner, top + self.bar_h)


def _fixed_texts(
    app_name: str, headline: str, names: tuple[str, ...], tagline: str, layout: _Layout
) -> list[_Text]:
    """The text every card with this headline shares: titles, dimension names, tagline."""
    m, inner = layout.margin, layout.inner
    text, font = _fit(app_name, layout.app_name_size, inner)
    out = [_Text((m, layout.app_name_y), text, font, MUTED)]
    text, font = _fit(headline, layout.headline_size, inner, True)
    out.append(_Text((m, layout.headline_y), text, font, VIOLET))
    for i, name in enumerate(names):
        text, font = _fit(name, layout.label_size, layout.label_room)
        out.append(_Text((m, layout.row_y(i)), text, font, INK))
    out.append(_Text((m, layout.tagline_y), tagline, layout.tagline_font, VIOLET))
    return out


def _figures(card: Card, layout: _Layout) -> list[_Text]:
    """A result's own text: the score and each dimension's number, right-aligned."""
    out = [_Text((layout.margin, layout.score_y), card.score, layout.score_font, INK)]
    right = layout.margin + layout.inner
    for i, (_, value) in enumerate(card.profile):
        number = str(value)
        width = layout.value_font.getlength(number)
        out.append(_Text((right - width, layout.row_y(i)), number, layout.value_font, INK))
    return out


@lru_cache(maxsize=16)
def _template(
    app_name: str, headline: str, names: tuple[str, ...], tagline: str, size: int
) -> Image.Image:
    """What every card with this headline shares: the band, the titles, the dimension
    names and their empty bars, and the tagline. Drawn once per questionnaire and class
    (about two thirds of the drawing); `png` adds a result's figures to a copy."""
    layout = _Layout(size, len(names))
    img = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, size, layout.band_h], fill=VIOLET)
    for t in _fixed_texts(app_name, headline, names, tagline, layout):
        draw.text(t.xy, t.text, font=t.font, fill=t.fill)
    for i in range(len(names)):
        draw.rounded_rectangle(layout.bar(i), radius=layout.bar_h // 2, fill=TRACK)
    return img


@cache
def _palette() -> Image.Image:
    """Every colour the card can hold: each ink over its ground, in 16 anti-aliasing steps.

    The card is a few flat colours and their edges, so mapping onto this fixed palette
    looks the same as an RGB PNG, in a third of the bytes, and costs ~3 ms where
    finding a palette per card cost ~13 ms (a busy server pays it once per result).
    """
    pairs = [(PAPER, INK), (PAPER, VIOLET), (PAPER, MUTED), (PAPER, TRACK), (TRACK, VIOLET)]
    colours = dict.fromkeys(
        tuple(round(bg[k] + (fg[k] - bg[k]) * i / 15) for k in range(3))
        for bg, fg in pairs
        for i in range(16)
    )
    flat = [v for rgb in colours for v in rgb]
    img = Image.new("P", (1, 1))
    img.putpalette(flat + [0] * (768 - len(flat)))
    return img
