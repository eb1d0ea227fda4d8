"""What the participant's result page says: the profile bars and the room comparison."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from survey.questionnaire import Questionnaire
from survey.scoring import Result, item_value

BELIEVER_LINE = (
    "You live social media: you post, share and join in, and it shows in how you see it."
)
SPECTATOR_LINE = (
    "You watch more than you take part. The essay's point: the *why* comes from living it."
)


@dataclass(frozen=True)
class ProfileBar:
    """One dimension of a participant's profile as the result page shows it."""

    name: str
    you: int  # 0-100, rounded for display
    label: str
    room: int | None = None  # the room's mean, rounded, once the room may be shown


def profile_bars(
    q: Questionnaire, result: Result, room_means: Mapping[str, float] | None = None
) -> list[ProfileBar]:
    """Each dimension's score, with the room's average beside it once the room may be shown.

    Only the dimensions the result has a score for; a dimension the room has no average
    for (the room answered another version of the questionnaire) gets no room mark.
    """
    bars = []
    for d in q.dimensions:
        if d.id not in result.dimension_scores:
            continue
        you = round(result.dimension_scores[d.id])
        label = f"**{d.name}**: you {you}"
        room = None
        mean = (room_means or {}).get(d.id)
        if mean is not None and math.isfinite(mean):
            room = round(mean)
            if you == room:
                label += f" · room {room} (level with the room)"
            else:
                side = "above" if you > room else "below"
                label += f" · room {room} ({abs(you - room)} {side} the room)"
        bars.append(ProfileBar(d.name, you, label, room))
    return bars


# ---------------------------------------------------------------- tips


@dataclass(frozen=True)
class Tips:
    """The dimensions whose tips the result page shows, and any left out on a tie."""

    chosen: list[str]  # dimension ids, weakest first
    also_tied: list[str]  # scored the same as the last one chosen but not chosen


def tip_dimensions(
    q: Questionnaire, result: Result, answers: Mapping[str, int], n: int = 2
) -> Tips:
    """The `n` weakest dimensions, chosen by a rule a participant can follow.

    1. The lowest dimension score first.
    2. On a tied score, the dimension with the lowest single keyed answer first:
       the one with a habit lagging furthest behind, where a tip helps most.
    3. Still tied: the questionnaire's (the essay's) order.
    """
    dims = [d for d in q.dimension_ids if d in result.dimension_scores]
    position = {d: i for i, d in enumerate(dims)}

    def lowest_habit(dim_id: str) -> int:
        # Only the answers held: a result drawn with another version may lack some.
        held = [i for i in q.items_of(dim_id) if i.id in answers]
        values = [item_value(answers[i.id], i.reverse) for i in held]
        return min(values, default=0)

    def rank(dim_id: str) -> tuple:
        # Rounded, so scores that print the same are treated as the tie they look like.
        return (round(result.dimension_scores[dim_id], 6), lowest_habit(dim_id), position[dim_id])

    ordered = sorted(dims, key=rank)
    chosen = ordered[:n]
    last = round(result.dimension_scores[chosen[-1]], 6) if chosen else None
    also = [d for d in ordered[n:] if round(result.dimension_scores[d], 6) == last]
    return Tips(chosen, also)
