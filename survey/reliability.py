"""The analyst's reliability numbers: Cronbach's alpha per dimension, corrected
item-total correlations (flagged when low) and straight-lined responses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from survey.aggregate import Room

ITEM_TOTAL_FLAG = 0.2  # a corrected item-total correlation below this is flagged


def keyed(answers: np.ndarray, reverse: Sequence[bool]) -> np.ndarray:
    """Answers 1-5 as keyed values 0-4: reverse-keyed columns flipped."""
    values = np.asarray(answers, dtype=float) - 1
    flip = np.asarray(reverse, dtype=bool)
    values[:, flip] = 4 - values[:, flip]
    return values


def cronbach_alpha(items) -> float:
    """Cronbach's alpha: k/(k-1) * (1 - sum of item variances / variance of the total).

    `items` is respondents x items (array or DataFrame). NaN when undefined
    (fewer than 2 items or respondents, or no variance in the total).
    """
    x = np.asarray(items, dtype=float)
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def corrected_item_total(items) -> list[float]:
    """Each item's correlation with the sum of the *other* items (NaN if either is constant)."""
    x = np.asarray(items, dtype=float)
    total = x.sum(axis=1)
    out = []
    for j in range(x.shape[1]):
        rest = total - x[:, j]
        if x[:, j].std() == 0 or rest.std() == 0:
            out.append(float("nan"))
        else:
            out.append(float(np.corrcoef(x[:, j], rest)[0, 1]))
    return out


def reliability(room: Room) -> list[dict]:
    """One row per item: its dimension's alpha (with n) and its corrected item-total r."""
    q, rows = room.q, []
    for d in q.dimensions:
        idx = [j for j, it in enumerate(q.items) if it.dimension == d.id]
        values = keyed(room.answers[:, idx], [q.items[j].reverse for j in idx])
        alpha = cronbach_alpha(values)
        for j, r in zip(idx, corrected_item_total(values), strict=True):
            rows.append(
                {
                    "dimension": d.name,
                    "alpha": alpha,
                    "n": room.n,
                    "item": q.items[j].id,
                    "reverse": q.items[j].reverse,
                    "item_total_r": r,
                    "flag": "low" if r < ITEM_TOTAL_FLAG else "",
                }
            )
    return rows


def straightlined(room: Room) -> int:
    """Complete responses that gave the same answer to every item."""
    a = room.answers
    if not len(a):
        return 0
    return int((a == a[:, :1]).all(axis=1).sum())
