"""No differencing on any screen: nobody's answers can be read off the stage or a
participant's comparison by looking before and after they finish, or after a rebuild.

The rule these tests check. The people behind each figure drawn are a group: the room
(its split, histogram, item shares and timeline), each class at the threshold in force
(its dimension means), a segment, and the room a participant is compared with (the share
below them and the room's dimension means). Between two consecutive states of a screen,
every group either draws exactly the same figures or changed by at least k people. A
group that changed by one person would give that person's answers away as the difference
of two sums; one that changed by k gives only the sum of k people. A Room rebuilt from the
same rows in any order (after a restart, a retake, a deletion, on another worker) draws
exactly the same figures.

People also leave (a deletion, or a retake that replaces a finished response). Then the
rule is about every look, not only consecutive ones: any two different sets of people a
group has been drawn over differ by at least k people, so the one who left, knowing their
own answers, learns only the sum of k others.
"""

from __future__ import annotations

import random
from dataclasses import asdict, replace

import pytest

from survey import aggregate, publishing, stage
from survey.room import Room
from survey.scoring import BELIEVER, SPECTATOR
from survey.store import DEFAULT_SESSION

K = 5
PEOPLE = 15
# The settings a facilitator can put on the stage: the questionnaire's threshold and two
# what-if ones, the whole room and segments by a single and a multi-select question.
THRESHOLDS = [None, 50.0, 70.0]
SEGMENTS = [
    (None, None),
    ("role", "Agency"),
    ("role", "Student"),
    ("platforms", "Instagram"),
    ("years", "2 to 5"),
]


