"""A stored response row read back as answers, profile and result, and profile
answers made ready to store. The store's columns are named for the questionnaire's
ids (`q_id` widgets aside): item ids for answers, profile ids, `score_<dimension>`."""

from __future__ import annotations

from collections.abc import Mapping

from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.scoring import Result


def answers_from_row(q: Questionnaire, row: Mapping) -> dict[str, int]:
    return {i: int(row[i]) for i in q.item_ids if row.get(i) is not None}


def profile_from_row(q: Questionnaire, row: Mapping) -> dict[str, object]:
    out: dict[str, object] = {}
    for p in q.profile:
        value = row.get(p.id)
        if p.kind == "multi":
            out[p.id] = [v for v in (value or "").split(MULTI_SEPARATOR) if v]
        else:
            out[p.id] = value
    return out


def profile_to_row(q: Questionnaire, values: Mapping[str, object]) -> dict[str, str | None]:
    """Profile answers as stored: unknown choices dropped, multi-selects '; '-joined."""
    out: dict[str, str | None] = {}
    for p in q.profile:
        value = values.get(p.id)
        if p.kind == "multi":
            picked = value if isinstance(value, list | tuple) else []
            chosen = [o for o in p.options if o in picked]
            out[p.id] = MULTI_SEPARATOR.join(chosen) or None
        else:
            out[p.id] = value if isinstance(value, str) and value in p.options else None
    return out


def result_from_row(q: Questionnaire, row: Mapping) -> Result:
    """A finished response's stored result, by `q`'s dimensions that the row has a score
    for: drawn with another version of the file, a renamed or added dimension is left
    out rather than failing."""
    return Result(
        {d: float(row[f"score_{d}"]) for d in q.dimension_ids if row.get(f"score_{d}") is not None},
        float(row["overall"]),
        row["class"],
    )
