"""The room's words as pictures: the stage's word cloud, and the bars of the words by theme.

The word cloud: the room's approved phrases laid out by the `wordcloud`
package (sized by how many people gave each, horizontal only, never overlapping) and
drawn as a PNG in the app's typeface and the event's colours.

The picture is drawn at one size (CANVAS) and the browser scales it to the screen, so
the words keep their proportions at 1920x1080, 1280x720 and 1024x768 alike; MIN_FONT is
chosen so the smallest word is still about 28 px on a 1024-wide projector. Phrases that
do not fit at that size are left out (`Cloud.left_out`), never drawn too small to read.
What is drawn is also listed as text (`Cloud.alt`), for screen readers and tests.
"""

from __future__ import annotations

import functools
import io
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from PIL import ImageFont

from survey import charts
from survey.i18n import _

FONT = Path(__file__).resolve().parent / "fonts" / "SourceSans3-Semibold.ttf.woff2"
CANVAS = (1600, 680)  # px; about the shape of the stage's body at each of the three sizes
# The layout is computed at half size and drawn at full size (wordcloud's `scale`): the
# search for room costs a quarter as much. At full size, words are MIN_FONT * SCALE to
# MAX_FONT * SCALE px; the picture is shown about 960 px wide at 1024x768, where the
# smallest (48 px) is about 29 px and the largest (160 px) about 96 px.
SCALE = 2
MIN_FONT = 24
MAX_FONT = 80
MAX_WORDS = 60  # more is a list, not a cloud; the rest wait (most given first)
SEED = 7  # one layout for one set of phrases: the cloud does not jump between polls


@dataclass(frozen=True)
class Placed:
    text: str
    people: int
    size: int  # font size in px, at CANVAS
    at: tuple[int, int]  # left, top where it is drawn, in px, at CANVAS
    # left, top, right, bottom of its ink in px, at CANVAS. wordcloud fits words into the
    # gaps between other words' ink, so boxes may meet where no two letters do.
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Cloud:
    placed: tuple[Placed, ...]
    left_out: int  # phrases given that did not fit (or were beyond MAX_WORDS)
    png: bytes

    @property
    def alt(self) -> str:
        """The picture as text: every phrase drawn, with how many people gave it (in the
        reader's language when asked, so one drawing serves every language)."""
        if not self.placed:
            return _("Word cloud: no words yet")
        words = "; ".join(f"{p.text} ({p.people})" for p in self.placed)
        return _("Word cloud of the room's words: {words}").format(words=words)


def draw(counts: dict[str, int], ink: str, accent: str, canvas: tuple[int, int] = CANVAS) -> Cloud:
    """The cloud of `counts` (phrase -> people), its most given phrases in `accent`,
    the rest in `ink`, on a transparent background."""
    from wordcloud import WordCloud  # imported here: it brings matplotlib (~0.4 s, once)

    chosen = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_WORDS])
    if not chosen:
        return Cloud((), 0, b"")
    top = max(chosen.values())

    def colour(word, font_size, position, orientation, random_state=None, **kwargs):
        return accent if chosen.get(word) == top else ink

    width, height = canvas
    wc = WordCloud(
        font_path=str(_ttf()),
        width=width // SCALE,
        height=height // SCALE,
        scale=SCALE,
        prefer_horizontal=1.0,  # read from the back of a hall: nothing on its side
        min_font_size=MIN_FONT,
        max_font_size=MAX_FONT,
        font_step=3,
        relative_scaling=0.6,
        margin=16,
        max_words=MAX_WORDS,
        random_state=random.Random(SEED),
        background_color=None,
        mode="RGBA",
        color_func=colour,
        repeat=False,
    )
    wc.generate_from_frequencies(chosen)
    placed = [_placed(layout, chosen) for layout in wc.layout_]
    out = io.BytesIO()
    wc.to_image().save(out, format="PNG", compress_level=3)  # optimize=True: +1.5 s
    return Cloud(tuple(placed), len(counts) - len(placed), out.getvalue())


def warm() -> None:
    """Import wordcloud and make the typeface ready ahead of the first cloud (about 1 s,
    more on a busy machine), so the first approved phrase reaches the stage as fast as
    the next ones."""
    draw({"warm": 1}, "#000000", "#000000")


def _placed(layout, counts: dict[str, int]) -> Placed:
    """One entry of WordCloud.layout_ (((word, freq), size, (row, col), orientation,
    colour)) with the box its text takes, measured with the same font."""
    (word, _), size, (top, left), _, _ = layout
    size, top, left = size * SCALE, top * SCALE, left * SCALE  # as drawn
    # wordcloud draws through PIL's TransposedFont, which puts the top of the ink at the
    # position: the box is the one measured from the ink's left top (the "lt" anchor).
    x0, y0, x1, y1 = ImageFont.truetype(str(_ttf()), size).getbbox(word, anchor="lt")
    box = (int(left + x0), int(top + y0), int(left + x1), int(top + y1))
    return Placed(word, int(counts[word]), int(size), (int(left), int(top)), box)


@functools.cache
def _ttf() -> Path:
    """The typeface as plain TrueType, made once per process: FreeType reads the shipped
    WOFF2 too, but decompresses it on every size wordcloud tries (12 ms each)."""
    from fontTools.ttLib import TTFont

    path = Path(tempfile.gettempdir()) / f"believer-cloud-{os.getuid()}-{FONT.stem}"
    if not path.exists():
        font = TTFont(str(FONT))
        font.flavor = None
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(tmp))
        os.replace(tmp, path)  # whole, even with several workers at once
    return path


def themes_figure(counts: dict[str, int], accent: str, font: int = 24) -> go.Figure:
    """One horizontal bar per theme (in the file's order, top down), its length how many
    people gave a shown phrase of it, the number at the bar's end."""
    names = list(counts)[::-1]  # Plotly draws the first category at the bottom
    values = [counts[n] for n in names]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=accent,
            text=[str(v) for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    top = max(values, default=0)
    fig.update_xaxes(visible=False, range=[0, max(top, 1) * 1.15])
    return charts.layout(fig, True, None, font, showlegend=False, bargap=0.35)
