"""The participant's result page in plain values: the profile bars and the room."""

from survey import result
from survey.scoring import Result

# ---------------------------------------------------------------- the result's profile


def test_the_profile_shows_every_dimension_in_order_with_the_rounded_score(q):
    mine = Result({d: 10.0 * i + 0.4 for i, d in enumerate(q.dimension_ids)}, 50.0, "spectator")
    bars = result.profile_bars(q, mine)
    assert [b.name for b in bars] == [d.name for d in q.dimensions]
    assert [b.you for b in bars] == [10 * i for i in range(len(q.dimensions))]
    assert bars[1].label == f"**{q.dimensions[1].name}**: you 10"
    assert not any("room" in b.label for b in bars)  # no room yet: nothing to compare with


def test_the_profile_says_how_far_above_or_below_the_room_each_dimension_is(q):
    a, b, c = q.dimension_ids[:3]
    scores = {d: 50.0 for d in q.dimension_ids} | {a: 80.0, b: 30.0}
    room = {d: 50.0 for d in q.dimension_ids} | {a: 62.4}
    bars = result.profile_bars(q, Result(scores, 50.0, "spectator"), room)
    assert bars[0].label.endswith("you 80 · room 62 (18 above the room)")
    assert bars[1].label.endswith("you 30 · room 50 (20 below the room)")
    assert bars[2].label.endswith("you 50 · room 50 (level with the room)")
