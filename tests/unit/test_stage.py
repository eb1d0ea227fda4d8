"""The stage's rules (survey.stage) and its settings in the store: views and keys, the
minimum group size on everything projected, the countdown, the stage link, demo --clear."""

from datetime import UTC, datetime, timedelta

import pytest

from survey import cli, demo, stage
from survey.aggregate import Summary
from survey.scoring import BELIEVER, SPECTATOR

K = 5
T0 = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def summary(believers: int, spectators: int) -> Summary:
    n = believers + spectators
    return Summary(n, 0, 0, believers=believers, spectators=spectators)


# ---------------------------------------------------------------- views and keys


def test_the_views_run_join_split_distribution_profile_items_words_time_closing(q):
    kinds = [v.kind for v in stage.views(q)]
    assert kinds[:4] == ["join", "split", "distribution", "profile"]
    # the room's words and their themes: the shipped file has one open question
    assert kinds[-4:] == ["words", "themes", "time", "closing"]
    assert set(kinds[4:-4]) == {"items"}


def test_every_item_is_on_exactly_one_items_view_in_questionnaire_order(q):
    items = [v for v in stage.views(q) if v.kind == "items"]
    assert 2 <= len(items) <= 6, "a few views, not one long chart"
    assert [i for v in items for i in v.items] == q.item_ids
    sizes = [len(v.items) for v in items]
    assert max(sizes) <= stage.ITEMS_PER_VIEW
    assert max(sizes) - min(sizes) <= 1, f"balanced, not a short last view: {sizes}"
    assert items[0].title.endswith(f"(1 of {len(items)})")


@pytest.mark.parametrize(
    "current,move,expected",
    [
        ("join", stage.NEXT, "split"),
        ("split", stage.PREVIOUS, "join"),
        ("join", stage.PREVIOUS, "join"),  # stops at the first view
        ("closing", stage.NEXT, "closing"),  # and at the last
        ("profile", stage.HOME, "join"),
        ("time", stage.NEXT, "closing"),
        ("no-such-view", stage.NEXT, "split"),  # a stale id counts as join
        (None, stage.NEXT, "split"),
    ],
)
def test_keys_move_one_view_and_stop_at_the_ends(q, current, move, expected):
    assert stage.step(stage.views(q), current, move) == expected


# ---------------------------------------------------------------- minimum group size


@pytest.mark.parametrize(
    "n,rest,ok",
    [
        (4, 0, False),  # the group itself is under k
        (5, 0, True),
        (20, 0, True),
        (20, 4, False),  # the rest could be recovered as "room minus group"
        (20, 5, True),
        (5, 1, False),
    ],
)
def test_a_group_is_drawn_only_if_it_and_its_complement_have_k(n, rest, ok):
    assert stage.allowed(n, rest, K) is ok


def test_four_believers_among_twenty_spectators_get_a_placeholder_profile(q):
    room = summary(4, 20)
    g = stage.groups(room, room, segmented=False, k=K)
    profile = stage.find(stage.views(q), "profile")

    assert g.population
    assert g.classes == {BELIEVER: False, SPECTATOR: True}
    assert stage.screen(profile, True, g) == stage.SHOW  # spectators drawn, believers not


def test_a_what_if_threshold_leaving_one_believer_draws_no_believers(q):
    room = summary(1, 29)  # the 96.5 threshold from the issue
    g = stage.groups(room, room, segmented=False, k=K)
    assert g.classes[BELIEVER] is False


def test_a_segment_whose_complement_is_under_k_is_a_placeholder(q):
    everyone, segment = summary(10, 14), summary(9, 12)  # 3 people outside the segment
    g = stage.groups(everyone, segment, segmented=True, k=K)
    views = {v.kind: v for v in stage.views(q)}

    assert g.population is False
    for kind in ("split", "distribution", "profile", "items", "time"):
        assert stage.screen(views[kind], True, g) == stage.FEW, kind


def test_a_class_inside_a_segment_needs_k_outside_it_too():
    everyone, segment = summary(12, 20), summary(9, 10)  # believers outside: 3
    g = stage.groups(everyone, segment, segmented=True, k=K)
    assert g.population
    assert g.classes == {BELIEVER: False, SPECTATOR: True}


@pytest.mark.parametrize(
    "kind,revealed,believers,spectators,expected",
    [
        ("join", False, 0, 0, stage.SHOW),  # the join view never waits
        ("closing", False, 0, 0, stage.SHOW),
        ("split", False, 10, 10, stage.COMING),
        ("items", False, 10, 10, stage.COMING),
        ("split", True, 2, 2, stage.FEW),
        ("split", True, 3, 2, stage.SHOW),
        ("profile", True, 3, 3, stage.FEW),  # six people, but neither class has k
        ("profile", True, 5, 3, stage.SHOW),
    ],
)
def test_what_a_view_shows(q, kind, revealed, believers, spectators, expected):
    view = next(v for v in stage.views(q) if v.kind == kind)
    room = summary(believers, spectators)
    assert stage.screen(view, revealed, stage.groups(room, room, False, K)) == expected


# ---------------------------------------------------------------- countdown and links


@pytest.mark.parametrize(
    "closes_in,left,due",
    [(None, None, False), (60, 60, False), (0.2, 1, False), (0, 0, True), (-5, 0, True)],
)
def test_the_countdown(closes_in, left, due):
    closes = None if closes_in is None else T0 + timedelta(seconds=closes_in)
    assert stage.seconds_left(closes, T0) == left
    assert stage.countdown_due(closes, T0) is due


