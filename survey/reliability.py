"""The analyst's reliability numbers, as jamovi, R's psych and pingouin report them.

Per dimension and for the whole scale: Cronbach's alpha with Feldt's 95% confidence
interval and McDonald's omega total. Per question: alpha if it were dropped and its
corrected item-total correlation (flagged when low). And the count of straight-lined
responses. A number that cannot be computed (too few responses or questions, no
variance) is NaN, never an error: the report and the console show it as a dash.

Plain numpy and the standard library: Feldt's interval needs quantiles of the F
distribution, computed here from the regularized incomplete beta function rather than
by bringing scipy (tens of megabytes) into the app for two numbers per dimension.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from survey.aggregate import Room
from survey.questionnaire import Questionnaire

ITEM_TOTAL_FLAG = 0.2  # a corrected item-total correlation below this is flagged
CONFIDENCE = 0.95  # of alpha's interval, the level jamovi, psych and pingouin show
WHOLE_SCALE = "Whole scale"  # the summary row over every question
# factor_analyzer's default bounds keep every uniqueness at 0.005 or more; capping the
# communalities the same way makes a Heywood case stop where it stops.
MAX_COMMUNALITY = 0.995
NAN = float("nan")


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
        return NAN
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return NAN
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def alpha_interval(
    alpha: float, n: int, k: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Feldt's confidence interval for alpha from n respondents and k items.

    lower = 1 - (1 - alpha) * F(tail, n-1, (n-1)(k-1)) and upper = 1 - (1 - alpha) *
    F(1 - tail, ...), where F(p, d1, d2) is the value an F(d1, d2) variable exceeds with
    probability p and tail = (1 - confidence) / 2: pingouin's cronbach_alpha(ci=.95) and
    psych's alpha() give the same (Feldt, Woodruff & Salih, 1987). (NaN, NaN) when
    alpha is undefined.
    """
    if math.isnan(alpha) or n < 2 or k < 2:
        return NAN, NAN
    tail = (1 - confidence) / 2
    d1, d2 = n - 1, (n - 1) * (k - 1)
    return 1 - (1 - alpha) * f_isf(tail, d1, d2), 1 - (1 - alpha) * f_isf(1 - tail, d1, d2)


def alpha_if_dropped(items) -> list[float]:
    """For each item, the alpha of the other items (NaN where that is undefined)."""
    x = np.asarray(items, dtype=float)
    return [cronbach_alpha(np.delete(x, j, axis=1)) for j in range(x.shape[1])]


def corrected_item_total(items) -> list[float]:
    """Each item's correlation with the sum of the *other* items (NaN if either is constant)."""
    x = np.asarray(items, dtype=float)
    total = x.sum(axis=1)
    out = []
    for j in range(x.shape[1]):
        rest = total - x[:, j]
        if x[:, j].std() == 0 or rest.std() == 0:
            out.append(NAN)
        else:
            out.append(float(np.corrcoef(x[:, j], rest)[0, 1]))
    return out


def one_factor_loadings(items, tol: float = 1e-10, max_iter: int = 5000) -> np.ndarray:
    """Standardized loadings of a one-factor minres (unweighted least squares) model.

    Fitted by iterated principal axis factoring on the items' Pearson correlation
    matrix: communalities start at the squared multiple correlations, the reduced
    matrix (communalities on the diagonal) gives loadings from its largest eigenpair,
    their squares are the next communalities, until none moves by more than `tol`.
    Its fixed point is where the minres objective is stationary, so it is the solution
    psych's fa(fm="minres") and factor_analyzer's method="minres" find; communalities
    are capped at MAX_COMMUNALITY as factor_analyzer bounds them. Signs are set so the
    loadings sum to a positive number. All NaN for fewer than 3 items (one factor is
    not identified) or 2 respondents, or when an item has no variance.
    """
    x = np.asarray(items, dtype=float)
    n, k = x.shape
    if k < 3 or n < 2 or (x.std(axis=0) == 0).any():
        return np.full(k, NAN)
    r = np.corrcoef(x, rowvar=False)
    try:
        inverse = np.linalg.inv(r)
    except np.linalg.LinAlgError:  # singular (one item a copy of another): still a start
        inverse = np.linalg.pinv(r)
    with np.errstate(divide="ignore"):
        h = np.clip(np.nan_to_num(1 - 1 / np.diag(inverse)), 0, MAX_COMMUNALITY)
    reduced = r.copy()
    for _ in range(max_iter):
        np.fill_diagonal(reduced, h)
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, -1] * math.sqrt(max(values[-1], 0.0))
        fresh = np.minimum(loadings**2, MAX_COMMUNALITY)
        done = np.abs(fresh - h).max() < tol
        h = fresh
        if done:
            break
    return loadings if loadings.sum() >= 0 else -loadings


