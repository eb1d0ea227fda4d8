"""Demo responses: synthetic rehearsal rows that look like a real room's, never from the future."""

from datetime import UTC, datetime, timedelta

from survey import demo
from survey.scoring import score
from survey.store import COMPLETE


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
