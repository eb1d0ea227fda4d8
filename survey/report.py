"""After the talk: the session report, as one self-contained HTML file.

The file opens offline and prints one section per page (see `htmldoc`), so it
can be mailed to the organisers or opened on a laptop with no network. The same
minimum-group rule as the stage applies: a group (the room, or the believers or
spectators inside it) with fewer than k complete responses is not drawn; a
plain note says so instead. Text from outside the code (the session title set
by the facilitator) is always HTML-escaped. Rooms compared are in `compare`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import plotly.graph_objects as go

from survey import aggregate, charts, htmldoc, i18n, reliability, report_words, roomstats
from survey.aggregate import Room, Summary
from survey.questionnaire import Questionnaire
from survey.roomstats import RoomNumbers, load_room, room_numbers
from survey.scoring import BELIEVER, SPECTATOR
from survey.store import Store


def session_html(
    store: Store,
    code: str,
    k: int | None = None,
    now: datetime | None = None,
    include_demo: bool = False,
) -> bytes:
    """The session report for `code` as UTF-8 HTML bytes (what the download and CLI write).

    Works while the session is still running: it reports what has been stored so
    far and says so. Demo rows are left out unless `include_demo`, as in the exports.
    Raises KeyError for an unknown session code.
    """
    session = store.get_session(code)
    if session is None:
        raise KeyError(code)
    room, prints, left_out = load_room(store, code, include_demo)
    # In English whoever asks (a French console's download too): the charts' words follow
    # the reader's language on the stage, and would otherwise be French in an English page.
    with i18n.language(i18n.SOURCE):
        said = report_words.sections(store, code, include_demo)  # the room's words
        spoken = roomstats.languages(store, code, include_demo)
        html_text = render_session(store.q, session, room, prints, k, now, left_out, said, spoken)
    return html_text.encode("utf-8")


def render_session(
    q: Questionnaire,
    session: dict,
    room: Room,
    fingerprints: Sequence[str] = (),
    k: int | None = None,
    now: datetime | None = None,
    demo_left_out: int = 0,
    said: Sequence[str] = (),
    languages: Sequence[tuple[str, int]] = (),
) -> str:
    """The session report as an HTML string, from values (no database); `said`: the
    pages of the room's words (`report_words.sections`), after the figures; `languages`:
    complete responses per language (`roomstats.languages`)."""
    nums, s = room_numbers(session, room, fingerprints, k, demo_left_out)
    k = nums.k
    sections = [_overview(q, nums, s, now, languages)]
    if nums.shown:
        sections += [
            htmldoc.section(
                "distribution",
                "Score distribution",
                f"Overall scores of the {nums.n_complete} complete responses in "
                f"{aggregate.HIST_BIN}-point bins. Believers score at or above the threshold "
                f"of {q.threshold:g}.",
                charts.histogram(s, q.threshold, big=False),
            ),
            _profiles(q, nums, s),
            *_item_sections(s, q),
            htmldoc.section(
                "timeline",
                "Responses over time",
                "Complete responses, counted up minute by minute (UTC).",
                charts.timeline(s, big=False),
            ),
        ]
    sections += [*said, _method(q, nums), _reliability(q, room, nums)]
    return htmldoc.document(f"{nums.title} · session report", sections, q.theme)


def _overview(
    q: Questionnaire,
    n: RoomNumbers,
    s: Summary,
    now: datetime | None,
    languages: Sequence[tuple[str, int]] = (),
) -> str:
    facts = [
        ("Session code", html.escape(n.code)),
        ("Created", html.escape(htmldoc.when(n.created_at))),
        ("Report made", html.escape(htmldoc.when(now or datetime.now(UTC)))),
        ("Complete responses", htmldoc.stat("n_complete", n.n_complete)),
        (
            ("Still answering", htmldoc.stat("n_in_progress", n.n_answering))
            if n.is_open
            else ("Did not finish", htmldoc.stat("n_did_not_finish", n.n_did_not_finish))
        ),
        ("Questionnaire", html.escape(q.title)),
    ]
    if languages:  # counts only, never scores: no group is singled out by its language
        spoken = ", ".join(
            html.escape(q.language_name(code))
            + " "
            + htmldoc.stat("language_" + html.escape(code), count)
            for code, count in languages
        )
        facts.append(("Answered in", spoken))
    if s.timeline[0]:
        first, last = s.timeline[0][0], s.timeline[0][-1]
        facts.insert(
            3, ("Answers finished", html.escape(f"{htmldoc.when(first)} to {htmldoc.when(last)}"))
        )
    notes = []
    if n.is_open:
        notes.append(
            "The session is still open: this report shows the answers stored so far, "
            "and the numbers will change as more people finish."
        )
    if n.n_demo:
        notes.append(
            f"Includes {htmldoc.stat('n_demo', n.n_demo)} demo responses: synthetic "
            "rehearsal data, not real participants."
        )
    if n.demo_left_out:
        notes.append(htmldoc.demo_left_out(n.demo_left_out))
    if n.n_did_not_finish:
        notes.append(
            "Did not finish: people who had begun but not finished when the session closed. "
            "Their answers are in the export with the include-unfinished option."
        )
    body = htmldoc.facts(facts) + "".join(f'<p class="note">{t}</p>' for t in notes)
    if not n.shown:
        body += htmldoc.few(n.k, "complete responses", "results")
        return htmldoc.page("overview", "", body, h1=n.title)
    body += htmldoc.facts(
        [
            (
                "Believers",
                f"{htmldoc.stat('believers', n.believers)} ({n.share(n.believers):.0f}%)",
            ),
            (
                "Spectators",
                f"{htmldoc.stat('spectators', n.spectators)} ({n.share(n.spectators):.0f}%)",
            ),
            ("Mean overall score", htmldoc.stat("mean_overall", f"{n.mean_overall:.1f}")),
        ]
    )
    split = charts.split_bar(s, big=False)
    split.update_layout(margin={"l": 10, "r": 10})  # the bar may use the page's whole width
    body += "<h2>Believers and spectators</h2>" + htmldoc.chart("split", split)
    return htmldoc.page("overview", "", body, h1=n.title)


def _profiles(q: Questionnaire, n: RoomNumbers, s: Summary) -> str:
    shown = replace(s, dim_means=n.class_dim_means)
    text = (
        "Mean score (0-100) per dimension for believers and for spectators: where the two "
        "groups differ most is where the room's habits split."
    )
    missing = [c for c in (BELIEVER, SPECTATOR) if c not in n.class_dim_means]
    extra = "".join(htmldoc.few(n.k, f"{c}s", f"the {c}s' profile") for c in missing)
    if len(missing) == 2:
        return htmldoc.page("profiles", "Dimension profiles", f"<p>{text}</p>{extra}")
    rows = [
        [
            html.escape(d.name),
            htmldoc.stat(f"dim_{d.id}", f"{n.dim_means[d.id]:.1f}"),
            *(
                htmldoc.stat(f"{c}_{d.id}", f"{n.class_dim_means[c][d.id]:.1f}")
                if c in n.class_dim_means
                else "–"
                for c in (BELIEVER, SPECTATOR)
            ),
        ]
        for d in q.dimensions
    ]
    table = htmldoc.table(["Dimension", "Everyone", "Believers", "Spectators"], rows)
    fig = charts.dimension_bars(shown, q, big=False)
    fig.update_layout(height=440)  # leaves room for the table on the same page
    return htmldoc.page(
        "profiles",
        "Dimension profiles",
        f"<p>{text}</p>{htmldoc.chart('profiles', fig)}{extra}{table}",
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
            htmldoc.section(
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
        htmldoc.facts(
            [
                ("Threshold", f"{q.threshold:g}"),
                ("Minimum group (k)", htmldoc.stat("k", n.k)),
                ("Questionnaire fingerprint", f"<code>{html.escape(q.fingerprint)}</code>"),
            ]
        )
    }
<p>{versions}</p>
<p>No group of fewer than k complete responses is shown, in this report as on the
big screen, so nobody in a small room can be singled out. Unfinished answers are counted
but not scored. Scores are computed unrounded and shown rounded.</p>"""
    return htmldoc.page("method", "Method", body)


