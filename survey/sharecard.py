"""The share card: a participant's result as a PNG to keep or post, square or wide.

Values in, PNG bytes out (Pillow). Two sizes: 1080x1080 (every feed's square crop) and
1200x627 (LinkedIn's link image). Two looks, one per class, in the event's accent colour:

- a believer's card celebrates: the class on the accent colour, the essay's "I live social
  media, and I'm not alone.", the score and the seven-dimension profile;
- a spectator's card leads with their strongest dimension and the essay's forward line,
  "Begin living it.", and draws no score: a low number is nothing anyone would post.

Both carry the event's name (the app's title without one), its hashtag and link when
given, and nothing that could identify the person or bring back their answers: no name,
no session, no token. `card_for` decides what a card says (so a test can compare it with
the result page); `layout` decides where each piece goes; `png` only draws it.

The typeface is the app's own, Source Sans 3 (Adobe's release files, unmodified, in
survey/fonts/ under the SIL Open Font License), so the card needs nothing but pip.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from survey import theme as themes
from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, Result

SQUARE = (1080, 1080)  # px: fits every feed's crop (Instagram, LinkedIn, X)
WIDE = (1200, 627)  # px: LinkedIn's link-image size (1.91:1), also X's large card
SIZES = (SQUARE, WIDE)
SIZE = SQUARE[0]
FILE_NAME = "believer-or-spectator-result.png"
WIDE_FILE_NAME = "believer-or-spectator-result-wide.png"
# The essay's own words: one line for those who live social media, one for the rest.
BELIEVER_LINE = "I live social media, and I'm not alone."
SPECTATOR_LINE = "Begin living it."
STRONGEST = "My strongest side"
ELLIPSIS = "\u2026"  # ends a text cut short to fit its lines
ROWS = 7  # dimensions that get full-size rows; more share the same height in smaller rows
MAX_HASHTAG = 40  # beyond this a hashtag is cut short with an ellipsis
MAX_LINK = 80

# Our palette (.streamlit/config.toml) around the event's accent colour.
INK = (31, 25, 51)  # textColor
PAPER = (255, 255, 255)
MUTED = (84, 77, 102)  # 7.5:1 on white

FONTS = Path(__file__).resolve().parent / "fonts"
Weight = Literal["Regular", "Semibold", "Bold", "Black"]
# Only if the bundled files can't be read (a FreeType built without WOFF2 support).
_FALLBACK = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Card:
    """Everything the card says, and the accent it is drawn in."""

    title: str  # the app's title: the top line without an event, else the footer
    believer: bool
    headline: str  # "I'm a Believer" / "I'm a Spectator, for now."
    score: str  # "62 / 100": drawn on a believer's card only
    profile: tuple[tuple[str, int], ...]  # (dimension name, 0-100) in questionnaire order
    tagline: str  # the essay's line
    event: str = ""
    hashtag: str = ""
    link: str = ""
    accent: str = themes.DEFAULT_ACCENT

    @property
    def strongest(self) -> str:
        """The highest-scoring dimension's name (on a tie, the first in the questionnaire)."""
        if not self.profile:
            return ""
        return max(self.profile, key=lambda p: p[1])[0]

    @property
    def top(self) -> str:
        return self.event or self.title

    @property
    def footer(self) -> str:
        """The app's title at the foot, when the event's name took the top line."""
        return self.title if self.event else ""

    def lines(self) -> list[str]:
        """The card's text, in reading order, each piece whole (as drawn, before any
        wrapping or cutting short to fit)."""
        head = [self.top, self.hashtag]
        if self.believer:
            dims = [f"{name} {value}" for name, value in self.profile]
            body = [self.headline, self.tagline, self.score, *dims]
        else:
            body = [STRONGEST, self.strongest, self.headline, self.tagline]
        return [t for t in (*head, *body, self.footer, self.link) if t]


