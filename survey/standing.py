""" "Where you stand": the room's scores as a small picture, with the participant's own
marked, for the top of the result page on a phone.

Plain HTML and CSS built from numbers and the app's own words only (in the reader's
language, escaped; never a participant's or facilitator's text), so the page can draw
it with `st.html`: no charting library to download on the venue's Wi-Fi, and the page's
own font. The counts are the room's published ones (`aggregate.Comparison.hist_counts`),
so the picture moves in the same steps of k as every other figure of the room.
"""

from __future__ import annotations

import html as markup
from collections.abc import Sequence

from survey.aggregate import HIST_BIN
from survey.i18n import _
from survey.result import number
from survey.scoring import BELIEVER, SPECTATOR

COLORS = {BELIEVER: "#6C2BD9", SPECTATOR: "#6B7280"}  # the participant's own bin
FAINT = {BELIEVER: "#D9CCF5", SPECTATOR: "#DCDEE0"}  # everyone else's
INK = "#31333F"

STYLE = """<style>
.standing { position: relative; padding-top: 2.3rem; max-width: 520px; color: #31333F; }
.standing-you { position: absolute; top: 0; white-space: nowrap; font-weight: 700;
  font-size: 0.95rem; line-height: 1.3rem; }
.standing-pointer { position: absolute; top: 1.35rem; width: 0; height: 0;
  transform: translateX(-50%); border: 7px solid transparent;
  border-top: 8px solid #31333F; border-bottom: 0; }
.standing-plot { position: relative; height: 112px; border-bottom: 1px solid #31333F; }
.standing-bars { position: absolute; left: 0; right: 0; bottom: 0; height: 88px;
  display: flex; align-items: flex-end; gap: 2px; }
.standing-bars span { flex: 1; border-radius: 2px 2px 0 0; }
.standing-threshold { position: absolute; top: 0; bottom: 0; width: 0;
  border-left: 2px dashed #31333F; }
.standing-threshold span { position: absolute; top: 0; white-space: nowrap;
  font-size: 0.8rem; line-height: 1rem; }
.standing-axis { display: flex; justify-content: space-between; font-size: 0.8rem;
  padding-top: 0.2rem; }
</style>"""


def _place(percent: float) -> str:
    """CSS that centres a label over `percent` of the width without leaving the box."""
    if percent < 12:
        return "left: 0"
    if percent > 88:
        return "right: 0"
    return f"left: {percent:.1f}%; transform: translateX(-50%)"


def html(counts: Sequence[int], you: float, threshold: float) -> str:
    """The room's scores in bins of HIST_BIN from 0 to 100 as bars (the believers' side
    in the believers' colour), the threshold as a dashed line, and the participant's
    score as their own bin in full colour under a "You" pointer."""
    tallest = max(max(counts, default=0), 1)
    mine = min(int(you // HIST_BIN), len(counts) - 1) if counts else -1
    bars = []
    for i, n in enumerate(counts):
        klass = BELIEVER if i * HIST_BIN >= threshold else SPECTATOR
        fill = COLORS[klass] if i == mine else FAINT[klass]
        height = 0 if n == 0 else max(4.0, 100 * n / tallest)
        bars.append(f'<span style="height: {height:.1f}%; background: {fill}"></span>')
    at = min(max(you, 0.0), 100.0)
    t = min(max(threshold, 0.0), 100.0)
    side = "right: 0.35rem" if t > 55 else "left: 0.35rem"
    # The app's own words in the reader's language, escaped all the same.
    label = markup.escape(
        _(
            "The room's scores from 0 to 100 as bars; yours, {score}, is marked; "
            "believers score from {threshold}."
        ).format(score=f"{you:.0f}", threshold=number(threshold))
    )
    mark = markup.escape(_("You · {score}").format(score=f"{you:.0f}"))
    from_ = markup.escape(_("Believer from {threshold}").format(threshold=number(threshold)))
    return (
        STYLE
        + f'<div class="standing" role="img" aria-label="{label}">'
        + f'<div class="standing-you" style="{_place(at)}">{mark}</div>'
        + f'<div class="standing-pointer" style="left: {at:.1f}%"></div>'
        + '<div class="standing-plot"><div class="standing-bars">'
        + "".join(bars)
        + "</div>"
        + f'<div class="standing-threshold" style="left: {t:.1f}%">'
        + f'<span style="{side}">{from_}</span></div></div>'
        + '<div class="standing-axis"><span>0</span><span>50</span><span>100</span></div>'
        + "</div>"
    )
