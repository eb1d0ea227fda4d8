"""The facilitator's pages: the passcode gate, and the console driving the stage."""

import re
import types

import pytest
from streamlit.testing.v1 import AppTest

from survey import aggregate, auth, demo, questionnaire, report
from survey import stage as stage_rules
from survey.scoring import score
from survey.ui import gate

from .test_stage import figures, open_stage, split, texts

FACILITATOR_PAGES = ["pages/console.py", "pages/sessions.py", "pages/export.py"]
TITLE = "Summit Hall B"
VIEWS = stage_rules.views(questionnaire.load())


@pytest.fixture
def db(any_db):
    """These pages run on both engines: the app and the test share SURVEY_DB."""
    return any_db


@pytest.fixture
def room(db, q) -> str:
    """A revealed session with enough finished answers for every panel to show."""
    code = db.create_session(TITLE, "HALLB")
    db.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(q, 12, seed=7)])
    db.set_revealed(code, True)
    return code


def room_data_shown(at: AppTest) -> list[str]:
    """Every kind of room data a page can show, by what a viewer would see."""
    shown = []
    if at.get("plotly_chart"):
        shown.append("chart")
    if at.metric:
        shown.append("count")
    if at.dataframe:
        shown.append("table")
    if any(o.startswith("HALLB") for box in at.selectbox for o in box.options):
        shown.append("session list")
    texts = [e.value for kind in (at.markdown, at.text, at.caption) for e in kind]
    if any(TITLE in t or "HALLB" in t for t in texts):
        shown.append("session title or code")
    return shown


def pause_is_over(monkeypatch) -> None:
    later = gate.time.time() + auth.FIRST_PAUSE_S + 1
    monkeypatch.setattr(gate, "time", types.SimpleNamespace(time=lambda: later))


# ---------------------------------------------------------------- the passcode gate


@pytest.mark.parametrize("page", FACILITATOR_PAGES)
def test_a_wrong_passcode_shows_no_room_data(open_app, sign_in, room, page):
    at = sign_in(open_app(page, s=room), "letmein")

    assert any("not right" in e.value for e in at.error)
    assert room_data_shown(at) == []


@pytest.mark.parametrize(
    "page,expected",
    [
        ("pages/console.py", ["count", "table", "session list", "session title or code"]),
        ("pages/sessions.py", ["table", "session list"]),
        ("pages/export.py", ["table", "session list"]),
    ],
)
def test_the_right_passcode_shows_the_room_data(facilitator, room, page, expected):
    at = facilitator(page, s=room)  # the console's own link names its session
    if page == "pages/export.py":
        next(s for s in at.selectbox if s.label == "Sessions").select(room).run()

    shown = room_data_shown(at)
    assert set(expected) <= set(shown), shown


def test_signing_in_once_opens_every_facilitator_page(facilitator, room):
    at = facilitator("pages/sessions.py")
    for page in FACILITATOR_PAGES:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert not [t for t in at.text_input if t.label == "Passcode"], page


def test_ten_wrong_passcodes_from_fresh_browsers_pause_sign_in_even_for_the_right_one(
    open_app, sign_in, passcode, room
):
    # A reload is a fresh browser session: the limit is the server's, not the browser's.
    for i in range(auth.SERVER_MAX_FAILURES - 1):
        at = sign_in(open_app("pages/console.py", s=room), f"guess-{i}")
        assert any("not right" in e.value for e in at.error)
    at = sign_in(open_app("pages/console.py", s=room), "one guess too many")
    assert any(f"wait {auth.FIRST_PAUSE_S} seconds" in e.value for e in at.error)

    at = sign_in(open_app("pages/console.py", s=room), passcode)

    assert any("Sign-in is paused" in e.value for e in at.error)
    assert room_data_shown(at) == []


def test_the_right_passcode_works_again_once_the_pause_is_over(
    open_app, sign_in, passcode, room, monkeypatch
):
    for i in range(auth.SERVER_MAX_FAILURES):
        sign_in(open_app("pages/console.py", s=room), f"guess-{i}")
    pause_is_over(monkeypatch)

    at = sign_in(open_app("pages/console.py", s=room), passcode)

    assert not any("paused" in e.value for e in at.error)
    assert "count" in room_data_shown(at)


def test_a_signed_in_facilitator_stays_in_while_sign_in_is_paused_for_others(
    facilitator, open_app, sign_in, room
):
    at = facilitator("pages/sessions.py")
    for i in range(auth.SERVER_MAX_FAILURES + 3):
        sign_in(open_app("pages/console.py", s=room), f"guess-{i}")

    at.switch_page("pages/console.py").run()

    assert not [t for t in at.text_input if t.label == "Passcode"]
    assert "count" in room_data_shown(at)


# ---------------------------------------------------------------- the console drives the stage


