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
the result page); `layout` (survey/cardlayout.py) decides where each piece goes, with the
type and colours of survey/cardtype.py; `png` only draws it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw

from survey import theme as themes
from survey.cardlayout import SIZES, SQUARE, WIDE, Layout, layout
from survey.cardtype import RGB, mix, one_line
from survey.i18n import N_, _
from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, Result

__all__ = ["SIZES", "SQUARE", "WIDE", "Card", "card_for", "layout", "png"]

FILE_NAME = "believer-or-spectator-result.png"
WIDE_FILE_NAME = "believer-or-spectator-result-wide.png"
# The essay's own words: one line for those who live social media, one for the rest.
BELIEVER_LINE = N_("I live social media, and I'm not alone.")
SPECTATOR_LINE = N_("Begin living it.")
BELIEVER_HEADLINE = N_("I'm a Believer")
SPECTATOR_HEADLINE = N_("I'm a Spectator, for now.")
STRONGEST = N_("My strongest side")  # above a spectator's strongest dimension
MAX_HASHTAG = 40  # beyond this a hashtag is cut short with an ellipsis
MAX_LINK = 80


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
    lead: str = STRONGEST  # what leads a spectator's card to their strongest dimension

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
            body = [self.lead, self.strongest, self.headline, self.tagline]
        return [t for t in (*head, *body, self.footer, self.link) if t]


def card_for(
    q: Questionnaire, result: Result, *, hashtag: str | None = None, link: str | None = None
) -> Card:
    """What a participant's card says: the same rounded figures as their result page,
    with the event's name and accent from the questionnaire's theme, in the reader's
    language (the app's words here, the questionnaire's from `q`: pass the translated one).

    `hashtag` and `link` default to the theme's, where it has them (empty otherwise);
    a hashtag gains its "#", a link loses its "https://"."""
    theme = q.theme
    hashtag = getattr(theme, "hashtag", "") if hashtag is None else hashtag
    link = getattr(theme, "link", "") if link is None else link
    believer = result.klass == BELIEVER
    return Card(
        title=q.title,
        believer=believer,
        headline=_(BELIEVER_HEADLINE) if believer else _(SPECTATOR_HEADLINE),
        score=f"{result.overall:.0f} / 100",
        profile=tuple(
            (d.name, round(result.dimension_scores[d.id]))
            for d in q.dimensions
            if d.id in result.dimension_scores
        ),
        tagline=_(BELIEVER_LINE) if believer else _(SPECTATOR_LINE),
        event=theme.event,
        hashtag=_hashtag(hashtag or ""),
        link=_link(link or ""),
        accent=theme.accent,
        lead=_(STRONGEST),
    )


def _hashtag(text: str) -> str:
    text = "".join(one_line(text).split())  # a hashtag has no spaces
    if not text.strip("#"):
        return ""
    return "#" + text.lstrip("#")[:MAX_HASHTAG]


def _link(text: str) -> str:
    text = "".join(one_line(text).split())
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    return text.rstrip("/")[:MAX_LINK]


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
    colours = dict.fromkeys(mix(bg, fg, i / 15) for bg, fg in pairs for i in range(16))
    flat = [v for rgb in list(colours)[:256] for v in rgb]
    img = Image.new("P", (1, 1))
    img.putpalette(flat + [0] * (768 - len(flat)))
    return img
