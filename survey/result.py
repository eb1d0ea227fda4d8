"""What the participant's result page says: the profile bars and the room comparison, in
the reader's language (survey/i18n.py), numbers written as that language writes them."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

from survey import i18n
from survey.aggregate import Comparison
from survey.i18n import N_, _, ngettext
from survey.questionnaire import Questionnaire
from survey.scoring import Result, item_value

BELIEVER_LINE = N_(
    "You live social media: you post, share and join in, and it shows in how you see it."
)
SPECTATOR_LINE = N_(
    "You watch more than you take part. The essay's point: the *why* comes from living it."
)


def number(value: float) -> str:
    """A count or a threshold as the reader's language writes it ("1,234" / "62,5")."""
    return _written(value, i18n.current(), "decimal")


def percent(value: float) -> str:
    """A share of 0-100, whole, as the reader's language writes it ("45%" / "45 %")."""
    return _written(round(value), i18n.current(), "percent")


@functools.lru_cache(maxsize=4096)
def _written(value: float, language: str, kind: str) -> str:
    # Babel reads the language's rules on each call: every result page writes the same
    # few numbers (counts, the threshold, whole percents), each worked out once.
    if kind == "percent":
        return format_percent(value / 100, locale=language)
    return format_decimal(value, locale=language)


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
        room = None
        mean = (room_means or {}).get(d.id)
        if mean is None or not math.isfinite(mean):
            label = _("**{name}**: you {you}")
        else:
            room = round(mean)
            if you == room:
                label = _("**{name}**: you {you} · room {room} (level with the room)")
            elif you > room:
                label = _("**{name}**: you {you} · room {room} ({gap} above the room)")
            else:
                label = _("**{name}**: you {you} · room {room} ({gap} below the room)")
        label = label.format(name=d.name, you=you, room=room, gap=abs(you - (room or 0)))
        bars.append(ProfileBar(d.name, you, label, room))
    return bars


# ---------------------------------------------------------------- where you stand


@dataclass(frozen=True)
class Standing:
    """What the result says about the room, each figure once."""

    line: str  # where the participant stands among those counted
    why: str  # who is counted, and why the count can trail the room's
    split: str = ""  # once results are revealed: the room's believers and spectators


def standing(c: Comparison, k: int, revealed: bool = False) -> Standing:
    """The room comparison in words. `c` must count someone (`c.counted`).

    The count is "the people counted", not "the people in the session": the figures take
    in k finishers at a time, so they can trail what the stage says has finished, and the
    page says why. A low place is said plainly, with where to go next, not celebrated.
    """
    counted, k_, n = number(c.counted), number(k), number(c.n)
    if c.share_below == 0:
        line = ngettext(
            "Of the {counted} person counted in this session so far, none scored lower "
            "than you: the tips below are where to start.",
            "Of the {counted} people counted in this session so far, none scored lower "
            "than you: the tips below are where to start.",
            c.counted,
        )
    else:
        line = ngettext(
            "You scored higher than {share} of the {counted} person counted in this "
            "session so far.",
            "You scored higher than {share} of the {counted} people counted in this "
            "session so far.",
            c.counted,
        )
    line = line.format(counted=counted, share=percent(c.share_below))
    if c.n > c.counted:
        why = ngettext(
            "The room's figures take in {k} finisher at a time, so no one's answers can be "
            "worked out from them; {n} have finished.",
            "The room's figures take in {k} finishers at a time, so no one's answers can be "
            "worked out from them; {n} have finished.",
            k,
        )
    else:
        why = ngettext(
            "The room's figures take in {k} finisher at a time, so no one's answers can be "
            "worked out from them.",
            "The room's figures take in {k} finishers at a time, so no one's answers can be "
            "worked out from them.",
            k,
        )
    why = why.format(k=k_, n=n)
    split = ""
    if revealed:
        b = round(100 * c.believers / c.counted)
        split = _("The room: {believers} believers, {spectators} spectators.").format(
            believers=percent(b), spectators=percent(100 - b)
        )
    return Standing(line, why, split)


def waiting(c: Comparison) -> str:
    """Why there is no room comparison yet: how many more finishers it waits for."""
    return ngettext(
        "{n} more response needed before you can compare yourself with the room.",
        "{n} more responses needed before you can compare yourself with the room.",
        c.needed,
    ).format(n=number(c.needed))


def everyone(c: Comparison, other_versions: int = 0) -> str:
    """ "All rooms so far" in words, a low place said plainly like the room's (empty until
    it counts anyone)."""
    if not c.counted:
        return ""
    if c.share_below == 0:
        text = ngettext(
            "Among everyone who has taken this version of the survey so far ({counted} "
            "person), none scored lower than you.",
            "Among everyone who has taken this version of the survey so far ({counted} "
            "people), none scored lower than you.",
            c.counted,
        )
    else:
        text = ngettext(
            "Among everyone who has taken this version of the survey so far, you scored "
            "higher than {share} of {counted} person.",
            "Among everyone who has taken this version of the survey so far, you scored "
            "higher than {share} of {counted} people.",
            c.counted,
        )
    text = text.format(counted=number(c.counted), share=percent(c.share_below))
    if other_versions:
        text += " " + ngettext(
            "{n} answer to a different version of the questions is left out.",
            "{n} answers to a different version of the questions are left out.",
            other_versions,
        ).format(n=number(other_versions))
    return text


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