def people(q, n: int = PEOPLE, seed: int = 23) -> list[dict]:
    """n participants with varied answers (believers and spectators) and profiles."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        lean = rnd.choice([1, 2, 3, 4, 5])
        answers = {it: min(5, max(1, lean + rnd.choice([-1, 0, 0, 1]))) for it in q.item_ids}
        profile = {
            "role": ["Agency", "Student", "Agency", "Other"][i % 4],
            "years": ["2 to 5", "6 to 10"][i % 2],
            "platforms": "; ".join(rnd.sample(["Instagram", "TikTok", "LinkedIn"], 2)),
        }
        out.append({"name": f"p{i}", "answers": answers, "profile": profile})
    return out


def start_all(db, q, crowd: list[dict]) -> None:
    """Everyone stores their first page, in the crowd's order (the rows' order)."""
    first = q.pages()[0]
    for p in crowd:
        given = {it.id: p["answers"][it.id] for it in first}
        p["token"] = db.save_page(DEFAULT_SESSION, None, given, page=1).token


def finish(db, q, p: dict) -> None:
    db.save_page(
        DEFAULT_SESSION, p["token"], p["answers"], p["profile"], page=len(q.pages()), finish=True
    )


def read(db, q, room: Room | None = None) -> Room:
    """A room brought up to date as the live app does: only rows changed since it looked."""
    room = room if room is not None else Room(q)
    version = db.session_version(DEFAULT_SESSION)
    cols = aggregate.room_columns(q)
    room.removals = db.removals(DEFAULT_SESSION)  # as resources.room: who finished and left
    return room.add(*db.rows(DEFAULT_SESSION, since_version=room.version, columns=cols), version)


def rebuilt(db, q, seed: int) -> Room:
    """A room read afresh from the same rows, delivered in a shuffled order."""
    cols, rows = db.rows(DEFAULT_SESSION, columns=aggregate.room_columns(q))
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    room = Room(q)
    room.removals = db.removals(DEFAULT_SESSION)
    return room.add(cols, rows, db.session_version(DEFAULT_SESSION))


def drawn(f: stage.Figures) -> dict[str, tuple[int, object]]:
    """Each group the stage draws at these figures: its headcount and its figures.

    A group the stage does not draw (under k, or its complement under k) is absent."""
    out: dict[str, tuple[int, object]] = {}
    s = f.shown
    if f.groups.population:
        figures = (s.believers, s.spectators, s.hist_counts, s.item_shares, s.timeline)
        out["population"] = (s.n_complete, figures)
        for klass in (BELIEVER, SPECTATOR):
            if f.groups.classes[klass] and klass in s.dim_means:
                out[klass] = (s.class_n[klass], s.dim_means[klass])
    return out


def changed_by_fewer_than_k(before: dict, after: dict) -> list[str]:
    """The groups that changed without k people more or fewer behind them."""
    bad = []
    for group in before.keys() | after.keys():
        n0, figures0 = before.get(group, (0, None))
        n1, figures1 = after.get(group, (0, None))
        if n0 == n1 and figures0 != figures1:
            bad.append(f"{group}: other figures over the same {n0} people")
        elif n0 != n1 and abs(n1 - n0) < K:
            bad.append(f"{group}: {n0} -> {n1} people")
    return bad


@pytest.fixture
def crowd(q):
    return people(q)


@pytest.fixture
def finishing_order():
    # They started in order p0..p14; they finish in another order (p0 finishes last):
    # a room read afresh lists rows in the order people started.
    return [*range(1, PEOPLE), 0]


def test_the_stage_watched_before_and_after_each_finisher_gives_nobody_away(
    db, q, crowd, finishing_order
):
    start_all(db, q, crowd)
    live = read(db, q)
    states: dict[tuple, list[dict]] = {(t, seg): [] for t in THRESHOLDS for seg in SEGMENTS}
    for done, i in enumerate(finishing_order, 1):
        finish(db, q, crowd[i])
        live = read(db, q, live)
        if done < 4:
            continue  # from just before the 5th finisher to after the 15th
        for t, seg in states:
            states[(t, seg)].append(drawn(stage.figures(live, t, seg, K)))

    problems = []
    for setting, seen in states.items():
        for n, (before, after) in enumerate(zip(seen, seen[1:], strict=False), 5):
            problems += [
                f"{setting}, finisher {n}: {p}" for p in changed_by_fewer_than_k(before, after)
            ]
    assert not problems, problems
    room_sizes = [s["population"][0] for s in states[(None, (None, None))] if s]
    assert room_sizes == [5] * 5 + [10] * 5 + [15], "the room is drawn, in steps of k"
    for seg in (("role", "Agency"), ("years", "2 to 5")):
        sizes = [s.get("population", (0,))[0] for s in states[(None, seg)]]
        assert len(set(sizes)) > 1, f"the segment {seg} was drawn and moved: {sizes}"


def test_without_the_steps_the_difference_of_two_looks_is_one_persons_answers(
    db, q, crowd, finishing_order
):
    # The attack of issue 23, on the figures as an analyst's report computes them (every
    # response counted): the item shares before and after the 6th finisher give all of
    # that person's answers back. The stage's figures above never move by one person.
    start_all(db, q, crowd)
    live = read(db, q)
    for i in finishing_order[:5]:
        finish(db, q, crowd[i])
    before = aggregate.summarise(read(db, q, live))
    sixth = crowd[finishing_order[5]]
    finish(db, q, sixth)
    after = aggregate.summarise(read(db, q, live))

    recovered = {
        item: 1
        + max(
            range(5), key=lambda p: 6 * after.item_shares[item][p] - 5 * before.item_shares[item][p]
        )
        for item in q.item_ids
    }
    assert recovered == sixth["answers"]
    staged = [drawn(stage.figures(read(db, q, live), None, (None, None), K))]
    assert staged[0]["population"][0] == K, "the stage still shows the first five"


def test_a_room_rebuilt_in_any_order_draws_exactly_the_same_stage(db, q, crowd, finishing_order):
    start_all(db, q, crowd)
    live = read(db, q)
    for done, i in enumerate(finishing_order, 1):
        finish(db, q, crowd[i])
        live = read(db, q, live)
        for seed in (1, 2):
            again = rebuilt(db, q, seed)
            for t in THRESHOLDS:
                for seg in SEGMENTS:
                    assert asdict(stage.figures(again, t, seg, K)) == asdict(
                        stage.figures(live, t, seg, K)
                    ), (done, seed, t, seg)


def test_the_participants_comparison_moves_in_steps_of_k_and_survives_a_rebuild(
    db, q, crowd, finishing_order
):
    start_all(db, q, crowd)
    live = read(db, q)
    seen = []
    for done, i in enumerate(finishing_order, 1):
        finish(db, q, crowd[i])
        live = read(db, q, live)
        mine = aggregate.compare(live, 50.0, step=K)
        for seed in (1, 2):
            assert aggregate.compare(rebuilt(db, q, seed), 50.0, step=K) == mine, done
        if done >= 4:
            seen.append(mine)

    for before, after in zip(seen, seen[1:], strict=False):
        if before.counted == after.counted:
            assert (after.share_below, after.dimension_means) == (
                before.share_below,
                before.dimension_means,
            )
        else:
            assert after.counted - before.counted >= K
    assert [c.counted for c in seen] == [0] + [5] * 5 + [10] * 5 + [15]


def test_a_finisher_read_after_later_ones_is_compared_in_their_own_place(db, q, crowd):
    # Another worker's row can reach a live room after rows that finished later. The room
    # then counts the first five to finish, them among them, not the five it had read.
    start_all(db, q, crowd[:6])
    for p in crowd[:6]:
        finish(db, q, p)
    cols, rows = db.rows(DEFAULT_SESSION, columns=aggregate.room_columns(q))
    late = next(r for r in rows if r[cols.index("token")] == crowd[2]["token"])
    version = db.session_version(DEFAULT_SESSION)
    live = Room(q).add(cols, [r for r in rows if r is not late], version)
    first_five_read = aggregate.compare(live, 50.0, step=K)
    live.add(cols, [late], version)

    now = aggregate.compare(live, 50.0, step=K)
    assert now == aggregate.compare(rebuilt(db, q, 1), 50.0, step=K)
    assert now.counted == first_five_read.counted == K and now.n == 6
    assert now.dimension_means != first_five_read.dimension_means, "the five counted changed"


def test_the_fifth_finisher_cannot_read_the_sixth_after_a_retake_rebuilds_the_room(db, q, crowd):
    # The finding of issue 23: the 6th finisher started first, so a room read afresh in
    # the rows' order put them among "the first five". A retake elsewhere in the room
    # rebuilds it; the 5th finisher looks before and after.
    start_all(db, q, crowd[:7])
    live = read(db, q)
    for i in (1, 2, 3, 4, 5):
        finish(db, q, crowd[i])
    before = aggregate.compare(read(db, q, live), 50.0, step=K)
    finish(db, q, crowd[0])  # the 6th finisher, first to start
    finish(db, q, crowd[6])  # a 7th, who then takes it again
    retake = db.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1).token
    assert db.supersede(crowd[6]["token"], retake)
    after = aggregate.compare(read(db, q), 50.0, step=K)  # what resources.room rebuilds

    assert after.n == 6 and after.counted == before.counted == K
    assert after == replace(before, n=6), "one more finished; the comparison is the same"


def published_tokens(room: Room) -> set[str]:
    return set(room._token[: room.n][publishing.published(room, K)])


def test_demo_rows_step_apart_so_they_never_move_a_real_person_in_or_out(db, q, crowd):
    start_all(db, q, crowd[:7])
    for p in crowd[:7]:
        finish(db, q, p)
    real = published_tokens(read(db, q))
    demo = [
        {
            "token": f"demo{n}",
            "status": "complete",
            "is_demo": 1,
            "started_at": "2026-01-01T00:00:00.000Z",
            "completed_at": "2026-01-01T00:00:00.000Z",  # before everyone real
            "overall": 40.0,
            "class": SPECTATOR,
            **{i: 3 for i in q.item_ids},
            **{f"score_{d}": 50.0 for d in q.dimension_ids},
        }
        for n in range(6)
    ]
    db.insert_many(DEFAULT_SESSION, demo[:3])
    assert published_tokens(read(db, q)) == real, "3 demo rows, fewer than k: none drawn"
    db.insert_many(DEFAULT_SESSION, demo[3:])
    assert published_tokens(read(db, q)) == real | {f"demo{n}" for n in range(K)}
    assert len(real) == K
    db.clear_demo(DEFAULT_SESSION)
    assert published_tokens(read(db, q)) == real


def test_a_finisher_stamped_earlier_but_stored_later_does_not_slip_into_the_figures(db, q, crowd):
    # Two finish at once: the one whose clock read earlier waits for the other's write.
    # The room follows the order the database stored them in, so the later one joins
    # the queue behind everyone already there instead of pushing someone out.
    def row(name: str, at: str) -> dict:
        p = next(p for p in crowd if p["name"] == name)
        return {
            "token": name,
            "status": "complete",
            "is_demo": 0,
            "started_at": "2026-11-26T09:00:00.000Z",
            "completed_at": f"2026-11-26T{at}.000Z",
            "overall": 40.0,
            "class": SPECTATOR,
            **p["answers"],
            **{f"score_{d}": 10.0 * n for n, d in enumerate(q.dimension_ids)},
        }

    db.insert_many(DEFAULT_SESSION, [row(f"p{n}", f"10:00:0{n}") for n in range(6)])
    live = read(db, q)
    before = published_tokens(live)
    db.insert_many(DEFAULT_SESSION, [row("p6", "09:59:59")])  # stamped before all of them

    assert published_tokens(read(db, q, live)) == before == {f"p{n}" for n in range(K)}
    assert published_tokens(rebuilt(db, q, seed=3)) == before


def test_an_empty_room_draws_nothing_and_says_so(q):
    f = stage.figures(Room(q), None, ("role", "Agency"), K)
    assert (f.everyone.n_complete, f.shown.n_complete, f.groups.population) == (0, 0, False)
    assert aggregate.compare(Room(q), 50.0, step=K) == aggregate.Comparison(0, 0.0, {}, 0, K)


# ---------------------------------------------------------------- people who leave


def members(room: Room, rows) -> frozenset[str]:
    return frozenset(room._token[: room.n][rows])


def groups_drawn(room: Room) -> dict[str, frozenset[str]]:
    """Who each group the stage may draw is over, by the rule `publishing.publication`
    states; checked against the figures' own headcounts, so it is what is drawn."""
    pub = publishing.publication(room, K)
    out = {"room": members(room, pub.room)}
    for t in THRESHOLDS:
        f = stage.figures(room, t, (None, None), K)
        believer = room.overall >= f.threshold
        for klass, mask in ((BELIEVER, believer), (SPECTATOR, ~believer)):
            drawn_rows = publishing.stepped(room, pub.groups & mask, K)
            assert f.everyone.class_n.get(klass, 0) == int(drawn_rows.sum())
            out[f"{klass} at {t}"] = members(room, drawn_rows)
    for seg in SEGMENTS[1:]:
        f = stage.figures(room, None, seg, K)
        drawn_rows = publishing.stepped(room, pub.groups & room.segment_mask(*seg), K)
        assert f.shown.n_complete == int(drawn_rows.sum())
        out[f"segment {seg}"] = members(room, drawn_rows)
    return out