def card_for(
    q: Questionnaire, result: Result, *, hashtag: str | None = None, link: str | None = None
) -> Card:
    """What a participant's card says: the same rounded figures as their result page,
    with the event's name and accent from the questionnaire's theme.

    `hashtag` and `link` default to the theme's, where it has them (empty otherwise);
    a hashtag gains its "#", a link loses its "https://"."""
    theme = q.theme
    hashtag = getattr(theme, "hashtag", "") if hashtag is None else hashtag
    link = getattr(theme, "link", "") if link is None else link
    believer = result.klass == BELIEVER
    return Card(
        title=q.title,
        believer=believer,
        headline="I'm a Believer" if believer else "I'm a Spectator, for now.",
        score=f"{result.overall:.0f} / 100",
        profile=tuple(
            (d.name, round(result.dimension_scores[d.id]))
            for d in q.dimensions
            if d.id in result.dimension_scores
        ),
        tagline=BELIEVER_LINE if believer else SPECTATOR_LINE,
        event=theme.event,
        hashtag=_hashtag(hashtag or ""),
        link=_link(link or ""),
        accent=theme.accent,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _hashtag(text: str) -> str:
    text = "".join(_one_line(text).split())  # a hashtag has no spaces
    if not text.strip("#"):
        return ""
    return "#" + text.lstrip("#")[:MAX_HASHTAG]


def _link(text: str) -> str:
    text = "".join(_one_line(text).split())
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    return text.rstrip("/")[:MAX_LINK]


# ---------------------------------------------------------------- what goes where


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


@cache
def _font(size: int, weight: Weight = "Regular") -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(FONTS / f"SourceSans3-{weight}.ttf.woff2"), size)
    except OSError:
        for path in _FALLBACK:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
        return ImageFont.load_default(size)


