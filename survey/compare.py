"""Rooms compared: two or more sessions side by side, as one self-contained HTML file.

Only rooms with at least k complete responses are drawn; the others are named
with their counts. Each room's numbers are those of its own session report
(`roomstats.room_numbers`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

from survey import aggregate, htmldoc, i18n, roomcharts
from survey.questionnaire import Questionnaire
from survey.roomstats import RoomNumbers, load_room, room_numbers
from survey.store import Store


def compare_html(
    store: Store,
    codes: Sequence[str] | None = None,
    k: int | None = None,
    now: datetime | None = None,
    include_demo: bool = False,
) -> bytes:
    """Two or more sessions (or every session, with None) side by side, as HTML bytes.

    Demo rows are left out unless `include_demo`. Raises KeyError for an unknown code.
    """
    sessions = store.list_sessions() if codes is None else []
    for code in codes or ():
        session = store.get_session(code)
        if session is None:
            raise KeyError(code)
        sessions.append(session)
    rooms = []
    for session in sessions:
        room, prints, left_out = load_room(store, session["code"], include_demo)
        rooms.append(room_numbers(session, room, prints, k, left_out)[0])
    return render_compare(store.q, rooms, now).encode("utf-8")


def render_compare(
    q: Questionnaire, rooms: Sequence[RoomNumbers], now: datetime | None = None
) -> str:
    """Rooms compared as an HTML string: only rooms with at least k complete responses.

    In English whoever asks, as the session report is: the charts' words (survey.charts
    speaks the reader's language on the stage) would otherwise be French in an English page."""
    with i18n.language(i18n.SOURCE):
        return _render_compare(q, rooms, now)


def _render_compare(
    q: Questionnaire, rooms: Sequence[RoomNumbers], now: datetime | None = None
) -> str:
    shown = [r for r in rooms if r.shown]
    hidden = [r for r in rooms if not r.shown]
    k = rooms[0].k if rooms else aggregate.min_group()
    labels = [f"{r.code} (n={r.n_complete})" for r in shown]
    table = htmldoc.table(
        ["Room", "Title", "n", "Believers", "Spectators", "Mean score"],
        [
            [
                html.escape(r.code),
                html.escape(r.title),
                htmldoc.stat("n_complete", r.n_complete, r.code),
                _counted("believers", r.believers, r),
                _counted("spectators", r.spectators, r),
                htmldoc.stat("mean_overall", f"{r.mean_overall:.1f}", r.code),
            ]
            for r in shown
        ],
    )
    made = html.escape(htmldoc.when(now or datetime.now(UTC)))
    body = htmldoc.facts([("Report made", made), ("Rooms shown", str(len(shown)))])
    if hidden:
        names = ", ".join(f"{html.escape(r.code)} ({r.n_complete})" for r in hidden)
        body += f'<p class="few">Not shown, with fewer than {k} complete responses: {names}.</p>'
    prints = {f for r in shown for f in r.fingerprints}
    if len(prints) > 1:
        body += (
            '<p class="note">These rooms answered different versions of the questionnaire '
            f"({len(prints)} fingerprints; see each room's report): compare them with care.</p>"
        )
    if any(r.n_demo for r in shown):
        body += '<p class="note">Some rooms include demo (synthetic rehearsal) responses.</p>'
    if left_out := sum(r.demo_left_out for r in rooms):
        body += f'<p class="note">{htmldoc.demo_left_out(left_out)}</p>'
    sections = [htmldoc.page("overview", "", body + table, h1="Rooms compared")]
    if shown:
        sections += [
            htmldoc.section(
                "split",
                "Believers and spectators",
                "Each room's split, as a share of its complete responses.",
                roomcharts.rooms_split(
                    labels, [r.believers for r in shown], [r.spectators for r in shown]
                ),
            ),
            htmldoc.section(
                "distribution",
                "Score distributions",
                "The share of each room's responses in each 5-point bin of the overall score.",
                roomcharts.rooms_histogram(
                    labels, shown[0].hist_edges, [r.hist_counts for r in shown], q.threshold
                ),
            ),
            _rooms_profiles(q, shown, labels),
        ]
    return htmldoc.document("Rooms compared", sections)


def _counted(key: str, n: int, r: RoomNumbers) -> str:
    return f"{htmldoc.stat(key, n, r.code)} ({r.share(n):.0f}%)"


def _rooms_profiles(q: Questionnaire, shown: Sequence[RoomNumbers], labels: list[str]) -> str:
    fig = roomcharts.rooms_dimensions(q, labels, [r.dim_means for r in shown])
    rows = [
        [
            html.escape(d.name),
            *(htmldoc.stat(f"dim_{d.id}", f"{r.dim_means[d.id]:.1f}", r.code) for r in shown),
        ]
        for d in q.dimensions
    ]
    table = htmldoc.table(["Dimension", *(html.escape(r.code) for r in shown)], rows, small=True)
    text = "<p>Each room's mean score (0-100) per dimension.</p>"
    return htmldoc.page(
        "profiles", "Dimension profiles", text + htmldoc.chart("profiles", fig) + table
    )
