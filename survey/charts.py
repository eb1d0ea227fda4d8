"""Chart builders: values in, plotly graph_objects figures out (no Streamlit).

graph_objects, not plotly.express: it is ~20x cheaper per figure, and the
dashboard rebuilds its figures every few seconds.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from survey.aggregate import Summary
from survey.i18n import N_, _
from survey.questionnaire import Item, Questionnaire
from survey.scoring import BELIEVER, SPECTATOR

COLORS = {BELIEVER: "#6C2BD9", SPECTATOR: "#9AA0A6"}
CLASS_NAMES = {BELIEVER: N_("Believers"), SPECTATOR: N_("Spectators")}  # see `class_name`
# Diverging Likert palette: never .. very often.
LIKERT = ["#C0392B", "#E59866", "#D5D8DC", "#7FB3D5", "#2471A3"]
# Pass as st.plotly_chart(config=CONFIG): Plotly's toolbar would pop up over the projection.
CONFIG = {"displayModeBar": False}
PRINT_MAX_HEIGHT = 800  # px: a chart plus its heading must fit one A4 or Letter page
LABEL_WRAP = 48  # characters per line of an item's text: 2 lines for most items at 24 px
# The page's own type (Streamlit's sans-serif stack): Plotly's default is Open Sans, so
# charts would read in a second font beside the page's text.
FONT_FAMILY = '"Source Sans", sans-serif'


def layout(
    fig: go.Figure, big: bool, height: int | None, font: int | None = None, **kw
) -> go.Figure:
    base = {
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"size": font or (20 if big else 13), "family": FONT_FAMILY},
        # Above the plot: below it, the legend ran into the x axis title.
        # Anchored to the whole figure, not the plot area: one row even beside long labels.
        "legend": {
            "orientation": "h",
            "x": 0,
            "xref": "container",
            "y": 1.02,
            "yanchor": "bottom",
        },
        "uniformtext": {"minsize": font or 0, "mode": "hide"},  # never shrink bar text
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    if height is not None:  # None: the page sizes it (the stage stretches charts to fit)
        base["height"] = height
    fig.update_layout({**base, **kw})
    # Our own theme (theme=None): let the axes make room for their labels.
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def class_name(klass: str) -> str:
    """A class's people in the reader's language ("Believers", "Convaincus")."""
    return _(CLASS_NAMES[klass])


def split_bar(s: Summary, big: bool = True, font: int | None = None) -> go.Figure:
    """Believers vs spectators, as one horizontal stacked bar with counts and shares."""
    fig = go.Figure()
    total = max(s.believers + s.spectators, 1)
    for klass, n in ((BELIEVER, s.believers), (SPECTATOR, s.spectators)):
        fig.add_trace(
            go.Bar(
                x=[n],
                y=[""],
                orientation="h",
                name=class_name(klass),
                marker_color=COLORS[klass],
                text=[f"{class_name(klass)} {n} ({100 * n / total:.0f}%)"],
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    fig.update_xaxes(visible=False)
    return layout(fig, big, 160, font, barmode="stack", showlegend=False, margin={"t": 0, "b": 0})


def histogram(
    s: Summary,
    threshold: float,
    big: bool = True,
    hypothetical: bool = False,
    font: int | None = None,
    height: int | None = 380,
) -> go.Figure:
    """Overall scores in bins, coloured by side of the threshold, with the threshold marked."""
    mids = [(a + b) / 2 for a, b in zip(s.hist_edges, s.hist_edges[1:], strict=False)]
    colors = [COLORS[BELIEVER] if m >= threshold else COLORS[SPECTATOR] for m in mids]
    fig = go.Figure(
        go.Bar(x=mids, y=s.hist_counts, marker_color=colors, width=4.6, name=_("responses"))
    )
    label = (_("What-if {value}") if hypothetical else _("Threshold {value}")).format(
        value=f"{threshold:g}"
    )
    fig.add_vline(x=threshold, line_width=3, line_dash="dash", line_color="#1F1933")
    fig.add_annotation(
        x=threshold, y=1, yref="paper", text=label, showarrow=False, xanchor="left", xshift=8
    )
    fig.update_xaxes(range=[0, 100], title=_("Overall score"))
    # Whole people only: Plotly's own ticks went 0, 0.5, 1 for a small room.
    top = max(s.hist_counts, default=0)
    step = whole_step(top)
    # No "0" at the foot of the axis: it sat on the score axis's own "0".
    fig.update_yaxes(
        title=_("People"), tickvals=list(range(step, top + step, step)), rangemode="tozero"
    )
    return layout(fig, big, height, font, showlegend=False)


def whole_step(top: int, ticks: int = 5) -> int:
    """A tick step in whole numbers (1, 2, 5, 10, 20, 50, ...) giving about `ticks` ticks
    up to `top`."""
    step = 1
    while top / step > ticks:
        for factor in (2, 2.5, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step = int(step * factor)
            if top / step <= ticks:
                break
    return step


def dimension_bars(
    s: Summary,
    q: Questionnaire,
    big: bool = True,
    classes: Sequence[str] = (SPECTATOR, BELIEVER),
    font: int | None = None,
    height: int | None = 520,
) -> go.Figure:
    """Mean dimension scores for believers vs spectators, as grouped horizontal bars.

    Only `classes` are drawn: the stage leaves out a class under the minimum group size.
    """
    names = [d.name for d in q.dimensions]
    fig = go.Figure()
    for klass in (SPECTATOR, BELIEVER):
        means = s.dim_means.get(klass)
        if not means or klass not in classes:
            continue
        fig.add_trace(
            go.Bar(
                y=names,
                x=[means[d] for d in q.dimension_ids],
                orientation="h",
                name=class_name(klass),
                marker_color=COLORS[klass],
                text=[f"{means[d]:.0f}" for d in q.dimension_ids],
                textposition="outside",
            )
        )
    fig.update_xaxes(range=[0, 110], title=_("Mean score (0-100)"))
    fig.update_yaxes(autorange="reversed")
    # Believers first in the legend, as in the title ("believers against spectators").
    return layout(fig, big, height, font, barmode="group", legend_traceorder="reversed")


def likert_bars(
    s: Summary,
    q: Questionnaire,
    big: bool = True,
    items: Sequence[str] | None = None,
    font: int | None = None,
    height: int | None = None,
    legend: bool = True,
    wrap: int = LABEL_WRAP,
    mark_reverse: bool = True,
) -> go.Figure:
    """Diverging stacked bars: each item's answer shares, centred on the neutral point.

    Every item's text is shown whole, wrapped; the legend runs in scale order and the
    axis is symmetric around the neutral point. `items` picks and orders the items.
    `mark_reverse`: "(R)" after a reverse-keyed item (the report explains it; the stage
    does not, so it leaves it out).
    """
    wanted = q.item_ids if items is None else items
    items = [q.item(i) for i in wanted if i in s.item_shares]
    labels = [item_label(it, wrap, mark_reverse) for it in items]
    shares = [s.item_shares[it.id] for it in items]
    fig = go.Figure()
    # Left of zero: half the neutral share, then point 2, then point 1 (stacked outwards).
    for idx, sign in ((2, -0.5), (1, -1), (0, -1), (2, 0.5), (3, 1), (4, 1)):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[sign * sh[idx] for sh in shares],
                orientation="h",
                name=q.scale[idx],
                marker_color=LIKERT[idx],
                legendgroup=q.scale[idx],
                legendrank=idx,  # Never .. Very often, whatever order the traces stack in
                showlegend=sign != -0.5,
                customdata=[sh[idx] for sh in shares],
                hovertemplate="%{y}<br>" + q.scale[idx] + ": %{customdata:.0f}%<extra></extra>",
            )
        )
    reach = _symmetric_reach(shares)
    every = 25 if reach > 50 else 10
    ticks = list(range(-(reach // every) * every, reach + 1, every))  # 0 always a tick
    fig.update_xaxes(
        range=[-reach, reach],
        tickvals=ticks,
        ticktext=[f"{abs(t)}%" for t in ticks],
        zeroline=True,
        zerolinecolor="#5F5A70",
    )
    sides = ((-reach, _("← less often"), "left"), (reach, _("more often →"), "right"))
    for x, text, anchor in sides:
        fig.add_annotation(
            x=x, y=1, yref="paper", text=text, showarrow=False, xanchor=anchor, yanchor="bottom"
        )
    fig.update_yaxes(autorange="reversed")
    lines = sum(label.count("<br>") + 1 for label in labels)
    if height is None:
        height = 120 + 30 * lines
    return layout(
        fig, big, height, font, barmode="relative", legend_traceorder="normal", showlegend=legend
    )


def likert_legend(q: Questionnaire, font: int | None = None) -> go.Figure:
    """The answer scale, Never .. Very often, as a one-row figure of its own.

    Beside long item labels a Plotly legend only gets the plot area's width and wraps
    into a column on a small projector; a figure of its own gets the whole width.
    """
    fig = go.Figure(
        go.Scatter(
            x=list(range(len(q.scale))),
            y=[0] * len(q.scale),
            mode="markers+text",
            marker={"symbol": "square", "size": font or 20, "color": LIKERT},
            text=list(q.scale),
            textposition="middle right",
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(visible=False, range=[-0.1, len(q.scale) - 0.1])
    fig.update_yaxes(visible=False)
    size = font or 20
    return layout(
        fig, True, 2 * size + 10, font, showlegend=False, margin={"l": 0, "r": 0, "t": 0, "b": 0}
    )


def _symmetric_reach(shares: list[list[float]]) -> int:
    """The half-width of the Likert axis: the longest side of any bar, up to the next 10."""
    sides = [max(sh[0] + sh[1] + sh[2] / 2, sh[4] + sh[3] + sh[2] / 2) for sh in shares]
    return int(min(100, max(10, 10 * math.ceil(max(sides, default=0) / 10))))


def timeline(
    s: Summary, big: bool = True, font: int | None = None, height: int | None = 300
) -> go.Figure:
    """Cumulative complete responses per minute."""
    minutes, cumulative = s.timeline
    fig = go.Figure(
        go.Scatter(
            x=minutes,
            y=cumulative,
            mode="lines+markers",
            line={"shape": "hv", "width": 3, "color": COLORS[BELIEVER]},
        )
    )
    fig.update_yaxes(
        title=_("Finished"),  # short: it stands on end beside the axis, even at 1024x768
        rangemode="tozero",
        dtick=whole_step(max(cumulative, default=0)),
    )
    # Clock times (14:05), without seconds or the date Plotly writes under the first tick.
    span = (max(minutes) - min(minutes)).total_seconds() / 60 if len(minutes) > 1 else 0
    # Whole minutes apart, so two ticks never read the same time.
    fig.update_xaxes(
        tickformat="%H:%M",
        hoverformat="%H:%M",
        dtick=60_000 * whole_step(span),
        # The first clock time can fall at the axis' left end, right under the count's "0":
        # set the times lower by more than half a line, so the two never touch.
        ticklabelstandoff=round(0.6 * (font or (20 if big else 13))),
    )
    return layout(fig, big, height, font, showlegend=False)


def label_wrap(
    texts: Sequence[str], lines: int = 3, least: int = LABEL_WRAP, most: int = 64
) -> int:
    """Characters per line so that every one of `texts` wraps to at most `lines` lines:
    `least` when that is enough, wider for a language whose items run longer (French,
    German), up to `most`. Four items of three lines are what a 1024x768 stage holds."""
    for width in range(least, most + 1):
        if all(len(textwrap.wrap(t, width)) <= lines for t in texts):
            return width
    return most


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def item_label(item: Item, width: int = LABEL_WRAP, mark_reverse: bool = True) -> str:
    """An item's whole text, wrapped, with (R) on a reverse-keyed one if `mark_reverse`."""
    return _wrap(item.text + (" (R)" if item.reverse and mark_reverse else ""), width)


def _wrap(text: str, width: int = LABEL_WRAP) -> str:
    """The whole text on a few lines (Plotly breaks lines only at <br>)."""
    return "<br>".join(textwrap.wrap(text, width))