def too_close(history: dict[str, list[frozenset[str]]]) -> list[str]:
    """Two looks at a group over different people, fewer than k apart."""
    bad = []
    for group, looks in history.items():
        distinct = sorted(set(looks), key=len)
        for i, a in enumerate(distinct):
            for b in distinct[i + 1 :]:
                if a and b and len(a ^ b) < K:
                    bad.append(f"{group}: {sorted(a ^ b)} tell {len(a)} from {len(b)}")
    return bad


def retake(db, q, p: dict) -> dict:
    """p takes the survey again and finishes it (a new response replacing theirs)."""
    again = dict(p, name=p["name"] + "'")
    again["token"] = db.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1).token
    assert db.supersede(p["token"], again["token"])
    finish(db, q, again)
    return again


def test_after_a_deletion_the_stage_never_swaps_the_one_who_left_for_the_next(any_db, q):
    # The finding that kept issue 23 open: ten had finished (two steps of five) when the
    # third deleted their answers; dropping them pulled the 11th into "the first ten",
    # and the one who left could read the 11th's answers as the difference.
    db, crowd = any_db, people(q, 20)
    start_all(db, q, crowd)
    for p in crowd[:10]:
        finish(db, q, p)
    before = read(db, q)
    assert len(members(before, publishing.publication(before, K).room)) == 10

    assert db.delete_response(crowd[2]["token"]) == 1
    finish(db, q, crowd[10])
    after = read(db, q)
    pub = publishing.publication(after, K)
    assert not pub.room.any(), "both steps held the one who left: nothing is drawn"
    assert pub.more_needed(K) == K - 1, "the 11th waits for four more"
    assert stage.figures(after, None, (None, None), K).everyone.n_complete == 0
    assert aggregate.compare(after, 50.0, step=K).counted == 0

    for p in crowd[11:15]:
        finish(db, q, p)
    later = read(db, q)
    shown = members(later, publishing.publication(later, K).room)
    assert shown == {p["token"] for p in crowd[:15]} - {crowd[2]["token"]}
    assert len(shown ^ members(before, publishing.publication(before, K).room)) == K + 1


