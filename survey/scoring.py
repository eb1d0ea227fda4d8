"""Scoring: pure functions from answers (1-5) to dimension scores, overall score and class.

item value      = answer - 1            (0..4)
reverse-keyed   = 4 - (answer - 1)
dimension score = 100 * mean(item values of the dimension) / 4
overall score   = mean(dimension scores)
class           = "believer" if overall >= threshold else "spectator"

Scores are computed exactly, as fractions, and the class is decided on the exact
overall score against the threshold as written (60, 62.5 or 33.3 mean those decimals).
`100 * sum(values) / len(values) / 4` in floating point gives 49.99999999999999 for a
keyed sum of 42 of 84, which would make a score of exactly 50 fall below a threshold of
50. The floats a `Result` carries are the nearest floats to the exact scores, so a
stored score compares with any threshold (what-if slider, histogram bin edges) as the
exact score does; rounding is left to display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

from survey.questionnaire import Questionnaire

BELIEVER = "believer"
SPECTATOR = "spectator"


@dataclass(frozen=True)
class Result:
    dimension_scores: dict[str, float]
    overall: float
    klass: str

    def weakest(self, n: int = 2) -> list[str]:
        """Ids of the n lowest-scoring dimensions (ties keep questionnaire order)."""
        return sorted(self.dimension_scores, key=self.dimension_scores.__getitem__)[:n]


def item_value(answer: int, reverse: bool) -> int:
    """Map a 1-5 answer to 0-4, flipping reverse-keyed items."""
    if isinstance(answer, bool) or answer not in (1, 2, 3, 4, 5):
        raise ValueError(f"answer must be 1 to 5, got {answer!r}")
    value = answer - 1
    return 4 - value if reverse else value


def exact(value: Real | str) -> Fraction:
    """A score or threshold as an exact fraction; a float is read as the decimal it prints
    as (60.1 is 601/10, not the binary number nearest to it)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def classify(overall: Real, threshold: Real) -> str:
    """believer if overall >= threshold, compared exactly."""
    return BELIEVER if exact(overall) >= exact(threshold) else SPECTATOR


def exact_scores(q: Questionnaire, answers: Mapping[str, int]) -> dict[str, Fraction]:
    """Each dimension's exact score (a Fraction, 0..100). Every item must be answered."""
    missing = [i.id for i in q.items if i.id not in answers]
    if missing:
        raise ValueError(f"unanswered items: {', '.join(missing)}")
    dims: dict[str, Fraction] = {}
    for d in q.dimensions:
        values = [item_value(answers[i.id], i.reverse) for i in q.items_of(d.id)]
        dims[d.id] = Fraction(100 * sum(values), 4 * len(values))
    return dims


def score(q: Questionnaire, answers: Mapping[str, int], threshold: float | None = None) -> Result:
    """Score a complete set of answers. Every item of `q` must be answered."""
    dims = exact_scores(q, answers)
    overall = sum(dims.values(), Fraction(0)) / len(dims)
    klass = classify(overall, q.threshold if threshold is None else threshold)
    return Result({d: float(v) for d, v in dims.items()}, float(overall), klass)
