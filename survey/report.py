"""After the talk: a session report, and rooms compared, as one self-contained HTML file.

The file opens offline and prints cleanly. Plotly's JavaScript is inlined once
in the head and nothing is fetched from anywhere, so it can be mailed to the
organisers or opened on a laptop with no network. Every section is one printed
page (A4 or Letter): the charts have a fixed width that fits both papers, and
print CSS never lets a section break across pages.

The same minimum-group rule as the stage applies: a group (the room, or the
believers or spectators inside it) with fewer than k complete responses is not
drawn; a plain note says so instead. Text from outside the code (the session
title set by the facilitator) is always HTML-escaped.

Numbers come from `aggregate.Room`, the same accumulator the live dashboard
uses, so the report and the big screen agree, and `RoomNumbers` is built once
per room by one function for both reports, so a room's numbers in the
comparison are those of its own report.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache

import plotly.graph_objects as go
import plotly.offline

from survey import aggregate, charts
from survey.aggregate import Room, Summary
from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, SPECTATOR
from survey.store import Store

# px: fits the printable width of A4 (186 mm) and Letter (192 mm) with 12 mm margins.
CHART_WIDTH = 700


@dataclass(frozen=True)
class RoomNumbers:
    """One room's figures, as both reports print them. Groups under k are left out."""

    code: str
    title: str
    created_at: str
    is_open: bool
    k: int
    n_complete: int
    n_in_progress: int
    n_demo: int
    fingerprints: tuple[str, ...]  # questionnaire versions the complete answers were given under
    believers: int = 0
    spectators: int = 0
    mean_overall: float = 0.0
    dim_means: dict[str, float] = field(default_factory=dict)
    class_dim_means: dict[str, dict[str, float]] = field(default_factory=dict)  # only classes ≥ k
    hist_edges: list[float] = field(default_factory=list)
    hist_counts: list[int] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.n_complete >= self.k

    def share(self, n: int) -> float:
        return 100 * n / self.n_complete if self.n_complete else 0.0


def load_room(store: Store, code: str) -> tuple[Room, tuple[str, ...]]:
    """A session's responses as a `Room` (unfinished ones counted), and its fingerprints."""
    cols = [*aggregate.room_columns(store.q), "fingerprint"]
    names, rows = store.rows(code, columns=cols)
    room = Room(store.q, capacity=max(len(rows), 16)).add(names, rows, version=0)
    at_status, at_fp = names.index("status"), names.index("fingerprint")
    prints = sorted({r[at_fp] for r in rows if r[at_status] == "complete" and r[at_fp]})
    return room, tuple(prints)


@dataclass(frozen=True)
class Norm:
    """ "All rooms so far": every complete response under this questionnaire version."""

    room: Room
    other_versions: int  # complete responses given under another fingerprint, left out

    @property
    def note(self) -> str:
        """What a participant's result says about the norm (or why it is narrower)."""
        n = self.room.n
        text = f"Compared with everyone who has taken this survey so far ({n} people)."
        if self.other_versions:
            text += (
                f" {self.other_versions} earlier answers were given to a different version of "
                "the questions, so they are not included."
            )
        return text


def load_norm(store: Store) -> Norm:
    """Every session's complete responses whose fingerprint matches the current questionnaire.

    Answers given under another version of the file are counted but kept out:
    the questions (or their scoring) may have been different.
    """
    cols = [*aggregate.room_columns(store.q), "fingerprint"]
    names, rows = store.rows(include_incomplete=False, columns=cols)
    at_fp = names.index("fingerprint")
    same = [r for r in rows if r[at_fp] == store.q.fingerprint]
    room = Room(store.q, capacity=max(len(same), 16)).add(names, same, version=0)
    return Norm(room, len(rows) - len(same))


def room_numbers(
    session: dict, room: Room, fingerprints: Sequence[str] = (), k: int | None = None
) -> tuple[RoomNumbers, Summary]:
    """The figures both reports show for one room, with the k rule applied."""
    k = aggregate.min_group() if k is None else k
    s = aggregate.summarise(room)
    base = RoomNumbers(
        code=session["code"],
        title=session["title"],
        created_at=session["created_at"],
        is_open=bool(session["is_open"]),
        k=k,
        n_complete=s.n_complete,
        n_in_progress=s.n_in_progress,
        n_demo=s.n_demo,
        fingerprints=tuple(fingerprints),
    )
    if s.n_complete < k:
        return base, s
    counts = {BELIEVER: s.believers, SPECTATOR: s.spectators}
    numbers = replace(
        base,
        believers=s.believers,
        spectators=s.spectators,
        mean_overall=float(room.overall.mean()),
        dim_means=room.dimension_means(),
        class_dim_means={c: m for c, m in s.dim_means.items() if counts[c] >= k},
        hist_edges=s.hist_edges,
        hist_counts=s.hist_counts,
    )
    return numbers, s


