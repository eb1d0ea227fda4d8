"""Where each piece of a share card goes: the four looks (a believer's and a spectator's,
square and wide) as lines of text, bars and panels placed on the card, each line with
the box it must stay inside. Values in, a `Layout` out; `survey.sharecard.png` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from PIL import Image, ImageDraw, ImageFont

from survey import theme as themes
from survey.cardtype import (
    INK,
    MUTED,
    PAPER,
    RGB,
    Weight,
    cap,
    contrast,
    fit,
    hex_rgb,
    mix,
    readable,
    typeface,
)

if TYPE_CHECKING:
    from survey.sharecard import Card

SQUARE = (1080, 1080)  # px: fits every feed's crop (Instagram, LinkedIn, X)
WIDE = (1200, 627)  # px: LinkedIn's link-image size (1.91:1), also X's large card
SIZES = (SQUARE, WIDE)
ROWS = 7  # dimensions that get full-size rows; more share the same height in smaller rows

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Text:
    """One line of text: its baseline's left end, and the box it must stay inside (the
    panel it is drawn on, or the whole card)."""

    xy: tuple[int, int]
    text: str
    font: ImageFont.FreeTypeFont
    fill: RGB
    ground: RGB
    within: Box

    def box(self) -> Box:
        return tuple(round(v) for v in _MEASURE.textbbox(self.xy, self.text, self.font, "ls"))


@dataclass(frozen=True)
class Bar:
    """A dimension's bar: its empty track and the filled part for `value` of 100."""

    box: Box
    value: int
    fill: RGB
    track: RGB
    ground: RGB

    def filled(self) -> Box | None:
        x0, y0, x1, y1 = self.box
        if self.value <= 0:
            return None
        height = y1 - y0
        return (x0, y0, x0 + max(height, round((x1 - x0) * min(self.value, 100) / 100)), y1)


@dataclass(frozen=True)
class Panel:
    """A flat rectangle of colour that text or bars sit on."""

    box: Box
    fill: RGB
    radius: int = 0


@dataclass(frozen=True)
class Layout:
    size: tuple[int, int]
    paper: RGB
    panels: tuple[Panel, ...]
    texts: tuple[Text, ...]
    bars: tuple[Bar, ...]


_MEASURE = ImageDraw.Draw(Image.new("RGB", (1, 1)))


@dataclass(frozen=True)
class _Colours:
    paper: RGB  # the card's ground
    accent: RGB  # the event's accent, as given: shapes
    accent_text: RGB  # the accent, readable as text on the paper
    on_accent: RGB  # text on the accent: black or white, as the theme decides
    soft_on_accent: RGB  # quieter text on the accent
    track: RGB  # a bar's empty part


def _colours(card: Card) -> _Colours:
    accent = hex_rgb(card.accent)
    on_accent = hex_rgb(themes.Theme(accent=card.accent).ink())
    return _Colours(
        paper=PAPER,
        accent=accent,
        accent_text=readable(accent, PAPER),
        on_accent=on_accent,
        soft_on_accent=next(
            c
            for t in (0.8, 0.85, 0.9, 0.95, 1.0)
            if contrast(c := mix(accent, on_accent, t), accent) >= 4.5 or t == 1.0
        ),
        track=mix(accent, on_accent, 0.28) if card.believer else mix(PAPER, accent, 0.16),
    )


