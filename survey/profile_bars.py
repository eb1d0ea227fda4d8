""" "Your profile": a bar per dimension, the participant's score out of 100, with the
room's average as a dark mark once the room may be shown.

One HTML element for the whole profile, where seven of Streamlit's progress bars, their
container and the marks' style sheet were ten: every element is sent and drawn again on
each run of the result page. Each bar is a `progressbar` with its value and its label as
its accessible name, as Streamlit's are.

Built from numbers, the questionnaire's dimension names and the app's own words
(`result.profile_bars`), all escaped; the only markup kept from a label is its bold
(`**name**`), applied after escaping, so nothing in a name can become HTML.
"""

from __future__ import annotations

import html as markup
import re
from collections.abc import Sequence

from survey.result import ProfileBar

FILL = "#6C2BD9"  # the theme's primary colour, as Streamlit's bars
MARK = "#1F1933"  # the room's average: the theme's text colour
BOLD = re.compile(r"\*\*(.+?)\*\*")

STYLE = f"""<style>
.profile-bars {{ display: flex; flex-direction: column; gap: 0.9rem; color: {MARK}; }}
.profile-bars p {{ margin: 0 0 0.35rem; font-size: 0.875rem; line-height: 1.4; }}
.profile-track {{ position: relative; height: 0.5rem; border-radius: 0.25rem;
  background: #E8E4F3; }}
.profile-fill {{ height: 100%; border-radius: 0.25rem; background: {FILL}; }}
.profile-room {{ position: absolute; top: -5px; bottom: -5px; width: 4px;
  border-radius: 2px; background: {MARK}; }}
</style>"""


def html(bars: Sequence[ProfileBar]) -> str:
    """The profile as one piece of HTML: each bar's label above its track, the
    participant's share of it filled, and the room's mark where the room stands."""
    rows = []
    for bar in bars:
        you = min(max(int(bar.you), 0), 100)
        text = BOLD.sub(r"<strong>\1</strong>", markup.escape(bar.label))
        name = markup.escape(bar.label.replace("**", ""))
        mark = ""
        if bar.room is not None:
            room = min(max(int(bar.room), 0), 100)
            mark = f'<div class="profile-room" style="left: calc({room}% - 2px)"></div>'
        rows.append(
            f"<div><p>{text}</p>"
            f'<div class="profile-track" role="progressbar" aria-label="{name}"'
            f' aria-valuemin="0" aria-valuemax="100" aria-valuenow="{you}">'
            f'<div class="profile-fill" style="width: {you}%"></div>{mark}</div></div>'
        )
    return STYLE + '<div class="profile-bars">' + "".join(rows) + "</div>"