# ---------------------------------------------------------------- the session report


def session_html(
    store: Store, code: str, k: int | None = None, now: datetime | None = None
) -> bytes:
    """The session report for `code` as UTF-8 HTML bytes (what the download and CLI write).

    Works while the session is still running: it reports what has been stored so
    far and says so. Raises KeyError for an unknown session code.
    """
    session = store.get_session(code)
    if session is None:
        raise KeyError(code)
    room, prints = load_room(store, code)
    return render_session(store.q, session, room, prints, k, now).encode("utf-8")


def render_session(
    q: Questionnaire,
    session: dict,
    room: Room,
    fingerprints: Sequence[str] = (),
    k: int | None = None,
    now: datetime | None = None,
) -> str:
    """The session report as an HTML string, from values (no database)."""
    nums, s = room_numbers(session, room, fingerprints, k)
    k = nums.k
    sections = [_overview(q, nums, s, now)]
    if nums.shown:
        sections += [
            _section(
                "distribution",
                "Score distribution",
                f"Overall scores of the {nums.n_complete} complete responses in "
                f"{aggregate.HIST_BIN}-point bins. Believers score at or above the threshold "
                f"of {q.threshold:g}.",
                charts.histogram(s, q.threshold, big=False),
            ),
            _profiles(q, nums, s),
            *_item_sections(s, q),
            _section(
                "timeline",
                "Responses over time",
                "Complete responses, counted up minute by minute (UTC).",
                charts.timeline(s, big=False),
            ),
        ]
    sections += [_method(q, nums), _reliability(q, room, nums)]
    return _document(f"{nums.title} · session report", sections)


def _overview(q: Questionnaire, n: RoomNumbers, s: Summary, now: datetime | None) -> str:
    facts = [
        ("Session code", html.escape(n.code)),
        ("Created", html.escape(_when(n.created_at))),
        ("Report made", html.escape(_when(now or datetime.now(UTC)))),
        ("Complete responses", _stat("n_complete", n.n_complete)),
        ("Still answering", _stat("n_in_progress", n.n_in_progress)),
        ("Questionnaire", html.escape(q.title)),
    ]
    if s.timeline[0]:
        first, last = s.timeline[0][0], s.timeline[0][-1]
        facts.insert(3, ("Answers finished", html.escape(f"{_when(first)} to {_when(last)}")))
    notes = []
    if n.is_open:
        notes.append(
            "The session is still open: this report shows the answers stored so far, "
            "and the numbers will change as more people finish."
        )
    if n.n_demo:
        notes.append(
            f"Includes {_stat('n_demo', n.n_demo)} demo responses: synthetic rehearsal data, "
            "not real participants."
        )
    body = _facts(facts) + "".join(f'<p class="note">{t}</p>' for t in notes)
    if not n.shown:
        body += _few(n.k, "complete responses", "results")
        return _page("overview", "", body, h1=n.title)
    body += _facts(
        [
            (
                "Believers",
                f"{_stat('believers', n.believers)} ({n.share(n.believers):.0f}%)",
            ),
            (
                "Spectators",
                f"{_stat('spectators', n.spectators)} ({n.share(n.spectators):.0f}%)",
            ),
            ("Mean overall score", _stat("mean_overall", f"{n.mean_overall:.1f}")),
        ]
    )
    split = charts.split_bar(s, big=False)
    split.update_layout(margin={"l": 10, "r": 10})  # the bar may use the page's whole width
    body += "<h2>Believers and spectators</h2>" + _chart("split", split)
    return _page("overview", "", body, h1=n.title)


