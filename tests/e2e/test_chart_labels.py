"""Chart labels drawn by plotly.js in Chromium, for figures whose layout depends on the
data's own values: the stage's "over time" view puts its first clock time wherever the
session's first finish falls, so every minute of the hour is tried here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import plotly
import plotly.io as pio
import pytest

from survey import charts
from survey.aggregate import Summary

pytestmark = pytest.mark.e2e
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STAGE_FONT = 24  # the stage's chart text (survey/ui/stage.py CHART_FONT)

TICKS = """() => [...document.querySelectorAll('.xtick text, .ytick text')].map(t => {
  const r = t.getBoundingClientRect();
  return {axis: t.closest('.xtick') ? 'x' : 'y', text: t.textContent,
          left: r.left, top: r.top, right: r.right, bottom: r.bottom};
})"""


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def test_over_time_clock_times_never_touch_the_counts_whatever_minute_the_room_began(new_page):
    page = new_page({"width": 1920, "height": 1080})
    page.set_content('<div id="g" style="width:1880px;height:800px"></div>')
    page.add_script_tag(path=str(PLOTLY_JS))
    touching = []
    for first in range(0, 60, 3):
        for minutes in (2, 20, 45):
            start = datetime(2026, 12, 3, 17, first, tzinfo=UTC)
            times = [start + timedelta(minutes=i) for i in range(minutes)]
            counts = list(range(3, 3 * minutes + 3, 3))
            s = Summary(minutes * 3, 0, 0, timeline=(times, counts))
            fig = pio.to_json(charts.timeline(s, True, STAGE_FONT, None))
            page.evaluate(
                "f => { const o = JSON.parse(f); return Plotly.react('g', o.data, o.layout); }", fig
            )
            ticks = page.evaluate(TICKS)
            xs = [t for t in ticks if t["axis"] == "x"]
            ys = [t for t in ticks if t["axis"] == "y"]
            assert xs and ys, "both axes are labelled"
            touching += [
                f"{start:%H:%M} + {minutes} min: {x['text']} on {y['text']}"
                for x in xs
                for y in ys
                if overlaps(x, y)
            ]
    assert not touching, touching
