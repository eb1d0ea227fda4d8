"""The session report and rooms compared: the HTML a facilitator sends around, parsed."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from survey import charts, cli, compare, demo, formats, i18n, reliability, report, roomstats
from survey import theme as themes
from survey.scoring import BELIEVER, SPECTATOR

K = 5
HOSTILE = '<img src=x onerror="alert(1)"><script>alert("t")</script> Hall B & co'
CHART_SECTIONS = ["overview", "distribution", "profiles", "items", "items-2", "timeline"]


@dataclass
class Parsed:
    """What a reader (or a browser) finds in the report."""

    sections: list[str] = field(default_factory=list)
    figures: dict[str, list[dict]] = field(default_factory=dict)  # section -> figures
    stats: dict[tuple[str | None, str], str] = field(default_factory=dict)  # (room, key)
    remote: list[str] = field(default_factory=list)  # src/href pointing at http(s)
    h1: str = ""
    title: str = ""
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self._figure = False
        self._stat: tuple | None = None
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href"):
            if re.match(r"\s*(https?:)?//", a.get(name) or ""):
                self.out.remote.append(f"<{tag} {name}={a[name]}>")
        if tag == "section":
            self.out.sections.append(a["data-section"])
            self.out.figures[a["data-section"]] = []
        self._figure = tag == "script" and "data-figure" in a
        if "data-stat" in a:
            self._stat = (a.get("data-room"), a["data-stat"])
        if tag in ("h1", "title"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in ("h1", "title"):
            self._in = None

    def handle_data(self, data):
        if self._figure:
            self.out.figures[self.out.sections[-1]].append(json.loads(data))
            self._figure = False
            return
        if self._stat:
            self.out.stats[self._stat] = data
            self._stat = None
        if self._in == "h1":
            self.out.h1 += data
        elif self._in == "title":
            self.out.title += data
        if self.out.sections:
            self.out.text += data


def parse(data: bytes) -> Parsed:
    r = _Reader()
    r.feed(data.decode("utf-8"))
    return r.out


def real(q, n: int, seed: int) -> list[dict]:
    """Complete responses of real participants (demo rows with the flag off)."""
    return [{**row, "is_demo": 0} for row in demo.responses(q, n, seed)]


@pytest.fixture(autouse=True)
def k(monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_GROUP", str(K))


@pytest.fixture
def hall(db, q) -> str:
    code = db.create_session(HOSTILE, "HALLB")
    db.insert_many(code, real(q, 60, seed=3))
    return code


# ---------------------------------------------------------------- the session report


def test_the_report_opens_offline_with_plotly_inlined_exactly_once(db, hall):
    data = report.session_html(db, hall)

    page = parse(data)
    assert page.remote == []
    assert data.count(b"plotly.js v") == 1  # the library's banner: inlined once, not per chart
    assert data.count(b"<script>") == 2  # plotly.js, and the few lines that draw the figures


def test_a_report_made_from_a_french_console_is_the_same_english_report(db, hall):
    english = report.session_html(db, hall, now=datetime(2026, 12, 3, tzinfo=UTC))
    with i18n.language("fr"):
        from_french = report.session_html(db, hall, now=datetime(2026, 12, 3, tzinfo=UTC))
    assert from_french == english  # no French chart word inside an English page
    assert b"Believers" in english


def test_a_hostile_session_title_is_shown_as_text_never_as_markup(db, hall):
    data = report.session_html(db, hall).decode()

    page = parse(data.encode())
    assert page.h1 == HOSTILE
    assert page.title.startswith(HOSTILE)
    assert "<img src=x" not in data
    assert '<script>alert("t")' not in data
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in data


def test_the_events_theme_heads_the_report_as_text_with_its_accent_and_logo(db, q, hall):
    plain = report.session_html(db, hall).decode()
    assert '<header class="event">' not in plain and "--accent: #6C2BD9" in plain
    logo = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    themed = replace(q, theme=themes.Theme('Summit <b onmouseover="x">', "#0B7A75", logo))
    session = db.get_session(hall)
    room, prints, left_out = roomstats.load_room(db, hall, False)
    data = report.render_session(themed, session, room, prints, demo_left_out=left_out)
    assert "--accent: #0B7A75" in data
    header = data[data.index('<header class="event">') : data.index("</header>")]
    assert "Summit &lt;b onmouseover=&quot;x&quot;&gt;" in header, "the name as text"
    assert 'src="data:image/png;base64,iVBORw0KGgo' in header
    assert data.count("<script>") == 2, "the theme adds no script"


def test_each_chart_section_holds_one_chart_then_method_and_appendix(db, hall):
    page = parse(report.session_html(db, hall))

    assert page.sections == [*CHART_SECTIONS, "words-why", "method", "reliability"]
    assert {s: len(f) for s, f in page.figures.items()} == {
        **dict.fromkeys(CHART_SECTIONS, 1),
        "words-why": 0,  # the room's words: a picture and a table (test_report_words.py)
        "method": 0,
        "reliability": 0,
    }
    hist = page.figures["distribution"][0]
    assert sum(hist["data"][0]["y"]) == 60
    assert any(s["type"] == "line" and s["x0"] == 60 for s in hist["layout"]["shapes"])


def test_every_question_is_charted_once_over_pages_that_each_fit_a_printed_page(db, q, hall):
    page = parse(report.session_html(db, hall))

    bars = [page.figures[s][0] for s in ("items", "items-2")]
    shown = [label for fig in bars for label in fig["data"][0]["y"]]
    assert len(shown) == len(q.items) == len(set(shown))
    assert all(fig["layout"]["height"] <= charts.PRINT_MAX_HEIGHT for fig in bars)


def test_the_headline_numbers_are_the_rooms(db, q, hall):
    page = parse(report.session_html(db, hall))

    room = roomstats.load_room(db, hall).room
    believers = int((room.overall >= q.threshold).sum())
    assert page.stats[(None, "n_complete")] == "60"
    assert page.stats[(None, "believers")] == str(believers)
    assert page.stats[(None, "spectators")] == str(60 - believers)
    assert page.stats[(None, "mean_overall")] == f"{room.overall.mean():.1f}"
    split = page.figures["overview"][0]["data"]
    assert [t["x"][0] for t in split] == [believers, 60 - believers]


def test_a_room_under_k_shows_no_chart_and_says_why(db, q):
    code = db.create_session("Small room", "SMALL")
    db.insert_many(code, real(q, K - 1, seed=4))

    page = parse(report.session_html(db, code))

    # the room's words are moderated, not aggregated: their page stays (test_report_words.py)
    assert page.sections == ["overview", "words-why", "method", "reliability"]
    assert all(f == [] for f in page.figures.values())
    assert f"Fewer than {K} complete responses, so results not shown." in page.text
    assert (None, "believers") not in page.stats
    assert page.stats[(None, "n_complete")] == str(K - 1)


def test_a_class_under_k_is_left_out_of_the_profiles(db, q):
    rows = [{**r, "is_demo": 0} for r in demo.responses(q, 400, seed=5)]
    believers = [r for r in rows if r["class"] == BELIEVER][: K - 1]
    spectators = [r for r in rows if r["class"] == SPECTATOR][:20]
    code = db.create_session("Mostly spectators", "SPECT")
    db.insert_many(code, spectators + believers)

    page = parse(report.session_html(db, code))

    [profiles] = page.figures["profiles"]
    assert [t["name"] for t in profiles["data"]] == ["Spectators"]
    assert f"Fewer than {K} believers, so the believers' profile not shown." in page.text
    assert not [key for key in page.stats if key[1].startswith(f"{BELIEVER}_")]
    assert (None, f"{SPECTATOR}_living") in page.stats


def test_during_a_session_the_report_counts_those_still_answering(db, q, hall):
    db.save_page(hall, None, {q.items[0].id: 3})

    page = parse(report.session_html(db, hall))
    assert page.stats[(None, "n_in_progress")] == "1"
    assert "The session is still open" in page.text

    db.set_open(hall, False)
    assert "The session is still open" not in parse(report.session_html(db, hall)).text


def test_demo_responses_are_left_out_and_counted_unless_asked_for(db, q, hall):
    real_only = parse(report.session_html(db, hall))
    db.insert_many(hall, demo.responses(q, 7, seed=6))

    page = parse(report.session_html(db, hall))
    assert page.stats[(None, "n_complete")] == real_only.stats[(None, "n_complete")]
    assert page.stats[(None, "demo_left_out")] == "7"
    assert "demo responses (synthetic rehearsal data) are not counted" in page.text
    assert "--include-demo" in page.text

    counted = parse(report.session_html(db, hall, include_demo=True))
    assert counted.stats[(None, "n_demo")] == "7"
    assert (
        int(counted.stats[(None, "n_complete")]) == int(real_only.stats[(None, "n_complete")]) + 7
    )
    assert "demo responses: synthetic rehearsal data" in counted.text
    assert (None, "demo_left_out") not in counted.stats


def test_the_overview_counts_who_answered_in_each_language_and_no_more(db, q, hall):
    english = parse(report.session_html(db, hall))
    assert english.stats[(None, "language_en")] == "60"
    rows = real(q, 9, seed=7)
    db.insert_many(hall, [{**r, "language": "fr" if n < 6 else "de"} for n, r in enumerate(rows)])
    db.insert_many(hall, [{**r, "language": "es"} for r in demo.responses(q, 4, seed=8)])

    page = parse(report.session_html(db, hall))
    assert [(k, v) for (room, k), v in page.stats.items() if k.startswith("language_")] == [
        ("language_en", "60"),
        ("language_fr", "6"),
        ("language_de", "3"),
    ]  # most first; the demo answers in Spanish are not counted
    assert "Answered in" in page.text and "Français 6" in page.text and "Deutsch 3" in page.text
    with_demo = parse(report.session_html(db, hall, include_demo=True))
    assert with_demo.stats[(None, "language_es")] == "4"


def test_the_report_and_every_export_count_the_same_rows(db, q, hall):
    db.insert_many(hall, demo.responses(q, 7, seed=6))
    for include_demo in (False, True):
        page = parse(report.session_html(db, hall, include_demo=include_demo))
        n = int(page.stats[(None, "n_complete")])
        csv_rows = formats.responses(db, "csv", hall, include_demo=include_demo)
        assert len(csv_rows.decode("utf-8-sig").splitlines()) - 1 == n
        assert len(formats.frame(db, hall, include_demo=include_demo)) == n


def test_once_the_session_closes_the_unfinished_did_not_finish(db, q, hall):
    db.save_page(hall, None, {q.items[0].id: 3})
    assert parse(report.session_html(db, hall)).stats[(None, "n_in_progress")] == "1"

    db.set_open(hall, False)
    page = parse(report.session_html(db, hall))
    assert page.stats[(None, "n_did_not_finish")] == "1"
    assert (None, "n_in_progress") not in page.stats
    assert "Still answering" not in page.text
    data = formats.responses(db, "csv", hall, include_incomplete=True).decode("utf-8-sig")
    assert ",did_not_finish," in data and ",in_progress," not in data
    frame = formats.frame(db, hall, include_incomplete=True)
    assert "did_not_finish" in set(frame["status"])

    db.set_open(hall, True)  # opened again: they can finish after all
    data = formats.responses(db, "csv", hall, include_incomplete=True).decode("utf-8-sig")
    assert ",in_progress," in data and "did_not_finish" not in data


def test_the_method_states_the_formula_threshold_k_and_fingerprint(db, q, hall):
    page = parse(report.session_html(db, hall))

    assert "dimension score = 100 × mean(item values of the dimension) / 4" in page.text
    assert f"believer if overall ≥ {q.threshold:g}" in page.text
    assert page.stats[(None, "k")] == str(K)
    assert q.fingerprint in page.text
    assert "Every complete response was given under this version." in page.text


def test_the_reliability_appendix_shows_alpha_ci_omega_per_question_and_straight_lining(
    db, q, hall
):
    straight = {**real(q, 1, seed=7)[0], **dict.fromkeys(q.item_ids, 3)}
    db.insert_many(hall, [straight])

    data = report.session_html(db, hall).decode()

    room = roomstats.load_room(db, hall)[0]
    appendix = data[data.index('data-section="reliability"') :]
    scales = reliability.summary(room)
    assert [s["dimension"] for s in scales] == [*(d.name for d in q.dimensions), "Whole scale"]
    for s in scales:
        assert (
            f"<td>{html.escape(s['dimension'])}</td><td>61</td><td>{s['items']}</td>"
            f"<td>{s['alpha']:.2f}</td><td>{s['alpha_low']:.2f}–{s['alpha_high']:.2f}</td>"
            f"<td>{s['omega']:.2f}</td>"
        ) in appendix
    for r in reliability.reliability(room):
        assert f"<td>{r['item_total_r']:.2f}</td><td>{r['alpha_if_dropped']:.2f}</td>" in appendix
    assert parse(data.encode()).stats[(None, "straightlined")] == "1"


def test_reliability_that_cannot_be_computed_shows_a_dash_never_nan(db, q):
    # K people who all answered "Sometimes" everywhere: no variance, so no alpha or omega.
    flat = db.create_session("Flat room", "FLAT")
    db.insert_many(flat, [{**r, **dict.fromkeys(q.item_ids, 3)} for r in real(q, K, seed=4)])

    appendix = report.session_html(db, flat).decode().split('data-section="reliability"')[1]

    assert "nan" not in appendix.lower()
    assert f"<td>Whole scale</td><td>{K}</td><td>{len(q.items)}</td>" + "<td>–</td>" * 3 in (
        appendix
    )
    first = html.escape(q.dimensions[0].name)
    assert f"<td>{first}</td><td>{K}</td><td>3</td>" + "<td>–</td>" * 3 in appendix


def test_an_unknown_session_is_a_key_error(db):
    with pytest.raises(KeyError):
        report.session_html(db, "NOPE")


# ---------------------------------------------------------------- rooms compared


@pytest.fixture
def rooms(db, q, hall) -> list[str]:
    """Hall B (60), Hall A (25) and a room too small to show (3)."""
    a = db.create_session("Hall A", "HALLA")
    db.insert_many(a, real(q, 25, seed=8))
    small = db.create_session("Side room", "SMALL")
    db.insert_many(small, real(q, 3, seed=9))
    return [hall, a, small]


COMPARED = ["n_complete", "believers", "spectators", "mean_overall"]


def test_each_rooms_numbers_in_the_comparison_equal_its_own_report(db, q, rooms):
    compared = parse(compare.compare_html(db, rooms))

    for code in rooms[:2]:
        own = parse(report.session_html(db, code)).stats
        keys = COMPARED + [f"dim_{d}" for d in q.dimension_ids]
        assert {key: compared.stats[(code, key)] for key in keys} == {
            key: own[(None, key)] for key in keys
        }


def test_the_comparison_figures_are_built_from_the_same_numbers(db, q, rooms):
    compared = compare.compare_html(db, rooms)

    page = parse(compared)
    split = page.figures["split"][0]["data"]
    assert split[0]["y"] == ["HALLB (n=60)", "HALLA (n=25)"]
    for i, code in enumerate(rooms[:2]):
        session = db.get_session(code)
        own, _ = roomstats.room_numbers(session, *roomstats.load_room(db, code))
        assert split[0]["text"][i].startswith(f"{own.believers} ")
        line = page.figures["distribution"][0]["data"][i]
        assert line["y"] == pytest.approx([100 * c / own.n_complete for c in own.hist_counts])


def test_rooms_under_k_are_left_out_of_the_comparison_with_a_note(db, rooms):
    page = parse(compare.compare_html(db, rooms))

    assert {room for room, _ in page.stats} == {"HALLB", "HALLA"}
    assert f"Not shown, with fewer than {K} complete responses: SMALL (3)." in page.text
    for fig in (f for figs in page.figures.values() for f in figs):
        assert not any("SMALL" in str(t.get("name", "")) + str(t.get("y", "")) for t in fig["data"])


def test_all_sessions_compared_includes_every_room_of_k_or_more(db, q, rooms):
    db.insert_many("SHARE", real(q, K, seed=10))

    page = parse(compare.compare_html(db, None))

    assert {room for room, _ in page.stats} == {"HALLB", "HALLA", "SHARE"}


def test_rooms_answered_under_different_questionnaires_are_flagged(db, q, rooms):
    older = [{**r, "fingerprint": "0ld0ld0ld0ld"} for r in real(q, 10, seed=11)]
    db.insert_many(rooms[1], older)

    page = parse(compare.compare_html(db, rooms))

    assert "answered different versions of the questionnaire" in page.text
    own = parse(report.session_html(db, rooms[1]))
    assert "0ld0ld0ld0ld" in own.text


def test_the_comparison_title_is_escaped_too(db, rooms):
    data = compare.compare_html(db, rooms).decode()

    assert "<img src=x" not in data
    assert "&lt;img src=x" in data


# ---------------------------------------------------------------- the command line


def test_report_with_one_code_writes_the_session_report(db, hall, tmp_path, capsys):
    out = tmp_path / "report.html"

    assert cli.main(["report", hall.lower(), "-o", str(out)]) == 0

    assert parse(out.read_bytes()).sections[-1] == "reliability"
    assert "wrote" in capsys.readouterr().err


def test_report_with_several_codes_or_all_writes_the_comparison(db, rooms, tmp_path):
    out = tmp_path / "compare.html"

    assert cli.main(["report", *rooms[:2], "-o", str(out)]) == 0
    assert parse(out.read_bytes()).h1 == "Rooms compared"

    assert cli.main(["report", "--all", "-o", str(out)]) == 0
    assert {room for room, _ in parse(out.read_bytes()).stats} == {"HALLB", "HALLA"}


@pytest.mark.parametrize(
    "argv,message",
    [
        (["report", "ZZZZ", "-o", "x.html"], "there is no session with the code ZZZZ"),
        (["report", "-o", "x.html"], "give one or more session CODEs, or --all"),
    ],
)
def test_report_with_a_bad_code_fails_with_one_line(db, argv, message, capsys, tmp_path):
    assert cli.main([*argv[:-1], str(tmp_path / argv[-1])]) == 1
    assert capsys.readouterr().err.strip() == f"error: {message}"


# ---------------------------------------------------------------- all rooms so far


def test_the_norm_holds_every_rooms_complete_answers_under_this_questionnaire(db, q, rooms):
    db.save_page(rooms[0], None, {q.items[0].id: 3})  # unfinished: not in the norm

    norm = roomstats.load_norm(db)

    assert norm.room.n == 60 + 25 + 3
    assert norm.other_versions == 0
    assert norm.note == "Compared with everyone who has taken this survey so far (88 people)."
    assert norm.room.dimension_means()["living"] == pytest.approx(
        sum(r["score_living"] for r in _complete(db)) / 88
    )


def test_the_norm_leaves_out_answers_to_another_version_and_says_so(db, q, rooms):
    db.insert_many(rooms[1], [{**r, "fingerprint": "0ld0ld0ld0ld"} for r in real(q, 4, seed=12)])

    norm = roomstats.load_norm(db)

    assert norm.room.n == 88
    assert norm.other_versions == 4
    assert "4 earlier answers were given to a different version of the questions" in norm.note


def test_the_norm_speaks_the_participants_language(db, q, rooms):
    db.insert_many(rooms[1], [{**r, "fingerprint": "0ld0ld0ld0ld"} for r in real(q, 1, seed=12)])
    norm = roomstats.load_norm(db)
    with i18n.language("fr"):
        assert norm.note == (
            "Comparé à toutes les personnes qui ont répondu jusqu'ici (88 personnes). "
            "1 réponse antérieure portait sur une autre version des questions : elle n'est pas "
            "incluse."
        )


def _complete(db) -> list[dict]:
    cols, rows = db.rows(include_incomplete=False)
    return [dict(zip(cols, r, strict=True)) for r in rows]
