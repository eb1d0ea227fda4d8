"""One view for the room: the database's. A clicker on the stage and the console's
previous and next all step from what the stage shows now (survey.stage.follow), and the
store writes each press in one transaction, the stage link's token checked on the write."""

import threading

import pytest

from survey import stage
from survey.stage import HOME, NEXT, PREVIOUS
from survey.store import StoreError

# The shipped questionnaire's views: join, split, distribution, profile, items-1..4, time,
# closing.


@pytest.mark.parametrize(
    "now,move,drawn,pressed,expected",
    [
        # One step from the view the stage shows now.
        ("join", NEXT, 0, None, "split"),
        ("profile", PREVIOUS, 7, None, "distribution"),
        ("items-2", HOME, 3, None, "join"),
        # The clicker moved the stage twice (seq 2) while the console still showed the
        # join view (seq 0): the console's next goes on from view 3, never back to view 2.
        ("distribution", NEXT, 0, None, "profile"),
        ("distribution", PREVIOUS, 0, None, "split"),
        # A second press on a drawing already pressed (a double click before the redraw)
        # moves nothing, wherever the stage is now.
        ("split", NEXT, 0, 0, None),
        ("profile", NEXT, 0, 0, None),
        ("join", HOME, 4, 4, None),
        # A press on a newer drawing moves again.
        ("split", NEXT, 1, 0, "distribution"),
        # At an end there is nothing to write.
        ("closing", NEXT, 9, None, None),
        ("join", PREVIOUS, 0, None, None),
        # A view the questionnaire no longer has counts as join.
        ("items-9", NEXT, 2, None, "split"),
    ],
)
def test_a_press_steps_from_what_the_stage_shows_now_and_a_double_click_moves_once(
    q, now, move, drawn, pressed, expected
):
    assert stage.follow(stage.views(q), now, move, drawn, pressed) == expected


def press(q, move, drawn=0, pressed=None):
    vs = stage.views(q)
    return lambda view, seq: stage.follow(vs, view, move, drawn, pressed)


# ---------------------------------------------------------------- the store, both engines


def test_a_clicker_press_with_the_stage_token_moves_the_view_for_everyone(db, q):
    code = db.create_session("Clicker")
    token = db.stage(code)["token"]

    assert db.step_view_by_link(code, token, press(q, NEXT)) == ("split", 1)
    assert db.step_view_by_link(code, token, press(q, NEXT, 1)) == ("distribution", 2)

    row = db.stage(code)
    assert (row["view"], row["view_seq"]) == ("distribution", 2)


@pytest.mark.parametrize("forged", ["", "x", "é" * 43, "wrong-token"])
def test_a_press_with_a_wrong_or_old_token_changes_nothing(db, q, forged):
    code = db.create_session("Locked")
    old = db.stage(code)["token"]
    db.new_stage_token(code)

    for token in (forged, old):
        assert db.step_view_by_link(code, token, press(q, NEXT)) is None
    other = db.create_session("Another room")
    other_token = db.stage(other)["token"]
    assert db.step_view_by_link(code, other_token, press(q, NEXT)) is None
    assert db.step_view_by_link("NOPE", other_token, press(q, NEXT)) is None
    row = db.stage(code)
    assert (row["view"], row["view_seq"]) == ("join", 0)


def test_the_stage_link_changes_the_view_and_nothing_else(db, q):
    code = db.create_session("Read-only")
    db.set_stage(code, threshold=70.0, segment_id="role", segment_value="Agency")
    before = db.stage(code)
    revealed = db.get_session(code)["revealed"]

    db.step_view_by_link(code, before["token"], press(q, NEXT))

    after = db.stage(code)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"view", "view_seq"}
    assert db.get_session(code)["revealed"] == revealed


def test_the_console_steps_from_the_clickers_view_and_a_double_click_moves_once(db, q):
    code = db.create_session("Console")
    token = db.stage(code)["token"]
    db.step_view_by_link(code, token, press(q, NEXT))
    db.step_view_by_link(code, token, press(q, NEXT, 1))

    # The console still drew the join view (seq 0) when its next was clicked twice: the
    # first click steps from the stage's view 3, the second is the same drawing's.
    assert db.step_view(code, press(q, NEXT, drawn=0)) == ("profile", 3)
    assert db.step_view(code, press(q, NEXT, drawn=0, pressed=0)) == ("profile", 3)
    row = db.stage(code)
    assert (row["view"], row["view_seq"]) == ("profile", 3)


def test_the_console_stepping_an_unknown_session_says_so(db, q):
    with pytest.raises(StoreError, match="no session with the code NOPE"):
        db.step_view("NOPE", press(q, NEXT))


def test_presses_racing_from_many_threads_each_move_one_view_from_the_last(db, q):
    code = db.create_session("Race")
    token = db.stage(code)["token"]
    vs = stage.views(q)

    def clicker():
        # Each press steps from whatever the stage shows when its turn comes.
        db.step_view_by_link(code, token, lambda v, n: stage.follow(vs, v, NEXT, n, None))

    threads = [threading.Thread(target=clicker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    row = db.stage(code)
    assert (row["view"], row["view_seq"]) == (vs[5].id, 5)