def test_a_later_leaver_sends_the_figures_back_to_the_last_step_without_them(db, q):
    crowd = people(q, 12)
    start_all(db, q, crowd)
    for p in crowd[:12]:
        finish(db, q, p)
    first_ten = members(read(db, q), publishing.published(read(db, q), K))
    db.delete_response(crowd[7]["token"])  # in the second step of five
    room = read(db, q)
    assert members(room, publishing.published(room, K)) == {p["token"] for p in crowd[:5]}
    assert first_ten - {crowd[7]["token"]} != members(room, publishing.published(room, K))


@pytest.mark.parametrize("seed", range(6))
def test_finishing_deleting_and_retaking_in_any_mix_never_brings_two_looks_within_k(
    any_db, q, seed
):
    rnd = random.Random(seed)
    db, crowd = any_db, people(q, 34, seed=seed)
    start_all(db, q, crowd)
    waiting, finished = list(crowd), []
    history: dict[str, list[frozenset[str]]] = {}
    comparisons: list[aggregate.Comparison] = []
    for _ in range(40):
        move = rnd.random()
        if finished and move < 0.12:
            db.delete_response(finished.pop(rnd.randrange(len(finished)))["token"])
        elif finished and move < 0.2:
            finished.append(retake(db, q, finished.pop(rnd.randrange(len(finished)))))
        elif waiting:
            p = waiting.pop(0)
            finish(db, q, p)
            finished.append(p)
        room = read(db, q)
        for group, who in groups_drawn(room).items():
            history.setdefault(group, []).append(who)
        comparisons.append(aggregate.compare(room, 50.0, step=K))
        again = rebuilt(db, q, seed)
        assert groups_drawn(again) == groups_drawn(room), "a rebuild draws the same"
        assert members(room, publishing.published(room, K)) <= {p["token"] for p in finished}

    assert not too_close(history), too_close(history)
    assert len(set(history["room"])) >= 3, "the room was drawn, and moved, more than once"
    for c in comparisons:  # a participant's comparison is over the room the stage draws
        assert c.counted in {len(s) for s in history["room"]}


def test_removals_keep_only_when_and_never_who(any_db, q):
    db, crowd = any_db, people(q, 4)
    start_all(db, q, crowd)
    for p in crowd[:3]:
        finish(db, q, p)
    again = retake(db, q, crowd[0])
    db.delete_response(again["token"])  # their retake; the replaced one is noted once
    db.delete_response(crowd[3]["token"])  # never finished: nothing to note
    marks = db.removals(DEFAULT_SESSION)
    assert len(marks) == 2
    assert all(done < left for done, left in marks)
    assert db.removals("NOPE") == []
