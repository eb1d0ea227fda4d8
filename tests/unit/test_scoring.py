"""Scoring: answers 1-5 become 0-4 (flipped for reverse-keyed items), a dimension is
100 * mean / 4, overall is the mean of the dimensions, believer iff overall >= threshold."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey import demo, questionnaire, scoring
from survey.scoring import BELIEVER, SPECTATOR, Result, item_value, score

# Dimension "a": a1 forward, a2 reverse.  Dimension "b": b1, b2 forward, b3 reverse.
TINY = questionnaire.parse(
    {
        "title": "Tiny",
        "threshold": 50,
        "scale": {"labels": ["1", "2", "3", "4", "5"]},
        "dimensions": [
            {"id": "a", "name": "A", "description": "A.", "tips": ["tip"]},
            {"id": "b", "name": "B", "description": "B.", "tips": ["tip"]},
        ],
        "items": [
            {"id": "a1", "dimension": "a", "text": "a1"},
            {"id": "a2", "dimension": "a", "text": "a2", "reverse": True},
            {"id": "b1", "dimension": "b", "text": "b1"},
            {"id": "b2", "dimension": "b", "text": "b2"},
            {"id": "b3", "dimension": "b", "text": "b3", "reverse": True},
        ],
    }
)


def tiny(a1, a2, b1, b2, b3):
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2, "b3": b3}


@pytest.mark.parametrize(
    "answers,expected",
    [
        # values a: 2,2 -> 50; b: 2,2,2 -> 50; overall 50, exactly on the threshold
        (tiny(3, 3, 3, 3, 3), (50.0, 50.0, 50.0, BELIEVER)),
        # every item keyed to the top: a: 4,4; b: 4,4,4
        (tiny(5, 1, 5, 5, 1), (100.0, 100.0, 100.0, BELIEVER)),
        # every item keyed to the bottom: a: 0,0; b: 0,0,0
        (tiny(1, 5, 1, 1, 5), (0.0, 0.0, 0.0, SPECTATOR)),
        # all "Very often": a: 4,0 -> 50; b: 4,4,0 -> 100*(8/3)/4 = 66.67; overall 58.33
        (tiny(5, 5, 5, 5, 5), (50.0, 200 / 3, 175 / 3, BELIEVER)),
        # all "Never": a: 0,4 -> 50; b: 0,0,4 -> 33.33; overall 41.67
        (tiny(1, 1, 1, 1, 1), (50.0, 100 / 3, 125 / 3, SPECTATOR)),
        # a: 3, 4-1=3 -> 75; b: 2, 1, 4-3=1 -> 100*(4/3)/4 = 33.33; overall 54.17
        (tiny(4, 2, 3, 2, 4), (75.0, 100 / 3, 325 / 6, BELIEVER)),
        # a: 2,2 -> 50; b: 2, 1, 2 -> 100*(5/3)/4 = 41.67; overall 45.83, just under 50
        (tiny(3, 3, 3, 2, 3), (50.0, 125 / 3, 275 / 6, SPECTATOR)),
    ],
)
def test_scores_follow_the_formula(answers, expected):
    score_a, score_b, overall, klass = expected
    result = score(TINY, answers)
    assert result.dimension_scores == {
        "a": pytest.approx(score_a),
        "b": pytest.approx(score_b),
    }
    assert result.overall == pytest.approx(overall)
    assert result.klass == klass


@pytest.mark.parametrize(
    "answer,reverse,expected",
    [(1, False, 0), (3, False, 2), (5, False, 4), (1, True, 4), (2, True, 3), (5, True, 0)],
)
def test_item_value_maps_answers_to_0_to_4_and_flips_reverse_items(answer, reverse, expected):
    assert item_value(answer, reverse) == expected


@pytest.mark.parametrize("bad", [0, 6, -1, True, False, None, "3"])
def test_item_value_rejects_anything_but_an_answer_from_1_to_5(bad):
    with pytest.raises(ValueError, match="answer must be 1 to 5"):
        item_value(bad, reverse=False)


def test_scoring_with_an_unanswered_item_names_it():
    answers = tiny(3, 3, 3, 3, 3)
    del answers["b2"]
    with pytest.raises(ValueError, match="unanswered items: b2"):
        score(TINY, answers)


def test_a_threshold_passed_to_score_overrides_the_questionnaires():
    answers = tiny(3, 3, 3, 3, 3)  # overall 50
    assert score(TINY, answers).klass == BELIEVER  # questionnaire threshold 50
    assert score(TINY, answers, threshold=50.01).klass == SPECTATOR
    assert score(TINY, answers, threshold=0).klass == BELIEVER


# ---------------------------------------------------------------- the real questionnaire


def keyed(q, forward: int, reverse: int) -> dict[str, int]:
    return {i.id: reverse if i.reverse else forward for i in q.items}


def test_answering_very_often_everywhere_is_not_100_because_of_reverse_items(q):
    result = score(q, {i: 5 for i in q.item_ids})
    # Five dimensions hold one reverse item: (4 + 4 + 0) / 3 -> 66.67; learning and
    # inspiration have none -> 100. Overall (5 * 200/3 + 2 * 100) / 7 = 76.19.
    assert result.dimension_scores == {
        "living": pytest.approx(200 / 3),
        "learning": 100.0,
        "advocacy": pytest.approx(200 / 3),
        "realtime": pytest.approx(200 / 3),
        "relationships": pytest.approx(200 / 3),
        "inspiration": 100.0,
        "conviction": pytest.approx(200 / 3),
    }
    assert result.overall == pytest.approx(1600 / 21)
    assert result.klass == BELIEVER


def test_answering_never_everywhere_scores_a_spectator(q):
    result = score(q, {i: 1 for i in q.item_ids})
    # Reverse items count 4: (0 + 0 + 4) / 3 -> 33.33 in five dimensions, 0 in two.
    assert result.overall == pytest.approx(500 / 21)
    assert result.klass == SPECTATOR


def test_answering_sometimes_everywhere_scores_50_which_is_a_spectator_at_60(q):
    result = score(q, {i: 3 for i in q.item_ids})
    assert result.overall == 50
    assert result.klass == SPECTATOR


def test_all_answers_keyed_to_the_top_score_100(q):
    result = score(q, keyed(q, forward=5, reverse=1))
    assert result.overall == 100
    assert set(result.dimension_scores.values()) == {100}
    assert result.klass == BELIEVER


def test_all_answers_keyed_to_the_bottom_score_0(q):
    result = score(q, keyed(q, forward=1, reverse=5))
    assert result.overall == 0
    assert set(result.dimension_scores.values()) == {0}
    assert result.klass == SPECTATOR


def real_answers():
    # Built from the file itself so the strategies follow the shipped questionnaire.
    q = questionnaire.load(questionnaire.DEFAULT_PATH)
    return st.fixed_dictionaries({i: st.integers(1, 5) for i in q.item_ids})


@given(answers=real_answers())
def test_every_score_lies_between_0_and_100(q, answers):
    result = score(q, answers)
    assert 0 <= result.overall <= 100
    assert all(0 <= s <= 100 for s in result.dimension_scores.values())
    assert list(result.dimension_scores) == q.dimension_ids


@given(answers=real_answers(), threshold=st.floats(0, 100) | st.none())
def test_the_class_agrees_with_the_threshold(q, answers, threshold):
    result = score(q, answers, threshold=threshold)
    limit = q.threshold if threshold is None else threshold
    assert result.klass == (BELIEVER if result.overall >= limit else SPECTATOR)


def raise_one(q, answers, data, reverse: bool):
    """Pick an item of the given keying and a pair of answers to it, lower then higher."""
    item = data.draw(st.sampled_from([i for i in q.items if i.reverse == reverse]))
    low = data.draw(st.integers(1, 4))
    high = data.draw(st.integers(low + 1, 5))
    return item, {**answers, item.id: low}, {**answers, item.id: high}


@given(answers=real_answers(), data=st.data())
def test_agreeing_more_with_a_forward_item_raises_its_dimension_and_overall(q, answers, data):
    item, lower, higher = raise_one(q, answers, data, reverse=False)
    before, after = score(q, lower), score(q, higher)
    assert after.dimension_scores[item.dimension] > before.dimension_scores[item.dimension]
    assert after.overall > before.overall
    others = [d for d in q.dimension_ids if d != item.dimension]
    assert [after.dimension_scores[d] for d in others] == [
        before.dimension_scores[d] for d in others
    ]


@given(answers=real_answers(), data=st.data())
def test_agreeing_more_with_a_reverse_item_lowers_its_dimension_and_overall(q, answers, data):
    item, lower, higher = raise_one(q, answers, data, reverse=True)
    before, after = score(q, lower), score(q, higher)
    assert after.dimension_scores[item.dimension] < before.dimension_scores[item.dimension]
    assert after.overall < before.overall


# ---------------------------------------------------------------- weakest dimensions


def test_weakest_lists_the_lowest_scoring_dimensions_first():
    result = Result({"a": 50.0, "b": 20.0, "c": 90.0, "d": 10.0}, 42.5, SPECTATOR)
    assert result.weakest() == ["d", "b"]
    assert result.weakest(1) == ["d"]
    assert result.weakest(3) == ["d", "b", "a"]


def test_weakest_keeps_questionnaire_order_on_ties():
    result = Result({"a": 30.0, "b": 10.0, "c": 10.0, "d": 10.0}, 15.0, SPECTATOR)
    assert result.weakest(2) == ["b", "c"]


def test_weakest_of_a_real_result_names_the_dimensions_the_tips_are_for(q):
    answers = keyed(q, forward=5, reverse=1)
    for item in q.items_of("realtime") + q.items_of("conviction"):
        answers[item.id] = 3  # both drop to 50, everything else stays at 100
    assert scoring.score(q, answers).weakest() == ["realtime", "conviction"]


# ---------------------------------------------------------------- exactly on a boundary

SHIPPED = questionnaire.load(questionnaire.DEFAULT_PATH)

# Keyed values summing to 42 of 84: an overall score of exactly 50. In floating point
# 100 * sum / n / 4 per dimension, then the mean, gives 49.99999999999999.
ON_FIFTY = {
    "live_post": 4, "live_chat": 3, "live_lurk": 4,
    "learn_new": 2, "learn_rethink": 1, "learn_search": 3,
    "adv_recommend": 4, "adv_review": 4, "adv_quiet": 4,
    "rt_follow": 4, "rt_join": 5, "rt_later": 1,
    "rel_touch": 2, "rel_local": 1, "rel_fade": 4,
    "insp_follow": 3, "insp_share": 2, "insp_create": 1,
    "conv_explain": 5, "conv_enthuse": 5, "conv_doubt": 3,
}  # fmt: skip


def exact_overall(q, answers) -> Fraction:
    """The overall score recomputed from the raw answers with fractions, independently."""
    dims = []
    for d in q.dimensions:
        items = q.items_of(d.id)
        keyed_sum = sum(5 - answers[i.id] if i.reverse else answers[i.id] - 1 for i in items)
        dims.append(Fraction(100 * keyed_sum, 4 * len(items)))
    return sum(dims, Fraction(0)) / len(dims)


def test_a_score_of_exactly_50_is_50_and_a_believer_at_a_threshold_of_50(q):
    assert exact_overall(q, ON_FIFTY) == 50
    result = score(q, ON_FIFTY, threshold=50)
    assert result.overall == 50.0
    assert result.klass == BELIEVER
    assert score(q, ON_FIFTY, threshold=50.5).klass == SPECTATOR


@pytest.mark.parametrize("threshold", [33.3, 50, 60.1, 62.5])
def test_a_decimal_threshold_is_compared_as_the_decimal_it_is_written_as(threshold):
    assert scoring.classify(Fraction(str(threshold)), threshold) == BELIEVER
    below = Fraction(str(threshold)) - Fraction(1, 10**12)
    assert scoring.classify(below, threshold) == SPECTATOR


def test_3000_demo_responses_are_each_in_the_class_of_their_exact_score(q):
    threshold = 50
    rows = demo.responses(q, 3000, seed=7)
    on_boundary = 0
    for row in rows:
        answers = {i: row[i] for i in q.item_ids}
        exact = exact_overall(q, answers)
        on_boundary += exact == threshold
        result = score(q, answers, threshold=threshold)
        assert result.klass == (BELIEVER if exact >= threshold else SPECTATOR)
        # The float stored is the nearest one to the exact score: it compares with the
        # threshold (the what-if slider, the histogram's bin edges) the same way.
        assert Fraction(result.overall) == Fraction(float(exact))
        assert (result.overall >= threshold) == (exact >= threshold)
    assert on_boundary > 0  # the data set does exercise the boundary


@given(st.lists(st.integers(1, 5), min_size=21, max_size=21), st.integers(0, 1000))
def test_every_score_is_the_nearest_float_to_the_exact_one(values, tenths):
    q = SHIPPED
    answers = dict(zip(q.item_ids, values, strict=True))
    threshold = tenths / 10
    result = score(q, answers, threshold=threshold)
    exact = exact_overall(q, answers)
    assert result.overall == float(exact)
    assert result.klass == (BELIEVER if exact >= Fraction(tenths, 10) else SPECTATOR)
