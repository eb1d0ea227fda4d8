"""The participant's result page in plain values: the profile bars and the room."""

import pytest

from survey import result, sharecard
from survey.scoring import Result, score

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


# ---------------------------------------------------------------- tips on a tie


def answers_scoring(q, per_dim: dict[str, list[int]]) -> dict[str, int]:
    """Answers giving each dimension's items these keyed values (0-4), in item order."""
    out = {}
    for d in q.dimension_ids:
        for item, value in zip(q.items_of(d), per_dim[d], strict=True):
            out[item.id] = 5 - value if item.reverse else value + 1
    return out


@pytest.mark.parametrize(
    "values,chosen,also_tied",
    [
        # A clear order: the two lowest scores, weakest first.
        pytest.param([[0, 0, 0], [1, 1, 1], [2, 2, 2]], [0, 1], [], id="no tie"),
        # Three tied at 2+2+2 vs 4+1+1: the lagging habit (a 1) goes first.
        pytest.param([[2, 2, 2], [4, 1, 1], [1, 1, 4]], [1, 2], [0], id="lowest habit first"),
        # Fully tied: questionnaire order, and the rest named as tied.
        pytest.param([[2, 2, 2], [2, 2, 2], [2, 2, 2]], [0, 1], [2], id="questionnaire order"),
    ],
)
def test_tips_go_to_the_weakest_dimensions_by_the_documented_rule(q, values, chosen, also_tied):
    dims = q.dimension_ids
    per_dim = dict.fromkeys(dims, [4, 4, 4]) | dict(zip(dims, values, strict=False))
    answers = answers_scoring(q, per_dim)
    tips = result.tip_dimensions(q, score(q, answers), answers)
    assert tips.chosen == [dims[i] for i in chosen]
    assert tips.also_tied == [dims[i] for i in also_tied]


# ---------------------------------------------------------------- another version of the file


def test_a_result_with_fewer_dimensions_than_the_file_draws_the_ones_it_has(q):
    """A finished result from before a dimension was added to the file, or one renamed."""
    answers = {i: 4 for i in q.item_ids}
    full = score(q, answers)
    dropped = q.dimension_ids[0]
    kept = {d: s for d, s in full.dimension_scores.items() if d != dropped}
    mine = Result(kept, 70.0, "believer")
    room = {d: 50.0 for d in q.dimension_ids[2:]} | {q.dimension_ids[1]: float("nan")}

    bars = result.profile_bars(q, mine, room)
    tips = result.tip_dimensions(q, mine, {k: v for k, v in answers.items() if k != "live_chat"})
    card = sharecard.card_for(q, mine)

    assert [b.name for b in bars] == [d.name for d in q.dimensions[1:]]
    assert bars[0].room is None and bars[1].room == 50  # no number where the room has none
    assert dropped not in tips.chosen and len(tips.chosen) == 2
    assert [name for name, _ in card.profile] == [d.name for d in q.dimensions[1:]]
