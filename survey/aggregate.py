"""Room-level aggregates over response rows, as pandas: pure values in, values out.

Works on a DataFrame with one row per response (the columns of the `responses`
table). `merge_changes` folds a delta of changed rows into a cached frame, so a
live dashboard at 100k responses only reads what changed since it last looked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, SPECTATOR

HIST_BIN = 5  # histogram of overall scores in 5-point bins over 0..100
ALPHA_FLAG = 0.2  # corrected item-total correlation below this is flagged


def frame(columns: Sequence[str], rows: Sequence[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=list(columns)).set_index("token", drop=False)


def merge_changes(base: pd.DataFrame | None, delta: pd.DataFrame) -> pd.DataFrame:
    """Replace changed rows (same token) and append new ones."""
    if base is None or base.empty:
        return delta
    if delta.empty:
        return base
    kept = base[~base.index.isin(delta.index)]
    return pd.concat([kept, delta]) if not kept.empty else delta


def complete(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["status"] == "complete"]


def segment(df: pd.DataFrame, column: str | None, value: str | None) -> pd.DataFrame:
    """Rows whose profile answer `column` includes `value` (multi-selects are '; '-joined)."""
    if not column or not value or column not in df:
        return df
    cells = df[column].fillna("")
    return df[cells.str.split("; ").map(lambda parts: value in parts)]


@dataclass
class Summary:
    n_complete: int
    n_in_progress: int
    n_demo: int
    believers: int = 0
    spectators: int = 0
    hist_edges: list[float] = field(default_factory=list)
    hist_counts: list[int] = field(default_factory=list)
    dim_means: dict[str, dict[str, float]] = field(default_factory=dict)  # class -> dim -> mean
    item_shares: dict[str, list[float]] = field(default_factory=dict)  # item -> % per point
    timeline: pd.DataFrame | None = None  # minute, cumulative complete


def summarise(df: pd.DataFrame, q: Questionnaire, threshold: float | None = None) -> Summary:
    """Everything the dashboard shows, for one set of responses.

    `threshold` re-classifies complete responses hypothetically (the what-if
    slider); stored classes are never touched.
    """
    done = complete(df)
    n = len(done)
    s = Summary(
        n_complete=n,
        n_in_progress=int((df["status"] == "in_progress").sum()) if len(df) else 0,
        n_demo=int(done["is_demo"].sum()) if n else 0,
    )
    if n == 0:
        return s
    overall = done["overall"].astype(float)
    threshold = q.threshold if threshold is None else threshold
    is_believer = overall >= threshold
    s.believers = int(is_believer.sum())
    s.spectators = n - s.believers
    edges = np.arange(0, 100 + HIST_BIN, HIST_BIN, dtype=float)
    counts, _ = np.histogram(overall.to_numpy(), bins=edges)
    s.hist_edges, s.hist_counts = edges.tolist(), counts.astype(int).tolist()
    score_cols = [f"score_{d}" for d in q.dimension_ids]
    groups = (
        done[score_cols].astype(float).groupby(is_believer.map({True: BELIEVER, False: SPECTATOR}))
    )
    means = groups.mean()
    s.dim_means = {
        klass: {d: float(means.loc[klass, f"score_{d}"]) for d in q.dimension_ids}
        for klass in means.index
    }
    answers = done[q.item_ids].to_numpy(dtype=float)
    for j, item in enumerate(q.item_ids):
        col = answers[:, j]
        col = col[~np.isnan(col)]
        counts = np.bincount(col.astype(int), minlength=6)[1:6]
        s.item_shares[item] = (100 * counts / max(len(col), 1)).tolist()
    stamps = pd.to_datetime(done["completed_at"], utc=True, format="ISO8601").dt.floor("min")
    per_minute = stamps.value_counts().sort_index()
    s.timeline = pd.DataFrame({"minute": per_minute.index, "complete": per_minute.cumsum().values})
    return s


# ---------------------------------------------------------------- reliability


def keyed_items(df: pd.DataFrame, q: Questionnaire, dimension: str) -> pd.DataFrame:
    """Item values 0-4 for one dimension, reverse-keyed items flipped, complete rows only."""
    items = q.items_of(dimension)
    out = pd.DataFrame(index=df.index)
    for it in items:
        v = df[it.id].astype(float) - 1
        out[it.id] = 4 - v if it.reverse else v
    return out.dropna()


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha: k/(k-1) * (1 - sum(item variances) / variance(total)). NaN if undefined."""
    k = items.shape[1]
    if k < 2 or len(items) < 2:
        return float("nan")
    total_var = items.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - items.var(ddof=1).sum() / total_var))


def corrected_item_total(items: pd.DataFrame) -> dict[str, float]:
    """Correlation of each item with the sum of the *other* items of its dimension."""
    total = items.sum(axis=1)
    out = {}
    for col in items:
        rest = total - items[col]
        if items[col].std() == 0 or rest.std() == 0:
            out[col] = float("nan")
        else:
            out[col] = float(np.corrcoef(items[col], rest)[0, 1])
    return out


def reliability(df: pd.DataFrame, q: Questionnaire) -> pd.DataFrame:
    """One row per item: dimension, alpha of its dimension (with n), corrected item-total r."""
    done = complete(df)
    rows = []
    for d in q.dimensions:
        items = keyed_items(done, q, d.id)
        alpha = cronbach_alpha(items)
        for item_id, r in corrected_item_total(items).items():
            rows.append(
                {
                    "dimension": d.name,
                    "alpha": alpha,
                    "n": len(items),
                    "item": item_id,
                    "reverse": q.item(item_id).reverse,
                    "item_total_r": r,
                    "flag": "low" if r < ALPHA_FLAG else "",
                }
            )
    return pd.DataFrame(rows)


def straightlined(df: pd.DataFrame, q: Questionnaire) -> int:
    """Complete responses that gave the same answer to every item."""
    answers = complete(df)[q.item_ids]
    if answers.empty:
        return 0
    return int((answers.nunique(axis=1) == 1).sum())