def _profiles(q: Questionnaire, n: RoomNumbers, s: Summary) -> str:
    shown = replace(s, dim_means=n.class_dim_means)
    text = (
        "Mean score (0-100) per dimension for believers and for spectators: where the two "
        "groups differ most is where the room's habits split."
    )
    missing = [c for c in (BELIEVER, SPECTATOR) if c not in n.class_dim_means]
    extra = "".join(_few(n.k, f"{c}s", f"the {c}s' profile") for c in missing)
    if len(missing) == 2:
        return _page("profiles", "Dimension profiles", f"<p>{text}</p>{extra}")
    rows = [
        [
            html.escape(d.name),
            _stat(f"dim_{d.id}", f"{n.dim_means[d.id]:.1f}"),
            *(
                _stat(f"{c}_{d.id}", f"{n.class_dim_means[c][d.id]:.1f}")
                if c in n.class_dim_means
                else "–"
                for c in (BELIEVER, SPECTATOR)
            ),
        ]
        for d in q.dimensions
    ]
    table = _table(["Dimension", "Everyone", "Believers", "Spectators"], rows)
    fig = charts.dimension_bars(shown, q, big=False)
    fig.update_layout(height=440)  # leaves room for the table on the same page
    return _page(
        "profiles", "Dimension profiles", f"<p>{text}</p>{_chart('profiles', fig)}{extra}{table}"
    )


ITEMS_PER_PAGE = 11  # each wrapped over up to three lines, they fit one printed page
PRINT_WRAP = 40  # characters per line of a question's text on a printed page