class _Column:
    """Stacks text blocks and bars from a top edge down, within [x, x + width]."""

    def __init__(self, x: int, y: int, width: int, ground: RGB, within: Box):
        self.x, self.y, self.width = x, y, width
        self.ground, self.within = ground, within
        self.texts: list[Text] = []
        self.bars: list[Bar] = []

    def text(
        self,
        text: str,
        weight: Weight,
        size: int,
        fill: RGB,
        *,
        lines: int = 1,
        gap: int = 0,
        smallest: int = 0,
        align: Literal["left", "right"] = "left",
        leading: float = 1.08,
        more_lines: int = 0,
    ) -> None:
        """One block of `text`, `gap` px below what is above it (nothing when empty); in
        `lines` lines, or `more_lines` if it only holds whole in those (`cardtype.fit`)."""
        if not text:
            return
        self.y += gap
        wrapped, font = fit(text, weight, size, self.width, lines, smallest, more_lines)
        baseline = self.y + cap(font)
        previous: Text | None = None
        for line in wrapped:
            x = self.x
            if align == "right":
                x = self.x + self.width - round(font.getlength(line))
            if previous is not None:
                baseline = previous.xy[1] + round(font.size * leading)
                top = _MEASURE.textbbox((x, baseline), line, font, "ls")[1]
                # Never let an accent above touch a descender from the line before.
                baseline += max(0, previous.box()[3] + round(font.size * 0.06) - top)
            previous = Text((x, baseline), line, font, fill, self.ground, self.within)
            self.texts.append(previous)
        # The block ends under its baseline by a descender's depth, or its ink if deeper.
        self.y = max(previous.box()[3], baseline + round(font.size * 0.22))

    def mark(self) -> tuple[int, int]:
        """Where the next block starts: for `center`."""
        return len(self.texts), self.y

    def center(self, mark: tuple[int, int], top: int, bottom: int) -> None:
        """Move the blocks placed since `mark` down to the middle of [top, bottom] (never up:
        they stay clear of what is above them)."""
        first, y0 = mark
        dy = max(0, top + (bottom - top - (self.y - y0)) // 2 - y0)
        self.texts[first:] = [
            Text((t.xy[0], t.xy[1] + dy), t.text, t.font, t.fill, t.ground, t.within)
            for t in self.texts[first:]
        ]
        self.y += dy

    def bars_block(
        self, profile: tuple[tuple[str, int], ...], bottom: int, ink: RGB, fill: RGB, track: RGB
    ) -> None:
        """Each dimension: its name and number on a line, its bar below; the rows share
        the height down to `bottom`, at most their full size (ROWS of them fit)."""
        n = len(profile)
        if not n:
            return
        row = (bottom - self.y) / max(n, ROWS)
        label = max(12, round(row * 0.40))
        bar_h = max(6, round(row * 0.24))
        number_font = typeface(label, "Bold")
        for i, (name, value) in enumerate(profile):
            top = round(self.y + i * row)
            number = str(value)
            number_w = round(number_font.getlength("100"))
            # Cut short rather than shrunk far: a dozen rows are small already.
            room = self.width - number_w - label
            wrapped, font = fit(name, "Semibold", label, room, 1, max(12, label * 5 // 6))
            baseline = top + cap(font)
            self.texts.append(
                Text((self.x, baseline), wrapped[0], font, ink, self.ground, self.within)
            )
            nx = self.x + self.width - round(number_font.getlength(number))
            self.texts.append(
                Text((nx, baseline), number, number_font, ink, self.ground, self.within)
            )
            bar_top = baseline + round(label * 0.32)
            self.bars.append(
                Bar(
                    (self.x, bar_top, self.x + self.width, bar_top + bar_h),
                    value,
                    fill,
                    track,
                    self.ground,
                )
            )
        self.y = bottom


def layout(card: Card, size: tuple[int, int] = SQUARE) -> Layout:
    """Where every piece of `card` goes on a card of `size` px (SQUARE or WIDE)."""
    if size not in SIZES:
        raise ValueError(f"a card is {SQUARE} or {WIDE}, not {size}")
    c = _colours(card)
    draw = {
        (True, SQUARE): _believer_square,
        (True, WIDE): _believer_wide,
        (False, SQUARE): _spectator_square,
        (False, WIDE): _spectator_wide,
    }[card.believer, size]
    return draw(card, c)


def _believer_square(card: Card, c: _Colours) -> Layout:
    w, h = SQUARE
    m = 72
    whole = (0, 0, w, h)
    col = _Column(m, 64, w - 2 * m, c.accent, whole)
    col.text(card.top, "Semibold", 38, c.on_accent, lines=2, smallest=30)
    col.text(card.hashtag, "Bold", 34, c.on_accent, gap=14)
    # A second line for a headline longer than English's ("Ich gehöre zu den Überzeugten").
    col.text(card.headline, "Black", 128, c.on_accent, gap=44, more_lines=2)
    col.text(card.tagline, "Regular", 42, c.soft_on_accent, gap=22)
    col.text(card.score, "Bold", 56, c.on_accent, gap=34)
    foot = _Column(m, h - 64 - 28, w - 2 * m, c.accent, whole)
    _footer(card, foot, 28, c.soft_on_accent)
    col.y += 40
    bottom = min((t.box()[1] - 40 for t in foot.texts), default=h - 64)
    col.bars_block(card.profile, bottom, c.on_accent, c.on_accent, c.track)
    return Layout(SQUARE, c.accent, (), (*col.texts, *foot.texts), tuple(col.bars))


def _believer_wide(card: Card, c: _Colours) -> Layout:
    w, h = WIDE
    m = 56
    whole = (0, 0, w, h)
    split = 560
    left = _Column(m, 52, split - m - 24, c.accent, whole)
    left.text(card.top, "Semibold", 28, c.on_accent, lines=2, smallest=22)
    left.text(card.hashtag, "Bold", 26, c.on_accent, gap=10)
    foot = _Column(m, h - 48 - 22, split - m - 24, c.accent, whole)
    _footer(card, foot, 22, c.soft_on_accent, stacked=True)
    header = left.y
    mark = left.mark()
    left.text(card.headline, "Black", 84, c.on_accent, gap=36, more_lines=2)
    left.text(card.tagline, "Regular", 30, c.soft_on_accent, gap=18, lines=2)
    left.text(card.score, "Bold", 48, c.on_accent, gap=30)
    left.center(mark, header, min(t.box()[1] for t in foot.texts) if foot.texts else h - 48)
    right = _Column(split + 40, 64, w - split - 40 - m, c.accent, whole)
    right.bars_block(card.profile, h - 40, c.on_accent, c.on_accent, c.track)
    texts = (*left.texts, *foot.texts, *right.texts)
    return Layout(WIDE, c.accent, (), texts, tuple(right.bars))


def _spectator_square(card: Card, c: _Colours) -> Layout:
    w, h = SQUARE
    m = 72
    band = (0, h - 300, w, h)  # the accent panel that carries the forward line
    col = _Column(m, 72, w - 2 * m, c.paper, (0, 0, w, band[1]))
    col.text(card.top, "Semibold", 38, INK, lines=2, smallest=30)
    col.text(card.hashtag, "Bold", 34, c.accent_text, gap=14)
    header = col.y
    mark = col.mark()
    col.text(card.lead, "Semibold", 40, MUTED, gap=56)
    col.text(card.strongest, "Black", 112, c.accent_text, gap=22, lines=3, smallest=64)
    col.text(card.headline, "Semibold", 48, INK, gap=36)
    col.center(mark, header, band[1] - 24)
    panel = _Column(m, band[1] + 64, w - 2 * m, c.accent, band)
    panel.text(card.tagline, "Black", 112, c.on_accent)
    foot = _Column(m, h - 64 - 28, w - 2 * m, c.accent, band)
    _footer(card, foot, 28, c.soft_on_accent)
    stripe = Panel((0, 0, w, 20), c.accent)
    texts = (*col.texts, *panel.texts, *foot.texts)
    return Layout(SQUARE, c.paper, (stripe, Panel(band, c.accent)), texts, ())


def _spectator_wide(card: Card, c: _Colours) -> Layout:
    w, h = WIDE
    m = 56
    split = 700
    side = (split, 0, w, h)
    col = _Column(m, 56, split - 2 * m, c.paper, (0, 0, split, h))
    col.text(card.top, "Semibold", 28, INK, lines=2, smallest=22)
    col.text(card.hashtag, "Bold", 26, c.accent_text, gap=10)
    header = col.y
    mark = col.mark()
    col.text(card.lead, "Semibold", 32, MUTED, gap=40)
    col.text(card.strongest, "Black", 80, c.accent_text, gap=18, lines=3, smallest=46)
    col.text(card.headline, "Semibold", 36, INK, gap=28)
    col.center(mark, header, h - 40)
    panel = _Column(split + 48, 0, w - split - 96, c.accent, side)
    panel.text(card.tagline, "Black", 96, c.on_accent, lines=2, leading=1.0, more_lines=3)
    # The forward line sits in the middle of its panel.
    height = panel.y - 0
    shift = (h - height) // 2 - 24
    moved = [
        Text((t.xy[0], t.xy[1] + shift), t.text, t.font, t.fill, t.ground, t.within)
        for t in panel.texts
    ]
    foot = _Column(split + 48, h - 48 - 22, w - split - 96, c.accent, side)
    _footer(card, foot, 22, c.soft_on_accent, stacked=True)
    stripe = Panel((0, 0, 16, h), c.accent)
    texts = (*col.texts, *moved, *foot.texts)
    return Layout(WIDE, c.paper, (stripe, Panel(side, c.accent)), texts, ())


def _footer(card: Card, col: _Column, size: int, fill: RGB, stacked: bool = False) -> None:
    """The app's title (when the event took the top line) and the link, along the foot:
    side by side, or the link above the title when `stacked` (a narrow column)."""
    if stacked:
        if card.link and card.footer:
            col.y -= round(size * 1.4)
        col.text(card.link, "Semibold", size, fill)
        col.text(card.footer, "Regular", size, fill, gap=round(size * 0.4))
        return
    half = (col.width - size) // 2
    if card.footer and card.link:
        right = _Column(col.x + col.width - half, col.y, half, col.ground, col.within)
        right.text(card.link, "Semibold", size, fill, align="right")
        col.width = half
        col.text(card.footer, "Regular", size, fill)
        col.texts.extend(right.texts)
    else:
        col.text(card.footer or card.link, "Regular", size, fill)
