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


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, bold: bool = False):
    """The largest font up to `size` that draws `text` within `width` pixels."""
    while size > 12:
        font = _font(size, bold)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 2
    return _font(size, bold)


def png(card: Card, size: int = SIZE) -> bytes:
    """Draw the card as a `size` x `size` PNG."""
    names = tuple(name for name, _ in card.profile)
    img = _template(card.app_name, card.headline, names, card.tagline, size).copy()
    draw = ImageDraw.Draw(img)
    layout = _Layout(size)
    draw.text((layout.margin, layout.score_y), card.score, font=layout.score_font, fill=INK)
    for i, (_, value) in enumerate(card.profile):
        y = layout.profile_y + i * layout.row_h
        number = str(value)
        right = layout.margin + layout.inner
        width = draw.textlength(number, font=layout.value_font)
        draw.text((right - width, y), number, font=layout.value_font, fill=INK)
        if value > 0:
            top = y + layout.bar_offset
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


class _Layout:
    """Where everything goes on a card of `size` px: every measure is for 1080 px, scaled."""

    def __init__(self, size: int):
        u = size / SIZE
        self.margin = round(72 * u)
        self.inner = size - 2 * self.margin
        self.app_name_y, self.app_name_size = round(64 * u), round(40 * u)
        self.headline_y, self.headline_size = self.app_name_y + round(72 * u), round(96 * u)
        self.score_y = self.headline_y + round(124 * u)
        self.score_font = _font(round(64 * u), True)
        self.profile_y = self.score_y + round(112 * u)
        self.label_size, self.label_room = round(30 * u), self.inner - round(80 * u)
        self.value_font = _font(round(30 * u), True)
        self.bar_h, self.row_h, self.bar_offset = round(22 * u), round(76 * u), round(40 * u)
        self.band_h = round(16 * u)
        self.tagline_y, self.tagline_font = size - round(120 * u), _font(round(52 * u), True)


@lru_cache(maxsize=16)
def _template(
    app_name: str, headline: str, names: tuple[str, ...], tagline: str, size: int
) -> Image.Image:
    """What every card with this headline shares: the band, the titles, the dimension
    names and their empty bars, and the tagline. Drawn once per questionnaire and class
    (about two thirds of the drawing); `png` adds a result's figures to a copy."""
    layout = _Layout(size)
    m, inner = layout.margin, layout.inner
    img = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, size, layout.band_h], fill=VIOLET)
    font = _fit(draw, app_name, layout.app_name_size, inner)
    draw.text((m, layout.app_name_y), app_name, font=font, fill=MUTED)
    font = _fit(draw, headline, layout.headline_size, inner, True)
    draw.text((m, layout.headline_y), headline, font=font, fill=VIOLET)
    for i, name in enumerate(names):
        y = layout.profile_y + i * layout.row_h
        font = _fit(draw, name, layout.label_size, layout.label_room)
        draw.text((m, y), name, font=font, fill=INK)
        top = y + layout.bar_offset
        draw.rounded_rectangle(
            [m, top, m + inner, top + layout.bar_h], radius=layout.bar_h // 2, fill=TRACK
        )
    draw.text((m, layout.tagline_y), tagline, font=layout.tagline_font, fill=VIOLET)
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
