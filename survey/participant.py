"""The participant's journey as plain functions: join, answer page by page, finish."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey import codes
from survey.questionnaire import MULTI_SEPARATOR, Item, Questionnaire
from survey.scoring import Result, score
from survey.store import COMPLETE, Saved, Store

ROOM_MIN = 5  # complete responses a session needs before "you vs the room" is shown


@dataclass(frozen=True)
class Join:
    session: dict | None
    message: str = ""


def join(store: Store, raw_code: str) -> Join:
    """Find an open session from a typed or linked code, or say plainly why not."""
    try:
        code = codes.normalise(raw_code)
    except codes.CodeError as exc:
        return Join(None, str(exc))
    session = store.get_session(code)
    if session is None:
        return Join(
            None, f"There is no session with the code {code}. Check the code on the screen."
        )
    if not session["is_open"]:
        return Join(None, f"The session {code} is closed and no longer takes answers.")
    return Join(session)


def missing(items: list[Item], answers: Mapping[str, int | None]) -> list[Item]:
    return [it for it in items if answers.get(it.id) is None]


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
            chosen = [o for o in p.options if o in (value or [])]
            out[p.id] = MULTI_SEPARATOR.join(chosen) or None
        else:
            out[p.id] = value if value in p.options else None
    return out


def result_from_row(q: Questionnaire, row: Mapping) -> Result:
    return Result(
        {d: float(row[f"score_{d}"]) for d in q.dimension_ids},
        float(row["overall"]),
        row["class"],
    )


@dataclass(frozen=True)
class ProfileBar:
    """One dimension of a participant's profile as the result page shows it."""

    name: str
    you: int  # 0-100, rounded for display
    label: str


def profile_bars(
    q: Questionnaire, result: Result, room_means: Mapping[str, float] | None = None
) -> list[ProfileBar]:
    """Each dimension's score, with the room's average beside it once the room may be shown."""
    bars = []
    for d in q.dimensions:
        you = round(result.dimension_scores[d.id])
        label = f"**{d.name}**: you {you}"
        if room_means:
            room = round(room_means.get(d.id, 0))
            if you == room:
                label += f" · room {room} (level with the room)"
            else:
                side = "above" if you > room else "below"
                label += f" · room {room} ({abs(you - room)} {side} the room)"
        bars.append(ProfileBar(d.name, you, label))
    return bars


def finish(
    store: Store,
    session_code: str,
    token: str | None,
    answers: Mapping[str, int],
    profile: Mapping[str, object],
    page: int,
) -> Saved:
    """Score and store a complete set of answers; safe to call twice."""
    return store.save_page(
        session_code, token, answers, profile_to_row(q := store.q, profile), page, score(q, answers)
    )


def is_complete(row: Mapping | None) -> bool:
    return bool(row) and row["status"] == COMPLETE