def _hex(colour: str) -> RGB:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _luminance(c: RGB) -> float:
    def linear(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """`t` of the way from a to b."""
    return tuple(round(a[k] + (b[k] - a[k]) * t) for k in range(3))


def _readable(colour: RGB, ground: RGB, ratio: float = 4.5) -> RGB:
    """`colour`, darkened toward our ink just enough to read on `ground` (a pale accent
    such as yellow would vanish on white): the hue stays the event's."""
    for step in range(11):
        c = _mix(colour, INK, step / 10)
        if contrast(c, ground) >= ratio:
            return c
    return INK


@dataclass(frozen=True)
class _Colours:
    paper: RGB  # the card's ground
    accent: RGB  # the event's accent, as given: shapes
    accent_text: RGB  # the accent, readable as text on the paper
    on_accent: RGB  # text on the accent: black or white, as the theme decides
    soft_on_accent: RGB  # quieter text on the accent
    track: RGB  # a bar's empty part


def _colours(card: Card) -> _Colours:
    accent = _hex(card.accent)
    on_accent = _hex(themes.Theme(accent=card.accent).ink())
    return _Colours(
        paper=PAPER,
        accent=accent,
        accent_text=_readable(accent, PAPER),
        on_accent=on_accent,
        soft_on_accent=next(
            c
            for t in (0.8, 0.85, 0.9, 0.95, 1.0)
            if contrast(c := _mix(accent, on_accent, t), accent) >= 4.5 or t == 1.0
        ),
        track=_mix(accent, on_accent, 0.28) if card.believer else _mix(PAPER, accent, 0.16),
    )


def _prefix(text: str, font: ImageFont.FreeTypeFont, width: float, tail: str = "") -> int:
    """Length of the longest prefix of `text` that fits `width` with `tail` after it."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.getlength(text[:mid].rstrip() + tail) <= width:
            low = mid
        else:
            high = mid - 1
    return low


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
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
            cut = max(1, _prefix(word, font, width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit(
    text: str, weight: Weight, size: int, width: float, max_lines: int = 1, smallest: int = 0
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """`text` in at most `max_lines` lines of `width` px: in the largest font from `size`
    down to `smallest` (two thirds of `size` unless given) that holds it whole, else cut
    short with an ellipsis at that smallest size (smaller still would not read on a phone)."""
    text = _one_line(text)
    smallest = smallest or max(size * 2 // 3, 1)
    for s in [*range(size, smallest, -2), smallest]:
        font = _font(s, weight)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return lines, font
    kept = lines[: max_lines - 1]
    rest = " ".join(lines[max_lines - 1 :])
    return [*kept, rest[: _prefix(rest, font, width, ELLIPSIS)].rstrip() + ELLIPSIS], font


def _cap(font: ImageFont.FreeTypeFont) -> int:
    """The height of a capital above the baseline: a block's top is its capitals' top."""
    return -font.getbbox("H", anchor="ls")[1]


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
    ) -> None:
        """One block of `text`, `gap` px below what is above it (nothing when empty)."""
        if not text:
            return
        self.y += gap
        wrapped, font = fit(text, weight, size, self.width, lines, smallest)
        baseline = self.y + _cap(font)
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
        number_font = _font(label, "Bold")
        for i, (name, value) in enumerate(profile):
            top = round(self.y + i * row)
            number = str(value)
            number_w = round(number_font.getlength("100"))
            # Cut short rather than shrunk far: a dozen rows are small already.
            room = self.width - number_w - label
            wrapped, font = fit(name, "Semibold", label, room, 1, max(12, label * 5 // 6))
            baseline = top + _cap(font)
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
    col.text(card.headline, "Black", 128, c.on_accent, gap=44)
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
    left.text(card.headline, "Black", 84, c.on_accent, gap=36, lines=1)
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
    col.text(STRONGEST, "Semibold", 40, MUTED, gap=56)
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
    col.text(STRONGEST, "Semibold", 32, MUTED, gap=40)
    col.text(card.strongest, "Black", 80, c.accent_text, gap=18, lines=3, smallest=46)
    col.text(card.headline, "Semibold", 36, INK, gap=28)
    col.center(mark, header, h - 40)
    panel = _Column(split + 48, 0, w - split - 96, c.accent, side)
    panel.text(card.tagline, "Black", 96, c.on_accent, lines=2, leading=1.0)
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


# ---------------------------------------------------------------- drawing


def png(card: Card, size: tuple[int, int] = SQUARE) -> bytes:
    """Draw the card as a PNG of `size` px (SQUARE or WIDE)."""
    plan = layout(card, size)
    img = Image.new("RGB", plan.size, plan.paper)
    draw = ImageDraw.Draw(img)
    for p in plan.panels:
        draw.rounded_rectangle(p.box, radius=p.radius, fill=p.fill)
    for b in plan.bars:
        radius = (b.box[3] - b.box[1]) // 2
        draw.rounded_rectangle(b.box, radius=radius, fill=b.track)
        if filled := b.filled():
            draw.rounded_rectangle(filled, radius=radius, fill=b.fill)
    for t in plan.texts:
        draw.text(t.xy, t.text, font=t.font, fill=t.fill, anchor="ls")
    buf = io.BytesIO()
    img.quantize(palette=_palette(_pairs(plan)), dither=Image.Dither.NONE).save(
        buf, format="PNG", compress_level=3
    )
    return buf.getvalue()


def _pairs(plan: Layout) -> tuple[tuple[RGB, RGB], ...]:
    pairs = {(plan.paper, p.fill) for p in plan.panels}
    pairs |= {(t.ground, t.fill) for t in plan.texts}
    for b in plan.bars:
        pairs |= {(b.ground, b.track), (b.track, b.fill), (b.ground, b.fill)}
    return tuple(sorted(pairs))


@cache
def _palette(pairs: tuple[tuple[RGB, RGB], ...]) -> Image.Image:
    """Every colour the card can hold: each ink over its ground, in 16 anti-aliasing steps.

    The card is a few flat colours and their edges, so mapping onto this fixed palette
    looks the same as an RGB PNG, in a third of the bytes, and costs ~3 ms where
    finding a palette per card cost ~13 ms (a busy server pays it once per result).
    """
    colours = dict.fromkeys(_mix(bg, fg, i / 15) for bg, fg in pairs for i in range(16))
    flat = [v for rgb in list(colours)[:256] for v in rgb]
    img = Image.new("P", (1, 1))
    img.putpalette(flat + [0] * (768 - len(flat)))
    return img