def _item_sections(s: Summary, q: Questionnaire) -> list[str]:
    """The answers to every question, over as few printed pages as hold them legibly."""
    ids = [i for i in q.item_ids if i in s.item_shares]
    parts = -(-len(ids) // ITEMS_PER_PAGE)
    size = -(-len(ids) // parts) if parts else 0
    sections = []
    for part in range(parts):
        chunk = ids[part * size : (part + 1) * size]
        suffix = f" ({part + 1} of {parts})" if parts > 1 else ""
        sections.append(
            _section(
                "items" if part == 0 else f"items-{part + 1}",
                "Every question's answers" + suffix,
                "Share of answers per point of the scale, centred on “Sometimes”: "
                "less often to the left, more often to the right. (R) marks a reverse-keyed "
                "question, where answering more often lowers the score.",
                _likert(s, q, chunk),
            )
        )
    return sections


def _likert(s: Summary, q: Questionnaire, items: Sequence[str]) -> go.Figure:
    lines = sum(charts.item_label(q.item(i), PRINT_WRAP).count("<br>") + 1 for i in items)
    fig = charts.likert_bars(
        s,
        q,
        big=False,
        items=items,
        wrap=PRINT_WRAP,
        height=min(charts.PRINT_MAX_HEIGHT, 150 + 22 * lines),
    )
    fig.update_xaxes(title="% of answers")
    fig.update_layout(legend={"entrywidth": 90, "x": 0, "xref": "paper", "xanchor": "left"})
    return fig


def _method(q: Questionnaire, n: RoomNumbers) -> str:
    scale = ", ".join(f"{i} = {html.escape(label)}" for i, label in enumerate(q.scale, 1))
    if not n.fingerprints:
        versions = "No complete responses yet."
    elif n.fingerprints == (q.fingerprint,):
        versions = "Every complete response was given under this version."
    else:
        others = ", ".join(f"<code>{html.escape(f)}</code>" for f in n.fingerprints)
        versions = (
            f"Answers were given under these versions: {others}. Where they differ from the "
            "current file, the questions may have been worded differently."
        )
    body = f"""
<p>Each participant answered {len(q.items)} questions about their own habits on a
five-point scale ({scale}), three for each of {len(q.dimensions)} dimensions.</p>
<pre>item value      = answer - 1              (reverse-keyed: 4 - (answer - 1))
dimension score = 100 × mean(item values of the dimension) / 4      0..100
overall score   = mean of the {len(q.dimensions)} dimension scores                0..100
class           = believer if overall ≥ {q.threshold:g}, else spectator</pre>
{
        _facts(
            [
                ("Threshold", f"{q.threshold:g}"),
                ("Minimum group (k)", _stat("k", n.k)),
                ("Questionnaire fingerprint", f"<code>{html.escape(q.fingerprint)}</code>"),
            ]
        )
    }
<p>{versions}</p>
<p>No group of fewer than k complete responses is shown, in this report as on the
big screen, so nobody in a small room can be singled out. Unfinished answers are counted
but not scored. Scores are computed unrounded and shown rounded.</p>"""
    return _page("method", "Method", body)


def _reliability(q: Questionnaire, room: Room, n: RoomNumbers) -> str:
    intro = (
        "<p>How consistently each dimension's three questions measure one thing. "
        "Cronbach's α per dimension (0.7 and above is usually read as consistent); "
        "the corrected item-total r is each question's correlation with the other questions "
        f"of its dimension, flagged below {aggregate.ITEM_TOTAL_FLAG:g}.</p>"
    )
    if not n.shown:
        return _page("reliability", "Appendix: reliability", intro + _few(n.k, "responses", "it"))
    rows = aggregate.reliability(room)
    alphas = {r["dimension"]: r["alpha"] for r in rows}
    alpha_table = _table(
        ["Dimension", "α", "n"],
        [[html.escape(d), _num(a, 2), str(n.n_complete)] for d, a in alphas.items()],
    )
    item_table = _table(
        ["Question", "Dimension", "Reverse", "Item-total r", ""],
        [
            [
                html.escape(charts._short(q.item(r["item"]).text, 54)),
                html.escape(r["dimension"]),
                "yes" if r["reverse"] else "",
                _num(r["item_total_r"], 2),
                "low" if r["flag"] else "",
            ]
            for r in rows
        ],
        small=True,
    )
    lined = aggregate.straightlined(room)
    straight = (
        f"<p>Straight-lined responses (the same answer to every question): "
        f"{_stat('straightlined', lined)} of {n.n_complete}.</p>"
    )
    return _page(
        "reliability", "Appendix: reliability", intro + alpha_table + straight + item_table
    )


# ---------------------------------------------------------------- rooms compared


def compare_html(
    store: Store,
    codes: Sequence[str] | None = None,
    k: int | None = None,
    now: datetime | None = None,
) -> bytes:
    """Two or more sessions (or every session, with None) side by side, as HTML bytes.

    Raises KeyError for an unknown code.
    """
    sessions = store.list_sessions() if codes is None else []
    for code in codes or ():
        session = store.get_session(code)
        if session is None:
            raise KeyError(code)
        sessions.append(session)
    rooms = []
    for session in sessions:
        room, prints = load_room(store, session["code"])
        rooms.append(room_numbers(session, room, prints, k)[0])
    return render_compare(store.q, rooms, now).encode("utf-8")


def render_compare(
    q: Questionnaire, rooms: Sequence[RoomNumbers], now: datetime | None = None
) -> str:
    """Rooms compared as an HTML string: only rooms with at least k complete responses."""
    shown = [r for r in rooms if r.shown]
    hidden = [r for r in rooms if not r.shown]
    k = rooms[0].k if rooms else aggregate.min_group()
    labels = [f"{r.code} (n={r.n_complete})" for r in shown]
    table = _table(
        ["Room", "Title", "n", "Believers", "Spectators", "Mean score"],
        [
            [
                html.escape(r.code),
                html.escape(r.title),
                _stat("n_complete", r.n_complete, r.code),
                f"{_stat('believers', r.believers, r.code)} ({r.share(r.believers):.0f}%)",
                f"{_stat('spectators', r.spectators, r.code)} ({r.share(r.spectators):.0f}%)",
                _stat("mean_overall", f"{r.mean_overall:.1f}", r.code),
            ]
            for r in shown
        ],
    )
    made = html.escape(_when(now or datetime.now(UTC)))
    body = _facts([("Report made", made), ("Rooms shown", str(len(shown)))])
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
    sections = [_page("overview", "", body + table, h1="Rooms compared")]
    if shown:
        sections += [
            _section(
                "split",
                "Believers and spectators",
                "Each room's split, as a share of its complete responses.",
                charts.rooms_split(
                    labels, [r.believers for r in shown], [r.spectators for r in shown]
                ),
            ),
            _section(
                "distribution",
                "Score distributions",
                "The share of each room's responses in each 5-point bin of the overall score.",
                charts.rooms_histogram(
                    labels, shown[0].hist_edges, [r.hist_counts for r in shown], q.threshold
                ),
            ),
            _rooms_profiles(q, shown, labels),
        ]
    return _document("Rooms compared", sections)


def _rooms_profiles(q: Questionnaire, shown: Sequence[RoomNumbers], labels: list[str]) -> str:
    fig = charts.rooms_dimensions(q, labels, [r.dim_means for r in shown])
    rows = [
        [
            html.escape(d.name),
            *(_stat(f"dim_{d.id}", f"{r.dim_means[d.id]:.1f}", r.code) for r in shown),
        ]
        for d in q.dimensions
    ]
    table = _table(["Dimension", *(html.escape(r.code) for r in shown)], rows, small=True)
    text = "<p>Each room's mean score (0-100) per dimension.</p>"
    return _page("profiles", "Dimension profiles", text + _chart("profiles", fig) + table)


# ---------------------------------------------------------------- HTML pieces


def _section(name: str, heading: str, text: str, fig: go.Figure) -> str:
    return _page(name, heading, f"<p>{text}</p>{_chart(name, fig)}")


def _page(name: str, title: str, body: str, h1: str = "") -> str:
    # One <section> per printed page; `data-section` names it for tests and print CSS.
    head = f"<h1>{html.escape(h1)}</h1>" if h1 else ""
    if title:
        head += f"<h2>{html.escape(title)}</h2>"
    return f'<section class="page" data-section="{name}">{head}{body}</section>'


def _chart(name: str, fig: go.Figure) -> str:
    """A placeholder div and the figure's JSON; one script at the end draws them all."""
    fig.update_layout(width=CHART_WIDTH)
    # "</" inside JSON strings is escaped, so no text can close the script element early.
    data = fig.to_json().replace("</", "<\\/")
    return (
        f'<div class="chart" id="chart-{name}"></div>'
        f'<script type="application/json" data-figure="chart-{name}">{data}</script>'
    )


def _stat(key: str, value: object, room: str | None = None) -> str:
    # Machine-readable numbers: the comparison test reads these back from both reports.
    where = f' data-room="{html.escape(room)}"' if room else ""
    return f'<span data-stat="{key}"{where}>{html.escape(str(value))}</span>'


def _facts(pairs: Sequence[tuple[str, object]]) -> str:
    # Values are markup (numbers wrapped by _stat, <code>); plain text is escaped by the caller.
    items = "".join(f"<dt>{html.escape(a)}</dt><dd>{b}</dd>" for a, b in pairs)
    return f'<dl class="facts">{items}</dl>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], small: bool = False) -> str:
    cls = ' class="small"' if small else ""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _few(k: int, group: str, what: str) -> str:
    return (
        f'<p class="few">Fewer than {k} {html.escape(group)}, so {html.escape(what)} not shown.</p>'
    )


def _num(x: float, digits: int) -> str:
    return "–" if x != x else f"{x:.{digits}f}"  # NaN (undefined) as a dash


def _when(t: str | datetime) -> str:
    if isinstance(t, str):
        try:
            t = datetime.fromisoformat(t.replace("Z", "+00:00"))
        except ValueError:
            return t
    return t.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC")


@cache
def _plotly_js() -> str:
    # ~4.8 MB, read once per process. It is inlined in a <script>, which "</script" would end.
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower():
        raise RuntimeError("plotly.js contains </script and cannot be inlined")
    return js


DRAW = """
Promise.all(Array.from(document.querySelectorAll("script[data-figure]"), function (el) {
  var fig = JSON.parse(el.textContent);
  return Plotly.newPlot(el.dataset.figure, fig.data, fig.layout,
                        {displayModeBar: false, responsive: false});
})).then(function () { document.body.dataset.ready = "yes"; });
"""

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F4F2F8; color: #1F1933;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 24px 0; }
section.page { background: #fff; margin: 0 0 24px; padding: 24px 30px;
               border-radius: 8px; box-shadow: 0 1px 3px rgba(31, 25, 51, .15); }
h1 { font-size: 26px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 0 0 8px; color: #6C2BD9; }
p { margin: 6px 0 10px; }
.note { background: #FFF6DD; padding: 6px 10px; border-left: 4px solid #E6B400; }
.few { background: #EEF0F2; padding: 6px 10px; border-left: 4px solid #9AA0A6; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #5B5570; }
dl.facts dd { margin: 0; font-weight: 600; }
.chart { width: 700px; margin: 8px 0; }
pre { background: #F4F2F8; padding: 10px; font-size: 12.5px; white-space: pre-wrap; }
code { font-size: 12.5px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; font-size: 14px; }
table.small { font-size: 12px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #E3E0EA; }
th { background: #F4F2F8; }
@page { margin: 12mm; }
@media print {
  body { background: #fff; font-size: 13px; }
  main { max-width: none; padding: 0; }
  section.page { box-shadow: none; border-radius: 0; margin: 0; padding: 0;
                 break-inside: avoid; page-break-inside: avoid;
                 break-after: page; page-break-after: always; }
  section.page:last-child { break-after: auto; page-break-after: auto; }
  .chart, table, pre, dl { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _document(title: str, sections: Sequence[str]) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f"<script>{_plotly_js()}</script></head>"
        f"<body><main>{''.join(sections)}</main><script>{DRAW}</script></body></html>"
    )


def filename(session_code: str | None) -> str:
    """E.g. believer-or-spectator_HALLB_report.html, or ..._all-sessions_compared.html."""
    kind = "report" if session_code else "compared"
    return f"believer-or-spectator_{session_code or 'all-sessions'}_{kind}.html"
