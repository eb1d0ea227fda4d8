"""Reliability numbers checked against independent implementations, on fixed data.

References (pinned in requirements-dev.txt):
- pingouin 0.7.0, `cronbach_alpha(data, ci=.95)`: Cronbach's alpha and Feldt's interval
  (pingouin rounds the interval to 3 decimals), and alpha if dropped as pingouin's alpha of
  the frame without that item.
- scipy (pingouin's dependency), `stats.f.isf`: the F quantiles behind Feldt's interval,
  unrounded.
- factor_analyzer 0.5.1, `FactorAnalyzer(n_factors=1, rotation=None, method="minres")`: its
  loadings give omega total = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)).

The data: a room of 60 realistic answers from survey.demo (seed 3), each dimension and all
21 questions, keyed as the app keys them, and small hand-made matrices for the edge cases.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
from factor_analyzer import FactorAnalyzer
from scipy import stats

from survey import demo, reliability, roomstats

ALPHA_TOL = 1e-6
OMEGA_TOL = 1e-3  # factor_analyzer stops its L-BFGS-B search near, not at, the optimum
CI_TOL = 5e-4 + 1e-9  # pingouin rounds the interval to 3 decimals

# 8 people, 3 items: the first correlates .55 and .63 with the others, which barely
# correlate (.15), so the one-factor fit wants a communality above 1 (a Heywood case).
HEYWOOD = [[4, 4, 4], [3, 3, 2], [0, 2, 2], [2, 0, 4], [0, 0, 1], [2, 0, 2], [1, 2, 0], [2, 3, 2]]


def answers(q, n: int = 60, seed: int = 3) -> np.ndarray:
    rows = demo.responses(q, n, seed=seed)
    return np.array([[row[it.id] for it in q.items] for row in rows])


def scales(q, raw: np.ndarray) -> dict[str, np.ndarray]:
    """Keyed values of each dimension and of the whole scale."""
    values = reliability.keyed(raw, [it.reverse for it in q.items])
    out = {
        d.name: values[:, [j for j, it in enumerate(q.items) if it.dimension == d.id]]
        for d in q.dimensions
    }
    return out | {reliability.WHOLE_SCALE: values}


def factor_analyzer_omega(x: np.ndarray) -> float:
    fa = FactorAnalyzer(n_factors=1, rotation=None, method="minres")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's deprecation notice to factor_analyzer
        fa.fit(x)
    loadings = fa.loadings_[:, 0]
    return float(loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum()))


@pytest.fixture
def room_scales(q) -> dict[str, np.ndarray]:
    return scales(q, answers(q))


def test_alpha_and_its_feldt_interval_match_pingouin_for_each_dimension_and_the_whole_scale(
    room_scales,
):
    assert len(room_scales) == 8
    for name, x in room_scales.items():
        expected, (low, high) = pingouin.cronbach_alpha(pd.DataFrame(x), ci=0.95)
        alpha = reliability.cronbach_alpha(x)
        ours = reliability.alpha_interval(alpha, *x.shape)
        assert alpha == pytest.approx(expected, abs=ALPHA_TOL), name
        assert ours == pytest.approx((low, high), abs=CI_TOL), name
        assert ours[0] < alpha < ours[1], name


def test_the_feldt_interval_is_the_formula_with_scipys_f_quantiles(room_scales):
    for name, x in room_scales.items():
        n, k = x.shape
        alpha = reliability.cronbach_alpha(x)
        f_low, f_high = (stats.f.isf(p, n - 1, (n - 1) * (k - 1)) for p in (0.025, 0.975))
        expected = (1 - (1 - alpha) * f_low, 1 - (1 - alpha) * f_high)
        assert reliability.alpha_interval(alpha, n, k) == pytest.approx(expected, abs=1e-9), name


@pytest.mark.parametrize("p", [0.001, 0.025, 0.5, 0.975, 0.999])
@pytest.mark.parametrize("n", [2, 3, 5, 8, 61, 1000, 100_000])
@pytest.mark.parametrize("k", [2, 3, 21])
def test_the_f_quantile_matches_scipy(p, n, k):
    d1, d2 = n - 1, (n - 1) * (k - 1)
    assert reliability.f_isf(p, d1, d2) == pytest.approx(stats.f.isf(p, d1, d2), rel=1e-8)


def test_alpha_if_dropped_matches_pingouin_on_the_frame_without_the_item(room_scales):
    for name, x in room_scales.items():
        frame = pd.DataFrame(x)
        expected = [pingouin.cronbach_alpha(frame.drop(columns=j))[0] for j in frame]
        assert reliability.alpha_if_dropped(x) == pytest.approx(expected, abs=ALPHA_TOL), name


def test_omega_total_matches_factor_analyzers_one_factor_minres_fit(room_scales):
    for name, x in room_scales.items():
        omega = reliability.omega_total(x)
        assert omega == pytest.approx(factor_analyzer_omega(x), abs=OMEGA_TOL), name
        assert 0 < omega < 1, name


def test_omega_matches_factor_analyzer_when_a_question_runs_against_the_others(q):
    raw, keyed = answers(q).astype(float), scales(q, answers(q))
    mixed = [d for d in q.dimensions if any(it.reverse for it in q.items_of(d.id))]
    assert mixed
    for d in mixed:
        # Not keyed: the reverse-keyed question loads negatively and pulls omega down.
        x = raw[:, [j for j, it in enumerate(q.items) if it.dimension == d.id]]
        omega = reliability.omega_total(x)
        assert omega == pytest.approx(factor_analyzer_omega(x), abs=OMEGA_TOL), d.name
        assert omega < reliability.omega_total(keyed[d.name]) - 0.2, d.name


def test_omega_matches_factor_analyzer_in_a_heywood_case():
    x = np.array(HEYWOOD, dtype=float)
    loadings = reliability.one_factor_loadings(x)
    assert loadings[0] > 1  # the communality bound is reached: the case is the one meant
    assert reliability.omega_total(x) == pytest.approx(factor_analyzer_omega(x), abs=OMEGA_TOL)


@pytest.mark.parametrize(
    "matrix, why",
    [
        pytest.param([[1, 2, 3]] * 6, "nobody differs", id="no-variance"),
        pytest.param([[1, 2, 0], [3, 1, 0], [4, 4, 0], [0, 2, 0]], "one constant item", id="flat"),
        pytest.param([[1, 2], [3, 1], [4, 4], [0, 2]], "two items identify no factor", id="two"),
        pytest.param([[1, 2, 3]], "one respondent", id="one-respondent"),
    ],
)
def test_omega_is_undefined_rather_than_wrong(matrix, why):
    assert math.isnan(reliability.omega_total(np.array(matrix))), why


def test_the_interval_and_alpha_if_dropped_are_undefined_where_alpha_is():
    assert all(math.isnan(v) for v in reliability.alpha_interval(float("nan"), 60, 3))
    assert all(math.isnan(v) for v in reliability.alpha_interval(0.8, 1, 3))
    two = np.array([[1, 2], [3, 1], [4, 4]])  # dropping one leaves one item: no alpha
    assert all(math.isnan(v) for v in reliability.alpha_if_dropped(two))


@pytest.fixture
def room(db, q):
    code = db.create_session("Hall C", "HALLC")
    db.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(q, 60, seed=3)])
    return roomstats.load_room(db, code)[0]


def test_the_summary_has_each_dimension_then_the_whole_scale_keyed(room, q):
    expected = scales(q, answers(q))
    rows = reliability.summary(room)

    assert [r["dimension"] for r in rows] == list(expected)
    for r in rows:
        x = expected[r["dimension"]]
        alpha, (low, high) = pingouin.cronbach_alpha(pd.DataFrame(x), ci=0.95)
        assert (r["n"], r["items"]) == (60, x.shape[1])
        assert r["alpha"] == pytest.approx(alpha, abs=ALPHA_TOL)
        assert (r["alpha_low"], r["alpha_high"]) == pytest.approx((low, high), abs=CI_TOL)
        assert r["omega"] == pytest.approx(factor_analyzer_omega(x), abs=OMEGA_TOL)
    whole = pingouin.cronbach_alpha(pd.DataFrame(answers(q)))[0]
    assert rows[-1]["alpha"] != pytest.approx(whole, abs=0.01)  # reverse items were flipped


def test_each_question_carries_its_dimensions_alpha_without_it(room, q):
    expected = scales(q, answers(q))
    for dimension in q.dimensions:
        rows = [r for r in reliability.reliability(room) if r["dimension"] == dimension.name]
        frame = pd.DataFrame(expected[dimension.name])
        assert [r["alpha_if_dropped"] for r in rows] == pytest.approx(
            [pingouin.cronbach_alpha(frame.drop(columns=j))[0] for j in frame], abs=ALPHA_TOL
        )
