"""The facilitator's pages: the passcode gate and the live dashboard's reveal rules."""

import json
import types
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from survey import auth, demo, questionnaire, store
from survey.ui import gate

FACILITATOR_PAGES = ["pages/dashboard.py", "pages/sessions.py", "pages/export.py"]
TITLE = "Summit Hall B"


@pytest.fixture
def room(db, q) -> str:
    """A revealed session with enough finished answers for every panel to show."""
    code = db.create_session(TITLE, "HALLB")
    db.insert_many(code, demo.responses(q, 12, seed=7))
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
    if at.selectbox:
        shown.append("session list")
    texts = [e.value for kind in (at.markdown, at.text, at.caption) for e in kind]
    if any(TITLE in t or "HALLB" in t for t in texts):
        shown.append("session title or code")
    return shown


def pause_is_over(monkeypatch) -> None:
    later = gate.time.time() + auth.LOCKOUT_S + 1
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
        (
            "pages/dashboard.py",
            ["chart", "count", "table", "session list", "session title or code"],
        ),
        ("pages/sessions.py", ["table", "session list"]),
        ("pages/export.py", ["table", "session list"]),
    ],
)
def test_the_right_passcode_shows_the_room_data(facilitator, room, page, expected):
    at = facilitator(page, s=room)  # the dashboard's own link names its session
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


def test_five_wrong_tries_lock_the_form_and_refuse_even_the_right_passcode(
    open_app, sign_in, passcode, room
):
    at = open_app("pages/dashboard.py", s=room)
    for left in ("4 tries", "3 tries", "2 tries", "1 try"):
        sign_in(at, f"guess-{left}")
        assert any(f"{left} left" in e.value for e in at.error)
    sign_in(at, "guess-5")
    assert any("Wait 60 seconds" in e.value for e in at.error)

    sign_in(at, passcode)

    assert any("Wait" in e.value for e in at.error)
    assert room_data_shown(at) == []


def test_the_right_passcode_works_again_once_the_pause_is_over(
    open_app, sign_in, passcode, room, monkeypatch
):
    at = open_app("pages/dashboard.py", s=room)
    for i in range(auth.MAX_TRIES):
        sign_in(at, f"guess-{i}")
    pause_is_over(monkeypatch)

    sign_in(at, passcode)

    assert not any("Wait" in e.value for e in at.error)
    assert "chart" in room_data_shown(at)


# ---------------------------------------------------------------- the dashboard's reveal rules


def dashboard(facilitator, code: str) -> AppTest:
    at = facilitator("pages/dashboard.py")
    session = next(s for s in at.sidebar.selectbox if s.label == "Session")
    session.select(code).run()
    assert not at.exception, at.exception
    return at


def infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


@pytest.mark.parametrize("n,charts", [(4, 0), (5, 5)])
def test_no_chart_is_drawn_until_k_answers_are_in(facilitator, db, q, n, charts):
    code = db.create_session("Small room", "SMALL")
    db.set_revealed(code, True)
    db.insert_many(code, demo.responses(q, n, seed=3))

    at = dashboard(facilitator, code)

    assert len(at.get("plotly_chart")) == charts
    assert ("1 more response needed" in infos(at)) == (charts == 0)
    assert next(m for m in at.metric if m.label == "Answers complete").value == str(n)
    split = [m for m in at.metric if m.label.startswith(("Believers", "Spectators"))]
    assert bool(split) == bool(charts)


def test_a_hidden_session_shows_its_count_and_join_code_but_no_results(facilitator, db, q):
    code = db.create_session("Keynote", "KEYN")  # new sessions start hidden
    db.insert_many(code, demo.responses(q, 12, seed=5))

    at = dashboard(facilitator, code)

    assert not at.get("plotly_chart")
    assert "Results are hidden" in infos(at)
    assert next(m for m in at.metric if m.label == "Answers complete").value == "12"
    assert any("KEYN" in m.value for m in at.markdown)
    assert at.get("image"), "the QR code to join stays on screen"


