"""Demo responses: synthetic rehearsal rows that look like a real room's, never from the future."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from survey import demo, words
from survey.scoring import score
from survey.store import COMPLETE, DEFAULT_SESSION


def test_every_demo_response_has_finished_by_the_time_it_was_made(q):
    now = datetime(2026, 12, 3, 12, 35, tzinfo=UTC)
    rows = demo.responses(q, 500, seed=3, now=now)
    finished = [datetime.fromisoformat(r["completed_at"]) for r in rows]
    started = [datetime.fromisoformat(r["started_at"]) for r in rows]
    assert max(finished) <= now
    assert all(s < f for s, f in zip(started, finished, strict=True))
    # Spread over the talk, as a room arrives: not all in the same minute.
    assert max(started) - min(started) > timedelta(minutes=15)


def test_demo_responses_are_complete_flagged_and_scored_like_real_ones(q):
    rows = demo.responses(q, 50, seed=4)
    assert {r["status"] for r in rows} == {COMPLETE} and {r["is_demo"] for r in rows} == {1}
    for r in rows:
        result = score(q, {i: r[i] for i in q.item_ids})
        assert (r["overall"], r["class"]) == (result.overall, result.klass)


def test_a_rehearsal_has_words_for_the_cloud_some_left_blank(q):
    (why,) = q.open
    answers = [r[why.id] for r in demo.responses(q, 60, seed=6)]
    given = [a for a in answers if a]
    assert 0 < answers.count(None) < len(answers) / 2  # some leave it blank, most answer
    assert all(len(a) <= why.max_chars for a in given)
    assert all(words.check(a, why.max_chars) == a for a in given)  # as a participant's are
    shown = words.on_stage(words.tally(given, {}, words.Blocklist.load(*words.blocklist_paths())))
    assert len(shown) >= 5  # phrases the room vouched for: the cloud shows them at once
    themes = words.by_theme(shown, why.themes)
    assert sum(n > 0 for n in themes.values()) >= 4  # the essay's themes, not one of them


def test_a_seed_makes_the_same_words_and_the_words_change_no_number(q):
    now = datetime(2026, 12, 3, 12, 35, tzinfo=UTC)
    first, again = (demo.responses(q, 30, seed=9, now=now) for _ in range(2))
    assert [r["why"] for r in first] == [r["why"] for r in again]
    wordless = demo.responses(replace(q, open=()), 30, seed=9, now=now)
    same = ("started_at", "completed_at", "overall", "class", *q.item_ids)
    assert [[r[k] for k in same] for r in first] == [[r[k] for k in same] for r in wordless]


def test_demo_words_stay_out_of_what_counts(db, q):
    db.insert_many(DEFAULT_SESSION, demo.responses(q, 20, seed=2))
    assert db.open_answers(DEFAULT_SESSION, "why")  # the rehearsal's stage shows them
    assert db.open_answers(DEFAULT_SESSION, "why", include_demo=False) == []