# The reliability table keeps each question on one line at this length, so the appendix
# prints on one page (A4 and Letter).
RELIABILITY_QUESTION_CHARS = 40


def _reliability(q: Questionnaire, room: Room, n: RoomNumbers) -> str:
    intro = (
        "<p>How consistently questions measure one thing, for each dimension and all of them "
        "together: Cronbach's α with Feldt's 95% confidence interval and McDonald's ω total "
        "(0.7 and above is usually read as consistent). Per question: the corrected item-total "
        f"r (flagged below {reliability.ITEM_TOTAL_FLAG:g}) and the dimension's α without it. "
        "A dash: not enough data.</p>"
    )
    if not n.shown:
        return htmldoc.page(
            "reliability", "Appendix: reliability", intro + htmldoc.few(n.k, "responses", "it")
        )
    scale_table = htmldoc.table(
        ["Dimension", "n", "Questions", "α", "95% CI", "ω"],
        [
            [
                html.escape(s["dimension"]),
                str(s["n"]),
                str(s["items"]),
                htmldoc.num(s["alpha"], 2),
                _interval(s["alpha_low"], s["alpha_high"]),
                htmldoc.num(s["omega"], 2),
            ]
            for s in reliability.summary(room)
        ],
        small=True,
    )
    item_table = htmldoc.table(
        ["Question", "Dimension", "Reverse", "Item-total r", "α if dropped"],
        [
            [
                html.escape(charts._short(q.item(r["item"]).text, RELIABILITY_QUESTION_CHARS)),
                html.escape(r["dimension"]),
                "yes" if r["reverse"] else "",
                htmldoc.num(r["item_total_r"], 2) + (" low" if r["flag"] else ""),
                htmldoc.num(r["alpha_if_dropped"], 2),
            ]
            for r in reliability.reliability(room)
        ],
        small=True,
    )
    lined = reliability.straightlined(room)
    straight = (
        f"<p>Straight-lined responses (the same answer to every question): "
        f"{htmldoc.stat('straightlined', lined)} of {n.n_complete}.</p>"
    )
    return htmldoc.page(
        "reliability", "Appendix: reliability", intro + scale_table + straight + item_table
    )


def _interval(low: float, high: float) -> str:
    return "–" if low != low else f"{low:.2f}–{high:.2f}"  # NaN (undefined) as one dash


def filename(session_code: str | None) -> str:
    """E.g. believer-or-spectator_HALLB_report.html, or ..._all-sessions_compared.html."""
    kind = "report" if session_code else "compared"
    return f"believer-or-spectator_{session_code or 'all-sessions'}_{kind}.html"