def test_the_show_results_switch_reveals_and_hides_the_charts(facilitator, db, room):
    at = dashboard(facilitator, room)
    reveal = at.toggle(key=f"reveal_{room}")
    assert reveal.value is True
    assert len(at.get("plotly_chart")) == 5

    reveal.set_value(False).run()
    assert not at.get("plotly_chart")
    assert "Results are hidden" in infos(at)
    assert db.get_session(room)["revealed"] == 0

    at.toggle(key=f"reveal_{room}").set_value(True).run()
    assert len(at.get("plotly_chart")) == 5
    assert db.get_session(room)["revealed"] == 1


def split_shown(at: AppTest) -> tuple[str, str]:
    metrics = {m.label.split(" · ")[0]: m for m in at.metric}
    return metrics["Believers"].label, metrics["Spectators"].label


def chart_notes(at: AppTest) -> list[str]:
    """The text annotations drawn on the charts (the histogram marks the threshold)."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [a.get("text") for s in specs for a in s.get("layout", {}).get("annotations", [])]


def stored_classes(db, code: str) -> dict[str, str]:
    cols, rows = db.rows(code)
    token, klass = cols.index("token"), cols.index("class")
    return {r[token]: r[klass] for r in rows}


# ---------------------------------------------------------------- what-if and segments


def test_the_what_if_threshold_redraws_the_split_but_never_changes_stored_classes(
    facilitator, db, q, room
):
    before = stored_classes(db, room)
    believers = sum(c == "believer" for c in before.values())
    assert 0 < believers < len(before), "the demo room should hold both classes"
    at = dashboard(facilitator, room)
    assert split_shown(at) == (
        f"Believers · {believers}",
        f"Spectators · {len(before) - believers}",
    )
    assert f"Threshold {q.threshold:g}" in chart_notes(at)
    slider = next(s for s in at.slider if s.label == "What-if threshold (hypothetical)")

    slider.set_value(0).run()

    assert split_shown(at) == (f"Believers · {len(before)}", "Spectators · 0")
    assert "What-if 0" in chart_notes(at)
    assert any("What-if" in w.value and "unchanged" in w.value for w in at.warning)
    assert stored_classes(db, room) == before


def choose_segment(at: AppTest, question: str, value: str) -> AppTest:
    next(s for s in at.selectbox if s.label == "Segment").select(question).run()
    next(s for s in at.selectbox if s.label == "Segment value").select(value).run()
    assert not at.exception, at.exception
    return at


def test_a_segment_with_fewer_than_k_answers_shows_no_results(facilitator, db, q):
    code = db.create_session("Agencies", "AGCY")
    db.set_revealed(code, True)
    rows = demo.responses(q, 9, seed=4)
    for i, row in enumerate(rows):
        row["role"] = "Agency" if i < 6 else "Student"
    db.insert_many(code, rows)
    at = dashboard(facilitator, code)
    assert len(at.get("plotly_chart")) == 5

    choose_segment(at, "role", "Student")
    assert not at.get("plotly_chart")
    assert "2 more responses needed" in infos(at)

    choose_segment(at, "role", "Agency")
    assert len(at.get("plotly_chart")) == 5
    assert sum(int(m.label.split(" · ")[1]) for m in at.metric if " · " in m.label) == 6


def test_a_threshold_that_is_not_a_whole_number_is_not_shown_as_a_what_if(
    facilitator, q, tmp_path, monkeypatch
):
    text = Path(q.path).read_text(encoding="utf-8").replace("threshold = 60", "threshold = 62.5")
    path = tmp_path / "questionnaire.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))
    halves = questionnaire.load(path)
    halves_db = store.Store(halves)
    halves_db.insert_many("SHARE", demo.responses(halves, 8, seed=9))
    halves_db.close()

    at = facilitator("pages/dashboard.py")

    assert len(at.get("plotly_chart")) == 5
    assert "Threshold 62.5" in chart_notes(at)
    assert not any("What-if" in w.value for w in at.warning)