def omega_total(items) -> float:
    """McDonald's omega total from the one-factor model of `one_factor_loadings`:
    (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses), each uniqueness
    1 - loading^2 (standardized items; negative when a Heywood case puts a loading above 1,
    as in factor_analyzer). NaN when the loadings are."""
    loadings = one_factor_loadings(items)
    if np.isnan(loadings).any():
        return NAN
    common = loadings.sum() ** 2
    return float(common / (common + (1 - loadings**2).sum()))


def reliability(room: Room) -> list[dict]:
    """One row per item: its dimension's alpha (with n), its corrected item-total r and
    the dimension's alpha without it."""
    q, rows = room.q, []
    everything = keyed(room.answers, [it.reverse for it in q.items])
    for d in q.dimensions:
        idx = _columns(q, d.id)
        values = everything[:, idx]
        alpha = cronbach_alpha(values)
        per_item = zip(idx, corrected_item_total(values), alpha_if_dropped(values), strict=True)
        for j, r, without in per_item:
            rows.append(
                {
                    "dimension": d.name,
                    "alpha": alpha,
                    "n": room.n,
                    "item": q.items[j].id,
                    "reverse": q.items[j].reverse,
                    "item_total_r": r,
                    "alpha_if_dropped": without,
                    "flag": "low" if r < ITEM_TOTAL_FLAG else "",
                }
            )
    return rows


def summary(room: Room) -> list[dict]:
    """One row per dimension, then one for the whole scale (every item, keyed): n, the
    number of items, alpha with its confidence interval, and omega total."""
    q, rows = room.q, []
    everything = keyed(room.answers, [it.reverse for it in q.items])
    groups = [(d.name, _columns(q, d.id)) for d in q.dimensions]
    for name, idx in [*groups, (WHOLE_SCALE, list(range(len(q.items))))]:
        values = everything[:, idx]
        alpha = cronbach_alpha(values)
        low, high = alpha_interval(alpha, room.n, len(idx))
        rows.append(
            {
                "dimension": name,
                "n": room.n,
                "items": len(idx),
                "alpha": alpha,
                "alpha_low": low,
                "alpha_high": high,
                "omega": omega_total(values),
            }
        )
    return rows


def _columns(q: Questionnaire, dimension: str) -> list[int]:
    return [j for j, it in enumerate(q.items) if it.dimension == dimension]


def straightlined(room: Room) -> int:
    """Complete responses that gave the same answer to every item."""
    a = room.answers
    if not len(a):
        return 0
    return int((a == a[:, :1]).all(axis=1).sum())


# ---------------------------------------------------------------- the F distribution


def f_isf(p: float, d1: float, d2: float) -> float:
    """The value an F(d1, d2) variable exceeds with probability p (scipy's f.isf).

    If X ~ F(d1, d2) then d1 X / (d1 X + d2) ~ Beta(d1/2, d2/2), so this is the Beta
    quantile at 1 - p mapped back."""
    x = beta_ppf(1 - p, d1 / 2, d2 / 2)
    return d2 * x / (d1 * (1 - x))


def beta_ppf(q: float, a: float, b: float) -> float:
    """The x where the regularized incomplete beta I_x(a, b) reaches q, 0 < q < 1.

    Newton's method on the Beta density, kept inside a shrinking bracket (a step that
    would leave it bisects instead), so it converges for any a, b > 0."""
    lo, hi = 0.0, 1.0
    x = a / (a + b)
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for _ in range(200):
        error = betainc(a, b, x) - q
        if error == 0:
            return x
        if error > 0:
            hi = x
        else:
            lo = x
        density = math.exp(log_norm + (a - 1) * math.log(x) + (b - 1) * math.log1p(-x))
        step = x - error / density if density > 0 else -1.0
        nxt = step if lo < step < hi else (lo + hi) / 2
        if abs(nxt - x) <= 1e-15 * max(x, 1e-300) or hi - lo <= 1e-300:
            return nxt
        x = nxt
    return x


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), by its continued fraction
    (Numerical Recipes 6.4), on whichever side of the mean converges fast."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    # Modified Lentz evaluation; it needs about sqrt(max(a, b)) terms.
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100 + int(10 * math.sqrt(max(a, b)))):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < eps:
            break
    return h
