"""A section of the result page as one HTML element: its heading, the sentences before and
after its picture, and the picture (`survey/standing.py`, `survey/profile_bars.py`); and
the page's headline (what the page is, the verdict, the score) the same way.

Each Streamlit element is a message sent, and drawn again, on every run of the page: as a
heading, a picture, a line and two notes, "Where you stand" was five; as one, the result
page costs the server less on every phone in the room (bench/steps.py). The look is the
one those elements had: a section heading, body text, notes in the captions' colour.

Every text is the app's own words, numbers and the questionnaire's names and tips, escaped
all the same; the only markup kept is a whole paragraph's `**bold**` (and, in a list's lead,
each `**bold**` span), applied after escaping. The picture is HTML of ours, built the same way.
"""

from __future__ import annotations

import html as markup
import re
from collections.abc import Sequence

# Each rule reaches the section's own children only: the pictures' own style sheets style
# theirs, whatever order the page's sections (each carrying this sheet) come in.
STYLE = """<style>
.result-section > h2 { margin: 0; padding: 0.75rem 0 1rem; font-size: 1.45rem; font-weight: 600;
  line-height: 1.2; letter-spacing: -0.005em; scroll-margin-top: 4rem; }
.result-section > p { margin: 0 0 1rem; font-size: 1rem; line-height: 1.6; }
.result-section > p.result-note { font-size: 0.875rem; line-height: 1.5; color: #5c566b; }
.result-section .standing, .result-section .profile-bars { margin-bottom: 1rem; }
.result-section > ul { margin: 0 0 1rem; padding-left: 1.5rem; }
.result-section > ul > li { font-size: 1rem; line-height: 1.6; margin-bottom: 0.25rem; }
.result-section > :last-child { margin-bottom: 0; }
</style>"""
# The headline as Streamlit drew it: a caption, the page's title, a metric or two.
HEADLINE_STYLE = """<style>
.result-headline p { margin: 0; }
.result-headline .result-kicker { font-size: 0.875rem; line-height: 1.5; color: #5c566b; }
.result-headline h1 { margin: 0; padding: 2.25rem 0 1.2rem; font-size: 2.75rem; font-weight: 700;
  line-height: 1.2; }
.result-scores { display: flex; flex-wrap: wrap; gap: 1rem; }
.result-scores p { flex: 1 1 8rem; display: flex; flex-direction: column; }
.result-scores .result-score-label { font-size: 0.875rem; line-height: 1.6;
  padding-bottom: 0.2rem; }
.result-scores .result-score-value { font-size: 2.25rem; line-height: 1.2;
  padding-bottom: 0.25rem; }
</style>"""


def _paragraph(text: str, note: bool = False) -> str:
    said = markup.escape(text)
    if len(text) > 4 and text.startswith("**") and text.endswith("**"):
        said = f"<strong>{markup.escape(text[2:-2])}</strong>"
    return f'<p class="result-note">{said}</p>' if note else f"<p>{said}</p>"


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def listing(groups: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Paragraphs each followed by a list: for each (lead, items), the lead (its `**bold**`
    spans kept, after escaping) and its items as a bulleted list."""
    return "".join(
        f"<p>{_bold_spans(lead)}</p><ul>"
        + "".join(f"<li>{markup.escape(item)}</li>" for item in items)
        + "</ul>"
        for lead, items in groups
    )


def _bold_spans(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", markup.escape(text))


def html(
    heading: str,
    picture: str = "",
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> str:
    """The section: `heading`, the notes in `before`, the `picture` (our HTML), the
    paragraphs in `after`, then the notes in `notes`. Empty texts are left out."""
    parts = [f"<h2>{markup.escape(heading)}</h2>"]
    parts += [_paragraph(t, note=True) for t in before if t]
    parts.append(picture)
    parts += [_paragraph(t) for t in after if t]
    parts += [_paragraph(t, note=True) for t in notes if t]
    return STYLE + '<section class="result-section">' + "".join(parts) + "</section>"


def headline(kicker: str, title: str, scores: Sequence[tuple[str, str]]) -> str:
    """The result's headline: `kicker` (what the page is), `title` (the page's one h1: the
    verdict) and each (label, value) of `scores` as a figure under its label."""
    figures = "".join(
        f'<p><span class="result-score-label">{markup.escape(label)}</span>'
        f'<span class="result-score-value">{markup.escape(value)}</span></p>'
        for label, value in scores
    )
    return (
        HEADLINE_STYLE
        + '<header class="result-headline">'
        + f'<p class="result-kicker">{markup.escape(kicker)}</p>'
        + f"<h1>{markup.escape(title)}</h1>"
        + f'<div class="result-scores">{figures}</div></header>'
    )
