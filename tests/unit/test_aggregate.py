"""Room-level numbers for the dashboard and "you vs the room", computed from rows read
back from a real store."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from survey import aggregate, reliability
from survey.room import Room
from survey.scoring import score
from survey.store import COMPLETE, DEFAULT_SESSION


def keyed(q, forward: int, reverse: int) -> dict[str, int]:
    return {i.id: reverse if i.reverse else forward for i in q.items}


def finished(q, token: str, answers: dict[str, int], at: str = "10:00:00", demo=0, **profile):
    """A complete response as `insert_many` takes it."""
    result = score(q, answers)
    return {
        "token": token,
        "status": COMPLETE,
        "is_demo": demo,
        "started_at": "2026-11-26T09:58:00.000Z",
        "completed_at": f"2026-11-26T{at}.000Z",
        "overall": result.overall,
        "class": result.klass,
        **answers,
        **{f"score_{d}": s for d, s in result.dimension_scores.items()},
        **profile,
    }


def read_room(db, q, room: Room | None = None, code: str = DEFAULT_SESSION) -> Room:
    """Bring a Room up to date as the dashboard does: only rows changed since it last looked."""
    room = room if room is not None else Room(q)
    version = db.session_version(code)
    columns = aggregate.room_columns(q)
    return room.add(*db.rows(code, since_version=room.version, columns=columns), version)


@pytest.fixture
def room(db, q) -> Room:
    """Five finished responses (three believers at threshold 60) and one unfinished."""
    top, very, four = keyed(q, 5, 1), {i: 5 for i in q.item_ids}, keyed(q, 4, 2)
    mid, low = {i: 3 for i in q.item_ids}, keyed(q, 1, 5)
    db.insert_many(
        DEFAULT_SESSION,
        [
            # overall 100, 76.19 and 75 are believers at 60; 50 and 0 are spectators
            finished(q, "top1", top, "10:00:10", role="Agency", platforms="Instagram; TikTok"),
            finished(q, "very2", very, "10:00:50", role="Brand / in-house", platforms="TikTok"),
            finished(q, "four3", four, "10:01:30", demo=1, role="Agency"),
            finished(q, "mid4", mid, "10:02:00"),
            finished(q, "low5", low, "10:02:59", role="Student", platforms="LinkedIn"),
        ],
    )
    db.save_page(DEFAULT_SESSION, None, {"live_post": 3, "live_chat": 3}, page=1)
    return read_room(db, q)


# ---------------------------------------------------------------- the dashboard's numbers


def test_the_consoles_counts_leave_demo_rows_apart_and_split_the_unfinished(room):
    assert aggregate.live_counts(room, is_open=True) == aggregate.LiveCounts(4, 1, 0, 1)
    assert aggregate.live_counts(room, is_open=False) == aggregate.LiveCounts(4, 0, 1, 1)


def test_only_responses_with_a_page_stored_within_the_window_are_answering_now(room):
    # The fixture's unfinished response stored its first page just now.
    later = datetime.now(UTC) + aggregate.ANSWERING_WINDOW + timedelta(minutes=1)
    assert room.n_answering() == 1
    assert room.n_answering(later) == 0, "a first page never followed stops counting"
    assert aggregate.live_counts(room, is_open=True, now=later) == aggregate.LiveCounts(
        4, 0, 0, 1, idle=1
    )
    # Once closed, every unfinished one did not finish, however recent.
    assert aggregate.live_counts(room, is_open=False, now=later).did_not_finish == 1


def test_a_room_without_demo_rows_keeps_every_real_answer_in_order(room):
    real = room.without_demo()
    keep = ~room._demo[: room.n]
    assert (real.n, real.n_demo, real.n_in_progress) == (4, 0, 1)
    assert (real.answers == room.answers[keep]).all()
    assert (real.overall == room.overall[keep]).all()
    assert aggregate.summarise(real).n_complete == 4


def test_the_summary_counts_believers_spectators_and_unfinished(room):
    s = aggregate.summarise(room)
    assert (s.n_complete, s.n_in_progress, s.n_demo) == (5, 1, 1)
    assert (s.believers, s.spectators) == (3, 2)


def test_the_histogram_counts_every_finished_response_once(room):
    s = aggregate.summarise(room)
    assert len(s.hist_edges) == len(s.hist_counts) + 1 == 21
    assert (s.hist_edges[0], s.hist_edges[-1]) == (0, 100)
    assert sum(s.hist_counts) == 5
    # 0 -> first bin, 50 -> [50, 55), 75 and 76.19 -> [75, 80), 100 -> the last (closed) bin.
    assert {i: c for i, c in enumerate(s.hist_counts) if c} == {0: 1, 10: 1, 15: 2, 19: 1}


def test_a_what_if_threshold_changes_the_split_but_not_the_stored_classes(q, db, room):
    at_50 = aggregate.summarise(room, threshold=50)
    assert (at_50.believers, at_50.spectators) == (4, 1)
    assert aggregate.summarise(room, threshold=80).believers == 1
    assert aggregate.summarise(room, threshold=0).believers == 5

    assert aggregate.summarise(room).believers == 3  # back at the questionnaire's 60
    columns, rows = db.rows(DEFAULT_SESSION, include_incomplete=False, columns=["class"])
    assert sorted(r[0] for r in rows) == ["believer"] * 3 + ["spectator"] * 2


def test_dimension_means_are_split_by_class(room):
    s = aggregate.summarise(room)
    # learning has no reverse items: believers 100, 100, 75; spectators 50, 0.
    assert s.dim_means["believer"]["learning"] == pytest.approx(275 / 3)
    assert s.dim_means["spectator"]["learning"] == pytest.approx(25)


def test_item_shares_are_percentages_per_answer_point(room):
    s = aggregate.summarise(room)
    # live_post answers 5, 5, 4, 3, 1; the reverse item live_lurk got 1, 5, 2, 3, 5.
    assert s.item_shares["live_post"] == [20.0, 0.0, 20.0, 20.0, 40.0]
    assert s.item_shares["live_lurk"] == [20.0, 20.0, 20.0, 0.0, 40.0]


def test_the_timeline_counts_finished_responses_cumulatively_per_minute(room):
    minutes, cumulative = aggregate.summarise(room).timeline
    assert cumulative == [2, 3, 5]
    assert [t.strftime("%H:%M") for t in minutes] == ["10:00", "10:01", "10:02"]


@pytest.mark.parametrize(
    "segment,overall_scores",
    [
        pytest.param(("role", "Agency"), [100, 75], id="single-choice"),
        pytest.param(("platforms", "TikTok"), [100, 1600 / 21], id="multi-choice"),
        pytest.param(("platforms", "LinkedIn"), [0], id="multi-choice-alone"),
        pytest.param(("role", "Astronaut"), [], id="not-an-option"),
        pytest.param((None, None), [100, 1600 / 21, 75, 50, 0], id="everyone"),
    ],
)
def test_a_segment_summarises_only_the_people_who_gave_that_answer(room, segment, overall_scores):
    s = aggregate.summarise(room, segment=segment)
    assert s.n_complete == len(overall_scores)
    assert s.believers == sum(o >= 60 for o in overall_scores)
    if overall_scores:
        assert sum(s.hist_counts) == len(overall_scores)


def test_you_vs_the_room_uses_the_share_below_you_and_the_room_means(room):
    assert room.share_below(50) == 20.0  # only the 0 is below 50
    assert room.share_below(0) == 0.0
    assert room.share_below(100.5) == 100.0
    # learning: 100, 100, 75, 50, 0
    assert room.dimension_means()["learning"] == pytest.approx(65)
    assert set(room.dimension_means()) == set(room.q.dimension_ids)


def test_an_empty_room_summarises_to_zero(q, db):
    empty = read_room(db, q)
    s = aggregate.summarise(empty)
    assert (s.n_complete, s.n_in_progress, s.believers, s.spectators) == (0, 0, 0, 0)
    assert s.hist_counts == []
    assert empty.share_below(50) == 0.0
    assert empty.dimension_means() == {}


# ---------------------------------------------------------------- live updates


def test_a_response_finished_after_the_last_look_is_counted_once_as_complete(q, db, room):
    unfinished = next(t for t, status in room.status.items() if status == "in_progress")
    answers = keyed(q, 5, 1)
    db.save_page(DEFAULT_SESSION, unfinished, answers, page=4, result=score(q, answers))
    newcomer = db.save_page(DEFAULT_SESSION, None, {"live_post": 2}).token

    read_room(db, q, room)

    s = aggregate.summarise(room)
    assert (s.n_complete, s.n_in_progress) == (6, 1)
    assert room.status[unfinished] == "complete"
    assert room.status[newcomer] == "in_progress"
    assert s.believers == 4
    assert room.version == db.session_version(DEFAULT_SESSION)


def test_rows_delivered_twice_are_not_counted_twice(q, db, room):
    columns, rows = db.rows(DEFAULT_SESSION, columns=aggregate.room_columns(q))
    room.add(columns, rows, room.version)
    assert aggregate.summarise(room).n_complete == 5
    assert aggregate.summarise(room).n_in_progress == 1


def test_a_reread_room_matches_one_built_in_small_steps(q, db):
    step = Room(q, capacity=2)  # also makes the room grow past its first arrays
    for n in range(7):
        answers = {i: 1 + (n + k) % 5 for k, i in enumerate(q.item_ids)}
        db.insert_many(DEFAULT_SESSION, [finished(q, f"t{n}", answers, f"10:0{n}:00")])
        read_room(db, q, step)
    whole = read_room(db, q)

    a, b = aggregate.summarise(step), aggregate.summarise(whole)
    assert a.n_complete == b.n_complete == 7
    assert a.hist_counts == b.hist_counts
    assert a.item_shares == b.item_shares
    assert step.overall.tolist() == whole.overall.tolist()
    assert reliability.straightlined(step) == reliability.straightlined(whole)


# ---------------------------------------------------------------- reliability

# Keyed item values (0-4) of 3 items for 5 respondents.
#   item variances (ddof=1): [4,3,2,1,0] -> 10/4 = 2.5; [4,3,1,2,0] -> 2.5; [3,3,2,1,1] -> 1
#   totals 11, 9, 5, 4, 1: mean 6, squared deviations 25+9+1+4+25 = 64 -> variance 16
#   alpha = 3/2 * (1 - (2.5 + 2.5 + 1) / 16) = 3/2 * 10/16 = 15/16 = 0.9375
MATRIX = [[4, 4, 3], [3, 3, 3], [2, 1, 2], [1, 2, 1], [0, 0, 1]]
ALPHA = 15 / 16


def test_cronbach_alpha_matches_the_hand_computed_value():
    assert reliability.cronbach_alpha(np.array(MATRIX)) == pytest.approx(ALPHA)
    assert reliability.cronbach_alpha(pd.DataFrame(MATRIX)) == pytest.approx(ALPHA)


def test_corrected_item_total_correlations_match_numpy():
    m = np.array(MATRIX, dtype=float)
    expected = [np.corrcoef(m[:, j], m.sum(axis=1) - m[:, j])[0, 1] for j in range(3)]
    assert reliability.corrected_item_total(m) == pytest.approx(expected)


@pytest.mark.parametrize(
    "matrix",
    [
        pytest.param([[2, 2], [2, 2], [2, 2]], id="no-variance"),
        pytest.param([[1], [2], [3]], id="one-item"),
        pytest.param([[1, 2, 3]], id="one-respondent"),
    ],
)
def test_cronbach_alpha_is_undefined_rather_than_wrong(matrix):
    assert math.isnan(reliability.cronbach_alpha(np.array(matrix)))


def test_keying_flips_reverse_items_before_reliability():
    answers = np.array([[5, 1, 2], [3, 3, 3], [1, 5, 4]])
    assert reliability.keyed(answers, [False, True, False]).tolist() == [
        [4, 4, 1],
        [2, 2, 2],
        [0, 0, 3],
    ]


@pytest.fixture
def living_room(db, q) -> Room:
    """Five finished responses whose keyed 'living' values are MATRIX (live_lurk is reverse)."""
    rows = []
    for n, (post, chat, lurk) in enumerate(MATRIX):
        answers = {i: 3 for i in q.item_ids}
        answers.update(live_post=post + 1, live_chat=chat + 1, live_lurk=5 - lurk)
        rows.append(finished(q, f"r{n}", answers))
    db.insert_many(DEFAULT_SESSION, rows)
    db.save_page(DEFAULT_SESSION, None, {"live_post": 5, "live_chat": 1, "live_lurk": 1})
    return read_room(db, q)


def test_the_reliability_table_uses_keyed_answers_of_finished_responses(living_room):
    table = pd.DataFrame(reliability.reliability(living_room))
    living = table[table["dimension"] == "Living it"].set_index("item")
    assert list(living.index) == ["live_post", "live_chat", "live_lurk"]
    # live_lurk was answered 2, 2, 3, 4, 4: only flipped does it give the alpha above.
    assert living["alpha"].tolist() == pytest.approx([ALPHA] * 3)
    assert living["n"].tolist() == [5, 5, 5]  # the unfinished response is left out
    assert living["reverse"].tolist() == [False, False, True]
    assert living["flag"].tolist() == ["", "", ""]
    # Everyone answered "Sometimes" elsewhere: no variance, so no alpha to show.
    assert table[table["dimension"] == "Learning and discovery"]["alpha"].isna().all()
    assert len(table) == len(living_room.q.items)


def test_an_item_that_moves_against_its_dimension_is_flagged_low(q, db):
    rows = []
    for n, post in enumerate([1, 2, 4, 5]):
        # live_chat is answered the opposite way to the other two living items.
        answers = {i: 3 for i in q.item_ids} | {"live_post": post, "live_chat": 6 - post}
        rows.append(finished(q, f"w{n}", answers | {"live_lurk": 6 - post}))
    db.insert_many(DEFAULT_SESSION, rows)
    table = pd.DataFrame(reliability.reliability(read_room(db, q))).set_index("item")
    assert table.loc["live_chat", "item_total_r"] < 0
    assert table.loc["live_chat", "flag"] == "low"


def test_straightlining_counts_finished_responses_with_one_answer_throughout(q, db):
    db.insert_many(
        DEFAULT_SESSION,
        [
            finished(q, "s1", {i: 3 for i in q.item_ids}),
            finished(q, "s2", {i: 5 for i in q.item_ids}),
            finished(q, "k3", keyed(q, 5, 1)),  # consistent, but not the same answer
        ],
    )
    db.save_page(DEFAULT_SESSION, None, {"live_post": 4, "live_chat": 4})  # unfinished
    assert reliability.straightlined(read_room(db, q)) == 2


# ---------------------------------------------------------------- a participant vs the room


def test_a_participants_comparison_leaves_demo_rows_out(room, q):
    # Real ones score 100, 76.19, 50 and 0; the demo row "four3" scores 75.
    standing = aggregate.compare(room, 60.0)

    assert standing.n == 4
    assert standing.share_below == 50.0  # 50 and 0 of the four real ones
    real_dims = room.dims[~room._demo[: room.n]]
    assert standing.dimension_means == pytest.approx(
        dict(zip(q.dimension_ids, real_dims.mean(axis=0), strict=True))
    )
    assert standing.dimension_means != pytest.approx(room.dimension_means())


def test_a_room_of_demo_rows_only_has_no_one_to_compare_with(q, db):
    db.insert_many(DEFAULT_SESSION, [finished(q, "d1", keyed(q, 4, 2), demo=1)])
    standing = aggregate.compare(read_room(db, q), 50.0)
    assert (standing.n, standing.counted, standing.dimension_means) == (0, 0, {})


def test_the_comparison_moves_in_steps_of_k_so_one_finisher_cannot_be_recovered(q, db):
    k = 5
    for n in range(k):
        db.insert_many(DEFAULT_SESSION, [finished(q, f"p{n}", keyed(q, 1 + n % 4, 2))])
    before = aggregate.compare(read_room(db, q), 50.0, step=k)
    # The 6th finisher's scores are far from everyone's: a per-person room would move.
    db.insert_many(DEFAULT_SESSION, [finished(q, "sixth", keyed(q, 4, 4))])
    after = aggregate.compare(read_room(db, q), 50.0, step=k)

    assert (before.counted, after.counted, after.n) == (k, k, k + 1)
    assert after.dimension_means == before.dimension_means
    assert after.share_below == before.share_below


def test_below_k_real_people_there_is_nothing_to_compare_with(q, db):
    for n in range(4):
        db.insert_many(DEFAULT_SESSION, [finished(q, f"p{n}", keyed(q, 3, 2))])
    standing = aggregate.compare(read_room(db, q), 50.0, step=5)
    assert (standing.n, standing.counted, standing.dimension_means) == (4, 0, {})