def test_links_are_short_enough_to_read_off_a_screen():
    assert stage.join_link("https://survey.example.org/", "K7PX") == (
        "https://survey.example.org/?s=K7PX"
    )
    assert stage.short_link("https://survey.example.org/?s=K7PX") == "survey.example.org/?s=K7PX"
    assert stage.stage_link("http://h:8501", "K7PX", "tok") == "http://h:8501/stage?s=K7PX&t=tok"


# ---------------------------------------------------------------- the store's stage settings


def test_each_session_gets_its_own_unguessable_stage_token(db):
    a, b = db.create_session("A"), db.create_session("B")
    ta, tb = db.stage(a)["token"], db.stage(b)["token"]

    assert ta != tb and len(ta) >= 40
    assert db.stage(a)["token"] == ta, "asking again keeps the token"
    assert db.stage_for_link(a, ta) is not None
    assert db.stage_for_link(a, tb) is None, "B's token opens nothing of A"
    assert db.stage_for_link(a, ta[:-1] + ("x" if ta[-1] != "x" else "y")) is None
    assert db.stage_for_link(a, "") is None
    assert db.stage("NOPE") is None


def test_a_new_stage_token_ends_the_old_link(db):
    code = db.create_session("Keynote")
    old = db.stage(code)["token"]
    new = db.new_stage_token(code)

    assert new != old
    assert db.stage_for_link(code, old) is None
    assert db.stage_for_link(code, new) is not None


def test_the_stage_token_is_in_no_export_and_no_session_row(db, q):
    from survey import export

    code = db.create_session("Keynote")
    db.insert_many(code, demo.responses(q, 3, seed=1))
    token = db.stage(code)["token"]

    assert token not in export.responses_csv(db, None, True).decode("utf-8-sig")
    assert token not in repr(db.get_session(code)) + repr(db.list_sessions())


def test_a_console_move_bumps_the_view_counter_even_back_to_the_same_view(db):
    code = db.create_session("Keynote")
    db.set_stage(code, view="split")
    db.set_stage(code, view="split")
    row = db.stage(code)
    assert (row["view"], row["view_seq"]) == ("split", 2)
    db.set_stage(code, threshold=70.5, segment_id="role", segment_value="Agency")
    row = db.stage(code)
    assert (row["threshold"], row["segment_id"], row["view_seq"]) == (70.5, "role", 2)


def test_deleting_a_session_deletes_its_stage_link(db):
    code = db.create_session("Gone soon")
    token = db.stage(code)["token"]
    db.delete_session(code)
    assert db.stage_for_link(code, token) is None
    assert db.engine.one("SELECT COUNT(*) FROM stage")[0] == 0


def test_a_due_countdown_closes_and_reveals_once(db):
    code = db.create_session("Countdown")  # new sessions start open and hidden
    db.set_stage(code, closes_at="2026-12-02T10:01:00.000Z")

    assert db.settle_countdown(code, "2026-12-02T10:00:59.000Z") is False
    assert db.get_session(code)["is_open"] == 1
    assert db.settle_countdown(code, "2026-12-02T10:01:00.000Z") is True
    session = db.get_session(code)
    assert (session["is_open"], session["revealed"]) == (0, 1)
    assert db.stage(code)["closes_at"] is None
    assert db.settle_countdown(code, "2026-12-02T10:05:00.000Z") is False


def test_clearing_demo_data_removes_exactly_the_demo_rows(db, q):
    from tests.unit.test_store import submit

    code = db.create_session("Rehearsed")
    other = db.create_session("Other room")
    real = submit(db, code).token
    db.insert_many(code, demo.responses(q, 7, seed=1))
    db.insert_many(other, demo.responses(q, 3, seed=2))
    epoch = db.room_epoch(code)

    assert db.clear_demo(code) == 7
    cols, rows = db.rows(code)
    assert [r[cols.index("token")] for r in rows] == [real]
    assert len(db.rows(other)[1]) == 3, "another session's demo rows stay"
    assert db.room_epoch(code) == epoch + 1, "live rooms are told to rebuild"


def test_cli_demo_clear_and_session_show(db, q, capsys, monkeypatch):
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://survey.example.org")
    code = db.create_session("Hall B", "HALLB")
    db.insert_many(code, demo.responses(q, 4, seed=1))

    assert cli.main(["session", "reveal", code]) == 0
    assert cli.main(["session", "show", code]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[1:4] == [
        "Hall B",
        "state: open, results shown",
        "complete: 4, in progress: 0",
    ]
    assert shown[4] == "join: https://survey.example.org/?s=HALLB"
    assert (
        shown[5] == f"stage: https://survey.example.org/stage?s=HALLB&t={db.stage(code)['token']}"
    )

    assert cli.main(["demo", code, "--clear"]) == 0
    assert "removed 4 demo responses" in capsys.readouterr().out
    assert db.rows(code)[1] == []
    assert cli.main(["session", "hide", code]) == 0
    assert db.get_session(code)["revealed"] == 0


def test_cli_holds_and_releases_participants_room_comparisons(db, capsys):
    code = db.create_session("Hall B", "HALLB")

    assert cli.main(["session", "hold", code.lower()]) == 0
    assert db.stage(code)["hold_comparison"] == 1
    assert cli.main(["session", "show", code]) == 0
    out = capsys.readouterr().out
    assert "held until the results are shown" in out

    assert cli.main(["session", "release", code]) == 0
    assert db.stage(code)["hold_comparison"] == 0
    assert cli.main(["session", "show", code]) == 0
    assert "held" not in capsys.readouterr().out.split("\n", 1)[1]
    assert cli.main(["session", "hold", "NOPE"]) == 1