def console(facilitator, code: str) -> AppTest:
    at = facilitator("pages/console.py")
    next(s for s in at.selectbox if s.label == "Session").select(code).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def on_the_stage_now(at: AppTest) -> str:
    """The console's "On the stage now" line, e.g. "3. How the room scored"."""
    return next(h.value for h in at.subheader if re.match(r"^\d+\. ", h.value))


def test_next_and_previous_on_the_console_move_the_stage(facilitator, db, room):
    at = console(facilitator, room)
    assert on_the_stage_now(at) == "1. Join the survey"

    button(at, "Next →").click().run()
    button(at, "Next →").click().run()
    assert db.stage(room)["view"] == "distribution"
    assert on_the_stage_now(at) == "3. How the room scored"
    assert len(figures(open_stage(db, room))) == 1

    button(at, "← Previous").click().run()
    assert db.stage(room)["view"] == "split"
    assert split(open_stage(db, room))


def test_next_on_the_console_steps_from_the_view_a_clicker_put_on_the_stage(facilitator, db, room):
    at = console(facilitator, room)
    token = db.stage(room)["token"]
    for _ in range(2):  # two PageDowns on the projector, after the console drew
        db.step_view_by_link(room, token, lambda view, seq: stage_rules.step(VIEWS, view, "next"))

    button(at, "Next →").click().run()

    assert db.stage(room)["view"] == "profile", "view 4, not back to view 2"
    assert on_the_stage_now(at) == "4. Believers against spectators"


def test_the_view_list_puts_any_view_on_the_stage(facilitator, db, room):
    at = console(facilitator, room)

    at.selectbox(key=f"jump_{room}").select("time")
    button(at, "Show it").click().run()

    assert db.stage(room)["view"] == "time"
    assert on_the_stage_now(at) == f"{len(VIEWS) - 1}. Answers over time"


def test_the_show_results_button_reveals_and_hides_the_stage(facilitator, db, room):
    at = console(facilitator, room)
    db.set_stage(room, view="distribution")
    at.run()
    assert figures(open_stage(db, room))

    button(at, "Hide results on the stage").click().run()
    assert db.get_session(room)["revealed"] == 0
    stage = open_stage(db, room)
    assert not figures(stage)
    assert "Results coming" in texts(stage)

    button(at, "Show results on the stage").click().run()
    assert db.get_session(room)["revealed"] == 1
    assert figures(open_stage(db, room))


def test_a_reveal_from_the_command_line_shows_on_the_console(facilitator, db, room):
    at = console(facilitator, room)
    db.set_revealed(room, False)  # `python -m survey session hide HALLB`

    at.run()

    assert [b.label for b in at.button if "results on the stage" in b.label] == [
        "Show results on the stage"
    ]


def stored_classes(db, code: str) -> dict[str, str]:
    cols, rows = db.rows(code)
    token, klass = cols.index("token"), cols.index("class")
    return {r[token]: r[klass] for r in rows}


def test_the_what_if_threshold_reaches_the_stage_but_never_changes_stored_classes(
    facilitator, db, q, room
):
    before = stored_classes(db, room)
    at = console(facilitator, room)
    slider = next(s for s in at.slider if s.label == "What-if threshold (hypothetical)")
    assert slider.value == q.threshold

    slider.set_value(0.0).run()

    assert db.stage(room)["threshold"] == 0.0
    published = len(before) // aggregate.min_group() * aggregate.min_group()  # steps of k
    assert split(open_stage(db, room, "split")) == {
        f"Believers · {published}": "100%",
        "Spectators · 0": "0%",
    }
    assert stored_classes(db, room) == before
    next(s for s in at.slider if s.label == "What-if threshold (hypothetical)").set_value(
        q.threshold
    ).run()
    assert db.stage(room)["threshold"] is None, "back at the questionnaire's threshold"


