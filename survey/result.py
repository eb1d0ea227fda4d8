"""What the participant's result page says: the profile bars and the room comparison."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey.questionnaire import Questionnaire
from survey.scoring import Result


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
