"""The stage page through AppTest: what the room sees for each setting in the database.

The stage link carries its token in the URL; the console's settings reach it through
the database (here set directly on the store, as another browser's console would).
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from survey import aggregate, demo, questionnaire, store
from survey.ui import stage as stage_ui

from .conftest import APP, RUN_TIMEOUT_S
from .test_sessions import HOSTILE_TITLES, places_rendering_markdown

TITLE = "Summit Hall B"


def open_stage(db, code: str, view: str | None = None, token: str | None = None) -> AppTest:
    """The stage page opened from its link (?s=CODE&t=TOKEN) on the projector."""
    if view is not None:
        db.set_stage(code, view=view)
    link = {"s": code, "t": db.stage(code)["token"] if token is None else token}
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
    at.run()
    at.switch_page("pages/stage.py")
    at.query_params.update(link)  # a page switch drops the query string
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.text, at.caption) for e in kind)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def split(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if " · " in m.label}


def rows_with_classes(q, believers: int, spectators: int, **profile) -> list[dict]:
    """Demo rows whose overall scores put exactly `believers` at or over the threshold."""
    rows = demo.responses(q, believers + spectators, seed=11)
    for i, row in enumerate(rows):
        row["overall"] = 85.0 if i < believers else 30.0
        row["class"] = "believer" if i < believers else "spectator"
        row.update(profile)
    return rows


@pytest.fixture
def room(db, q) -> str:
    code = db.create_session(TITLE, "HALLB")
    db.insert_many(code, demo.responses(q, 12, seed=7))
    db.set_revealed(code, True)
    return code


# ---------------------------------------------------------------- the link


def test_the_stage_link_opens_without_a_passcode(db, room):
    at = open_stage(db, room, "join")

    assert not at.text_input, "no sign-in form on the projector"
    assert "HALLB" in [t.value for t in at.title]
    assert metric(at, "Finished") == "12"
    assert at.get("image"), "the QR code to join"


@pytest.mark.parametrize("token", ["", "not-the-token", "x" * 43])
def test_a_wrong_token_shows_a_plain_message_and_nothing_of_the_room(db, room, token):
    at = open_stage(db, room, "split", token=token)

    assert stage_ui.INVALID_LINK in texts(at)
    assert not at.metric and not at.get("plotly_chart") and not at.get("image")
    assert TITLE not in texts(at)


def test_an_old_token_stops_working_once_the_console_issues_a_new_one(db, room):
    old = db.stage(room)["token"]
    db.new_stage_token(room)

    at = open_stage(db, room, "split", token=old)

    assert stage_ui.INVALID_LINK in texts(at)
    assert not at.metric and not at.get("plotly_chart")


def test_session_a_token_shows_nothing_of_session_b(db, q, room):
    other = db.create_session("Private rehearsal", "PRVT")
    db.insert_many(other, demo.responses(q, 30, seed=1))

    at = open_stage(db, other, "split", token=db.stage(room)["token"])

    assert stage_ui.INVALID_LINK in texts(at)
    assert not at.metric and "Private rehearsal" not in texts(at)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_session_title_is_plain_text_on_the_stage(db, title):
    code = db.create_session(title, "BADT")

    at = open_stage(db, code, "join")

    assert places_rendering_markdown(at, title) == []
    assert title in [t.value for t in at.text]


def test_a_first_page_left_for_longer_than_the_window_is_no_longer_answering_now(db, q, room):
    # A server killed mid-burst leaves first pages stored but never acknowledged: they
    # must not read "answering now" for the rest of the talk.
    long_ago = store.iso(datetime.now(UTC) - aggregate.ANSWERING_WINDOW - timedelta(minutes=1))
    db.insert_many(
        room,
        [
            {
                "token": f"stale{n}",
                "status": "in_progress",
                "is_demo": 0,
                "started_at": long_ago,
                "updated_at": long_ago,
                q.items[0].id: 3,
            }
            for n in range(3)
        ],
    )
    db.save_page(room, None, {q.items[0].id: 3})
    assert metric(open_stage(db, room, "join"), "Answering now") == "1"


def test_the_counts_stay_exact_while_the_figures_move_in_steps_of_k(db, q, room):
    db.insert_many(room, demo.responses(q, 2, seed=8))  # 14 finished: figures over 10
    assert metric(open_stage(db, room, "join"), "Finished") == "14"
    at = open_stage(db, room, "split")
    shown = sum(int(label.split(" · ")[1]) for label in split(at))
    assert shown == 10
    assert "10 of 14 who finished: the figures take in 5 people at a time." in texts(at)


def test_once_closed_the_stage_counts_nobody_as_still_answering(db, q, room):
    db.save_page(room, None, {q.items[0].id: 3})
    assert metric(open_stage(db, room, "join"), "Answering now") == "1"

    db.set_open(room, False)  # they can no longer finish
    at = open_stage(db, room, "join")
    assert "Answering now" not in [m.label for m in at.metric]
    assert metric(at, "Finished") == "12"
    assert "This session is closed" in [t.value for t in at.title]
    assert not at.get("image"), "no QR code to join a closed session"
    assert "Join" not in texts(at) and "Scan" not in texts(at)
    assert room not in [t.value for t in at.title], "no code to enter"


# ---------------------------------------------------------------- reveal and k


def test_a_hidden_session_shows_the_live_count_and_results_coming(db, q):
    code = db.create_session("Keynote", "KEYN")  # new sessions start hidden
    db.insert_many(code, demo.responses(q, 12, seed=5))

    for view in ("split", "distribution", "profile", "items-1", "time"):
        at = open_stage(db, code, view)
        assert not at.get("plotly_chart"), view
        assert "Results coming" in texts(at), view
        assert metric(at, "Finished") == "12"
        assert "**KEYN**" in texts(at), "latecomers can join from every view"


@pytest.mark.parametrize("n,shown", [(4, False), (5, True)])
def test_no_group_is_drawn_until_k_answers_are_in(db, q, n, shown):
    code = db.create_session("Small room", "SMALL")
    db.set_revealed(code, True)
    db.insert_many(code, rows_with_classes(q, n, 0))  # one class: the split stays simple

    at = open_stage(db, code, "split")

    assert bool(split(at)) is shown
    assert any('class="believers"' in h.proto.body for h in at.get("html")) is shown
    assert ("1 more response needed" in texts(at)) is not shown


def test_while_open_every_view_keeps_the_join_link_and_code_and_once_closed_none(
    db, room, monkeypatch
):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "http://hall-b.example:8501")
    views = ("split", "distribution", "profile", "items-2", "time", "closing")
    for view in views:
        at = open_stage(db, room, view)
        assert "**hall-b.example:8501/?s=HALLB**" in texts(at), view
        assert "**HALLB**" in texts(at), view
        assert at.get("image"), f"{view}: a small QR code to join"
    db.set_open(room, False)
    for view in views:
        at = open_stage(db, room, view)
        assert "HALLB" not in texts(at), view
        assert "**This session is closed**" in texts(at), view
        assert not at.get("image"), view


def test_four_believers_and_twenty_spectators_the_believers_profile_is_a_placeholder(db, q):
    code = db.create_session("Mostly watching", "WATCH")
    db.set_revealed(code, True)
    db.insert_many(code, rows_with_classes(q, 4, 20))

    at = open_stage(db, code, "profile")

    assert "Fewer than 5 believers so far" in texts(at)
    [fig] = figures(at)
    assert [t["name"] for t in fig["data"]] == ["Spectators"]


def test_a_segment_whose_complement_is_under_k_is_a_placeholder(db, q):
    code = db.create_session("Agencies", "AGCY")
    db.set_revealed(code, True)
    db.insert_many(code, rows_with_classes(q, 5, 4, role="Agency"))
    db.insert_many(code, rows_with_classes(q, 1, 2, role="Student"))  # 3 outside Agency

    db.set_stage(code, segment_id="role", segment_value="Agency")
    at = open_stage(db, code, "distribution")
    assert "Fewer than 5 people outside this segment" in texts(at)
    assert not at.get("plotly_chart")

    db.set_stage(code, segment_value="Student")
    at = open_stage(db, code, "distribution")
    assert "Fewer than 5 complete responses so far" in texts(at)
    # No "2 more needed": a segment's exact count, looked at before and after one more
    # person finishes, would tell whether that person is a Student.
    assert "more responses needed" not in texts(at)
    assert not at.get("plotly_chart")

    db.set_stage(code, segment_id=None, segment_value=None)
    at = open_stage(db, code, "distribution")
    assert len(at.get("plotly_chart")) == 1


def test_a_what_if_threshold_redraws_the_split_but_never_the_stored_classes(db, q, room):
    before = [r[-1] for r in db.rows(room, columns=["token", "class"])[1]]
    # The room is drawn in steps of k: the first 10 of the 12 to finish.
    done = db.rows(room, columns=["completed_at", "token", "class"])[1]
    first_ten = [c for *_, c in sorted(done)[:10]]
    at = open_stage(db, room, "split")
    believers = sum(c == "believer" for c in first_ten)
    assert set(split(at)) == {f"Believers · {believers}", f"Spectators · {10 - believers}"}

    db.set_stage(room, threshold=0.0)
    at = open_stage(db, room, "split")
    assert split(at) == {"Believers · 10": "100%", "Spectators · 0": "0%"}
    assert "What-if: believer from 0 instead of 60" in texts(at)
    at = open_stage(db, room, "distribution")
    notes = [a["text"] for a in figures(at)[0]["layout"]["annotations"]]
    assert "What-if 0" in notes
    assert [r[-1] for r in db.rows(room, columns=["token", "class"])[1]] == before


def test_a_threshold_that_is_not_a_whole_number_is_not_shown_as_a_what_if(
    db, q, tmp_path, monkeypatch
):
    text = Path(q.path).read_text(encoding="utf-8").replace("threshold = 60", "threshold = 62.5")
    path = tmp_path / "questionnaire.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))
    halves_db = store.Store(questionnaire.load(path))
    halves_db.insert_many("SHARE", demo.responses(halves_db.q, 8, seed=9))

    at = open_stage(halves_db, "SHARE", "distribution")
    halves_db.close()

    notes = [a["text"] for a in figures(at)[0]["layout"]["annotations"]]
    assert "Threshold 62.5" in notes
    assert "What-if" not in texts(at)


# ---------------------------------------------------------------- the look


def test_no_projected_chart_has_a_toolbar_and_items_are_whole(db, q, room):
    at = open_stage(db, room, "items-1")
    [legend, bars] = at.get("plotly_chart")

    for chart in (legend, bars):
        assert (
            json.loads(chart.proto.spec)
            and json.loads(chart.proto.config)["displayModeBar"] is False
        )
    fig = json.loads(bars.proto.spec)
    labels = fig["data"][0]["y"]
    first = stage_ui.core.views(q)[4].items
    assert [label.replace("<br>", " ") for label in labels] == [
        q.item(i).text + (" (R)" if q.item(i).reverse else "") for i in first
    ]
    ranks = {t["name"]: t.get("legendrank") for t in fig["data"] if t.get("showlegend", True)}
    assert sorted(ranks, key=ranks.get) == list(q.scale), "Never .. Very often"
    low, high = fig["layout"]["xaxis"]["range"]
    assert low == -high
    assert json.loads(legend.proto.spec)["data"][0]["text"] == list(q.scale)


def test_demo_data_shows_a_badge_and_real_data_does_not(db, q, room):
    assert "Demo data" in texts(open_stage(db, room, "split"))
    db.clear_demo(room)
    assert "Demo data" not in texts(open_stage(db, room, "split"))