def test_a_segment_chosen_on_the_console_reaches_the_stage(facilitator, db, q):
    code = db.create_session("Agencies", "AGCY")
    db.set_revealed(code, True)
    rows = demo.responses(q, 17, seed=4)
    for i, row in enumerate(rows):  # 10 agency, 4 students, 3 who did not say
        row["role"] = "Agency" if i < 10 else "Student" if i < 14 else None
    db.insert_many(code, rows)
    at = console(facilitator, code)

    at.selectbox(key=f"seg_{code}").select("role").run()
    at.selectbox(key=f"segval_{code}").select("Agency").run()

    settings = db.stage(code)
    assert (settings["segment_id"], settings["segment_value"]) == ("role", "Agency")
    shown = split(open_stage(db, code, "split"))
    # The room's figures are over the first 15 of the 17 to finish, and the segment over
    # the first k, 2k, ... Agency people among them: it moves k people at a time too.
    k = aggregate.min_group()
    first = sorted(rows, key=lambda r: (r["completed_at"], r["token"]))[: 17 // k * k]
    agency = sum(r["role"] == "Agency" for r in first)
    assert sum(int(label.split(" · ")[1]) for label in shown) == agency // k * k

    at.selectbox(key=f"segval_{code}").select("Student").run()
    stage_text = texts(open_stage(db, code, "split"))
    assert "Fewer than 5 complete responses so far" in stage_text
    assert "more response" not in stage_text, "a segment's exact count would name a finisher"


def test_close_in_60_s_counts_down_then_closes_and_reveals(facilitator, db, q):
    code = db.create_session("Keynote", "KEYN")  # open and hidden
    at = console(facilitator, code)

    button(at, "Close in 60 s").click().run()

    closes = db.stage(code)["closes_at"]
    assert closes
    assert any("Closing in" in w.value for w in at.warning)
    shown = html_of(open_stage(db, code, "split"))
    assert re.search(r'stage-countdown-digits">(59|60)</span>', shown), "big digits from 60"
    db.set_stage(code, closes_at="2000-01-01T00:00:00.000Z")  # as if a minute went by
    stage = open_stage(db, code, "split")
    session = db.get_session(code)
    assert (session["is_open"], session["revealed"]) == (0, 1)
    assert 'class="stage-countdown"' not in html_of(stage) and "Closing in" not in texts(stage)


def html_of(at) -> str:
    """The stage's HTML elements (its countdown, bars and strip), as one text."""
    return "\n".join(h.proto.body for h in at.get("html"))


def test_the_console_clears_demo_responses_and_nothing_else(facilitator, db, q, room):
    answers = {i: 3 for i in q.item_ids}
    real_before = set(stored_classes(db, room))  # the room's 12 real participants
    real = db.save_page(room, None, answers, page=q.page_count - 1, result=score(q, answers)).token
    db.insert_many(room, demo.responses(q, 12, seed=8))
    at = console(facilitator, room)
    assert next(m for m in at.metric if m.label == "Demo responses").value == "12"
    # Real participants only, as the exports and the report count them.
    assert next(m for m in at.metric if m.label == "Answers complete").value == "13"

    button(at, "Clear demo responses").click().run()

    assert set(stored_classes(db, room)) == real_before | {real}
    assert next(m for m in at.metric if m.label == "Answers complete").value == "13"
    assert not [m for m in at.metric if m.label == "Demo responses"]


def test_once_closed_the_console_counts_those_who_did_not_finish(facilitator, db, q, room):
    db.save_page(room, None, {q.items[0].id: 3})
    at = console(facilitator, room)
    assert next(m for m in at.metric if m.label == "Answering now").value == "1"

    db.set_open(room, False)
    at.run()
    labels = {m.label: m.value for m in at.metric}
    assert labels["Did not finish"] == "1"
    assert "Answering now" not in labels


def test_a_new_stage_link_from_the_console_ends_the_old_one(facilitator, db, room):
    old = db.stage(room)["token"]
    at = console(facilitator, room)
    assert any(old in c.value for c in at.code)

    button(at, "New stage link").click().run()

    new = db.stage(room)["token"]
    assert new != old
    assert any(new in c.value for c in at.code)
    assert "not valid" in texts(open_stage(db, room, token=old))


def test_the_reliability_tables_are_on_the_console_only(facilitator, db, room, q):
    at = console(facilitator, room)

    scales, items = (d.value for d in at.dataframe)
    assert scales.columns.tolist() == ["dimension", "n", "items", "alpha", "ci", "omega"]
    assert scales["dimension"].tolist() == [*(d.name for d in q.dimensions), "Whole scale"]
    assert scales["ci"].str.fullmatch(r"0\.\d\d – (0\.\d\d|1\.00)").all()
    assert sorted(items["item"]) == sorted(q.item_ids)
    assert items["alpha_if_dropped"].between(-1, 1).all()
    assert not open_stage(db, room, "split").dataframe


def test_reliability_that_cannot_be_computed_is_a_dash_on_the_console(facilitator, db, q):
    # Everyone answered "Sometimes" everywhere: no variance, so no alpha, interval or omega.
    code = db.create_session("Flat room", "FLAT")
    rows = demo.responses(q, 6, seed=2)
    db.insert_many(code, [{**r, "is_demo": 0, **dict.fromkeys(q.item_ids, 3)} for r in rows])

    at = console(facilitator, code)

    scales, items = at.dataframe
    assert scales.value[["alpha", "ci", "omega"]].isna().all().all()
    assert items.value[["item_total_r", "alpha_if_dropped"]].isna().all().all()
    assert scales.proto.placeholder == items.proto.placeholder == "–"  # not "None"


def test_the_console_offers_the_session_report_of_its_session(facilitator, db, room):
    at = console(facilitator, room)

    labels = [b.label for b in at.get("download_button")]
    assert "Download the session report (HTML)" in labels
    html = report.session_html(db, room).decode()
    assert TITLE in html and room in html  # the report the button builds is this session's
