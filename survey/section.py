"""A section of the result page as one HTML element: its heading, the sentences before and
after its picture, and the picture (`survey/standing.py`, `survey/profile_bars.py`).

Each Streamlit element is a message sent, and drawn again, on every run of the page: as a
heading, a picture, a line and two notes, "Where you stand" was five; as one, the result
page costs the server less on every phone in the room (bench/steps.py). The look is the
one those elements had: a section heading, body text, notes in the captions' colour.

Every text is the app's own words, numbers and the questionnaire's names, escaped all the
same; the only markup kept is a whole paragraph's `**bold**`, applied after escaping.
The picture is HTML of ours, built the same way.
"""

from __future__ import annotations

import html as markup
from collections.abc import Sequence

STYLE = """<style>
.result-section h2 { margin: 0; padding: 0.75rem 0 1rem; font-size: 1.45rem; font-weight: 600;
  line-height: 1.2; letter-spacing: -0.005em; scroll-margin-top: 4rem; }
.result-section p { margin: 0 0 1rem; font-size: 1rem; line-height: 1.6; }
.result-section p.result-note { font-size: 0.875rem; line-height: 1.5; color: #5c566b; }
.result-section .standing, .result-section .profile-bars { margin-bottom: 1rem; }
.result-section > :last-child { margin-bottom: 0; }
</style>"""


def _paragraph(text: str, note: bool = False) -> str:
    said = markup.escape(text)
    if len(text) > 4 and text.startswith("**") and text.endswith("**"):
        said = f"<strong>{markup.escape(text[2:-2])}</strong>"
    return f'<p class="result-note">{said}</p>' if note else f"<p>{said}</p>"


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
