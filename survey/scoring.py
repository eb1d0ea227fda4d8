"""Scoring: pure functions from answers (1-5) to dimension scores, overall score and class.

item value      = answer - 1            (0..4)
reverse-keyed   = 4 - (answer - 1)
dimension score = 100 * mean(item values of the dimension) / 4
overall score   = mean(dimension scores)
class           = "believer" if overall >= threshold else "spectator"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


def classify(overall: float, threshold: float) -> str:
    return BELIEVER if overall >= threshold else SPECTATOR


def score(q: Questionnaire, answers: Mapping[str, int], threshold: float | None = None) -> Result:
    """Score a complete set of answers. Every item of `q` must be answered."""
    missing = [i.id for i in q.items if i.id not in answers]
    if missing:
        raise ValueError(f"unanswered items: {', '.join(missing)}")
    dims: dict[str, float] = {}
    for d in q.dimensions:
        values = [item_value(answers[i.id], i.reverse) for i in q.items_of(d.id)]
        dims[d.id] = 100 * sum(values) / len(values) / 4
    overall = sum(dims.values()) / len(dims)
    return Result(dims, overall, classify(overall, q.threshold if threshold is None else threshold))
