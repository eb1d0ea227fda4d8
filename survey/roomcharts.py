"""Plotly figures for rooms compared side by side (the comparison report), from values.

Sized for a printed page, in the same style as the live charts (`charts.layout`).
"""

from __future__ import annotations

import plotly.graph_objects as go

from survey.charts import COLORS, PRINT_MAX_HEIGHT, layout
from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, SPECTATOR

# One colour per room, distinguishable in print and for common colour-vision deficiencies.
ROOM_COLORS = ["#6C2BD9", "#E69F00", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#56B4E9"]


def _room_color(i: int) -> str:
    return ROOM_COLORS[i % len(ROOM_COLORS)]


def rooms_split(labels: list[str], believers: list[int], spectators: list[int]) -> go.Figure:
    """Each room's believer/spectator split as one 100% stacked horizontal bar per room."""
    totals = [max(b + s, 1) for b, s in zip(believers, spectators, strict=True)]
    fig = go.Figure()
    for klass, counts in ((BELIEVER, believers), (SPECTATOR, spectators)):
        shares = [100 * n / t for n, t in zip(counts, totals, strict=True)]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=shares,
                orientation="h",
                name=klass.capitalize() + "s",
                marker_color=COLORS[klass],
                text=[f"{n} ({sh:.0f}%)" for n, sh in zip(counts, shares, strict=True)],
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    fig.update_xaxes(range=[0, 100], title="% of the room's complete responses")
    fig.update_yaxes(autorange="reversed")
    height = min(PRINT_MAX_HEIGHT, 140 + 48 * len(labels))
    top = {"orientation": "h", "y": 1.02, "yanchor": "bottom"}  # clear of the axis title
    return layout(fig, False, height, barmode="stack", legend=top)


def rooms_histogram(
    labels: list[str], edges: list[float], counts: list[list[int]], threshold: float
) -> go.Figure:
    """Each room's overall scores as the share of its responses per bin, one line per room.

    Shares, not counts, so a room of 40 and a room of 400 can be read on one axis.
    """
    mids = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
    fig = go.Figure()
    for i, (label, row) in enumerate(zip(labels, counts, strict=True)):
        total = max(sum(row), 1)
        fig.add_trace(
            go.Scatter(
                x=mids,
                y=[100 * c / total for c in row],
                mode="lines+markers",
                name=label,
                line={"width": 3, "color": _room_color(i)},  # straight: a spline dips below 0
            )
        )
    fig.add_vline(x=threshold, line_width=3, line_dash="dash", line_color="#1F1933")
    fig.add_annotation(
        x=threshold, y=1, yref="paper", text=f"Threshold {threshold:g}", showarrow=False, yshift=12
    )
    fig.update_xaxes(range=[0, 100], title="Overall score")
    fig.update_yaxes(title="% of the room", rangemode="tozero")
    return layout(fig, False, 420)


def rooms_dimensions(
    q: Questionnaire, labels: list[str], means: list[dict[str, float]]
) -> go.Figure:
    """Each room's mean score per dimension, as grouped horizontal bars (one colour a room)."""
    names = [d.name for d in q.dimensions]
    fig = go.Figure()
    for i, (label, m) in enumerate(zip(labels, means, strict=True)):
        fig.add_trace(
            go.Bar(
                y=names,
                x=[m[d] for d in q.dimension_ids],
                orientation="h",
                name=label,
                marker_color=_room_color(i),
                text=[f"{m[d]:.0f}" for d in q.dimension_ids],
                textposition="outside",
            )
        )
    fig.update_xaxes(range=[0, 110], title="Mean score (0-100)")
    fig.update_yaxes(autorange="reversed")
    # Capped so the chart still fits one printed page beside its heading.
    height = min(PRINT_MAX_HEIGHT, 160 + 26 * len(names) * max(len(labels), 2))
    return layout(fig, False, height, barmode="group")
