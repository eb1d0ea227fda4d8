"""Room-level aggregates: what the stage and the participant's "you vs the room" show,
worked out from a `Room` (survey/room.py: a session's responses, column by column):
the console's counts, the group-size rule k, a participant against the room, and the
stage's and report's summary of a room or a segment of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from survey.errors import whole_number
from survey.i18n import ngettext
from survey.publishing import group_base, publication, published, stepped
from survey.room import ANSWERING_WINDOW, Room, room_columns
from survey.scoring import BELIEVER, SPECTATOR

# A Room and its columns are survey.room's; many readers of the figures name them from here.
__all__ = ["ANSWERING_WINDOW", "Room", "room_columns"]

HIST_BIN = 5  # histogram of overall scores in 5-point bins over 0..100


@dataclass(frozen=True)
class LiveCounts:
    """A session's counts as the console states them: real participants, demo rows apart."""

    complete: int  # real participants who finished
    answering: int  # begun, still able to finish, a page stored within ANSWERING_WINDOW
    did_not_finish: int  # begun, but the session closed before they finished
    demo: int  # demo responses, not counted above
    idle: int = 0  # begun, still able to finish, but no page stored within ANSWERING_WINDOW


def live_counts(room: Room, is_open: bool, now: datetime | None = None) -> LiveCounts:
    """The console's counts: the same rule as every export (demo rows counted apart), and
    unfinished responses split by whether they can still be finished and, while they can,
    by whether anyone stored a page of them within ANSWERING_WINDOW of `now`."""
    unfinished = room.n_in_progress
    answering = room.n_answering(now) if is_open else 0
    return LiveCounts(
        complete=room.n - room.n_demo,
        answering=answering,
        did_not_finish=0 if is_open else unfinished,
        demo=room.n_demo,
        idle=unfinished - answering if is_open else 0,
    )


def min_group() -> int:
    """k: the fewest complete responses any shown group may have (SURVEY_MIN_GROUP, 5 by
    default). k is a privacy promise: a value that is not a whole number of at least 1
    is refused (`SettingError`), never read as some default."""
    return whole_number("SURVEY_MIN_GROUP", 5)


# ---------------------------------------------------------------- the published ones


def _mean_dims(room: Room, rows: np.ndarray) -> list[float]:
    """The mean dimension scores of the rows in the mask, summed in completion order:
    a float sum depends on its order, and a rebuilt Room must give the very same digits."""
    order = room.completion_order()
    return room.dims[order[rows[order]]].mean(axis=0).tolist()


# ---------------------------------------------------------------- a participant vs the room


@dataclass(frozen=True)
class Comparison:
    """How one participant stands in their room. Real people only: demo rows are
    rehearsal data, and nobody should read that they beat 62% of a synthetic room."""

    n: int  # complete responses of real participants (the participant's own included)
    share_below: float  # % of the counted ones who scored lower than the participant
    dimension_means: dict[str, float]  # the counted ones' mean per dimension (empty if none)
    counted: int = 0  # how many the comparison is over: the published ones (`publication`)
    needed: int = 0  # finishers still needed before there is anyone to compare with
    hist_counts: tuple[int, ...] = ()  # the counted ones' overall scores in bins of HIST_BIN
    believers: int = 0  # the counted ones at or above the questionnaire's threshold


def compare(room: Room, overall: float, step: int = 1) -> Comparison:
    """The participant's standing among the room's real (non-demo) complete responses.

    The comparison moves in steps of `step` (k) people: it is over the first
    `n // step * step` of them to finish (`stepped`), the same real people the stage's
    figures are over. Averages that changed with every
    single finisher would give that one person's scores away to anyone who looked
    before and after; a change of k people at once reveals no one. The order is the
    rows' own, so a room rebuilt after a restart or a retake gives the same numbers.
    """
    counted = _counted(room, step)
    if not counted.counted:
        return Comparison(counted.n, 0.0, {}, 0, counted.needed)
    # How many of the counted scored lower: the scores are held sorted.
    below = 100 * int(np.searchsorted(counted.scores, overall, side="left")) / counted.counted
    return Comparison(
        counted.n,
        below,
        counted.means,
        counted.counted,
        hist_counts=counted.hist_counts,
        believers=counted.believers,
    )


@dataclass(frozen=True)
class _Counted:
    """What every participant of a room is compared with, until the room changes."""

    n: int
    counted: int
    needed: int
    scores: np.ndarray  # the counted ones' overall scores, ascending
    means: dict[str, float]
    hist_counts: tuple[int, ...]
    believers: int


def _counted(room: Room, step: int) -> _Counted:
    # A room only grows (one that loses someone is built again), so its size, k and its
    # removals say whether the memo still holds: every result page of the room shares it.
    key = (room.n, step, len(room.removals))
    held = room._compared
    if held is not None and held[0] == key:
        return held[1]
    real = ~room._demo[: room.n]
    n = int(real.sum())
    if held is not None and _same_ones(room, held, step, n):
        # The same people counted, one more finisher waiting for the next step of k: only
        # n moves, not the sorted scores, the means or the histogram.
        made = replace(held[1], n=n)
        room._compared = (key, made, room.reorders)
        return made
    pub = publication(room, step)
    counted_rows = pub.room
    counted = int(counted_rows.sum())
    if not counted:
        made = _Counted(n, 0, pub.more_needed(max(int(step), 1)), np.zeros(0), {}, (), 0)
    else:
        scores = room.overall[counted_rows]
        edges = np.arange(0, 100 + HIST_BIN, HIST_BIN, dtype=float)
        made = _Counted(
            n,
            counted,
            0,
            np.sort(scores),
            dict(zip(room.q.dimension_ids, _mean_dims(room, counted_rows), strict=True)),
            tuple(int(c) for c in np.histogram(scores, bins=edges)[0]),
            int((scores >= room.q.threshold).sum()),
        )
    room._compared = (key, made, room.reorders)
    return made


def _same_ones(room: Room, held: tuple, step: int, n: int) -> bool:
    """Whether the people a room's memo counted are still the ones it counts: without
    removals they are the first n // k * k real finishers (`publication`), the same
    people while that number holds and the completion order has only grown at its end."""
    (_n, held_step, _removals), last, reorders = held
    if room.removals or held_step != step or not last.counted:
        return False
    k = max(int(step), 1)
    room.completion_order()  # brought up to date first: a row that slipped in remakes it
    return n // k * k == last.counted and room.reorders == reorders


# ---------------------------------------------------------------- the dashboard's numbers


@dataclass
class Summary:
    n_complete: int  # the responses the figures are over (with k: the published ones)
    n_in_progress: int
    n_demo: int  # demo rows among the n_complete
    believers: int = 0
    spectators: int = 0
    hist_edges: list[float] = field(default_factory=list)
    hist_counts: list[int] = field(default_factory=list)
    dim_means: dict[str, dict[str, float]] = field(default_factory=dict)  # class -> dim -> mean
    item_shares: dict[str, list[float]] = field(default_factory=dict)  # item -> % per point
    timeline: tuple[list[datetime], list[int]] = ((), ())  # minute, cumulative complete
    n_finished: int = 0  # every complete response of the room, published or not (exact)
    class_n: dict[str, int] = field(default_factory=dict)  # class -> people its means are over
    n_members: int | None = None  # a segment's members among the published, before stepping

    @property
    def members(self) -> int:
        """Everyone the group drawn was cut from (for a segment: all its published members,
        not just the k, 2k, ... drawn), so the rest of the room can be told apart."""
        return self.n_complete if self.n_members is None else self.n_members

    def share(self, n: int) -> float:
        """`n` as a percentage of the complete responses (0 when there are none)."""
        return 100 * n / self.n_complete if self.n_complete else 0.0


def more_responses(n: int) -> str:
    """'1 more response' / '4 more responses': what a group still needs before it is shown."""
    return ngettext("{n} more response", "{n} more responses", n).format(n=n)


def summarise(
    room: Room,
    threshold: float | None = None,
    segment: tuple[str | None, str | None] = (None, None),
    k: int | None = None,
) -> Summary:
    """Everything the dashboard shows, for the room or one segment of it.

    `threshold` re-classifies responses hypothetically (the what-if slider): it
    uses the stored overall scores and never touches the stored classes.

    With `k` (the stage), every group drawn is stepped by k in the order people finished
    (`stepped`), so no figure moves with a single finisher: the room is its `published`
    set; a segment is the first k, 2k, ... of its members in that set; and each class's
    dimension means are over the first k, 2k, ... of its members among those. Counts stay
    exact within the group drawn, and `n_finished` is every complete response: a count
    gives nobody's answers away. Without `k` (the analyst's report), every response counts.
    """
    q = room.q
    threshold = q.threshold if threshold is None else threshold
    segmented = segment[0] is not None and segment[1] is not None
    members = None
    if k is None:
        mask = room.segment_mask(*segment)
    else:
        mask = published(room, k)
        base = group_base(room, k)
        if segmented:
            in_segment = base & room.segment_mask(*segment)
            members = int(in_segment.sum())
            mask = stepped(room, in_segment, k)
    overall = room.overall[mask]
    n = int(mask.sum())
    s = Summary(
        n_complete=n,
        n_in_progress=room.n_in_progress,
        n_demo=int(room._demo[: room.n][mask].sum()),
        n_finished=room.n,
        n_members=members,
    )
    if n == 0:
        return s
    believer = overall >= threshold
    s.believers = int(believer.sum())
    s.spectators = n - s.believers
    edges = np.arange(0, 100 + HIST_BIN, HIST_BIN, dtype=float)
    counts, _ = np.histogram(overall, bins=edges)
    s.hist_edges, s.hist_counts = edges.tolist(), counts.astype(int).tolist()
    is_believer = room.overall >= threshold
    for klass, group in ((BELIEVER, mask & is_believer), (SPECTATOR, mask & ~is_believer)):
        if k is not None:
            group = stepped(room, base & group, k)  # a segment is cut from base too
        if group.any():
            s.class_n[klass] = int(group.sum())
            means = _mean_dims(room, group)
            s.dim_means[klass] = dict(zip(q.dimension_ids, means, strict=True))
    answers = room.answers[mask]
    for j, item in enumerate(q.item_ids):
        point_counts = np.bincount(answers[:, j], minlength=6)[1:6]
        s.item_shares[item] = (100 * point_counts / n).tolist()
    minutes, per_minute = np.unique(room._minute[: room.n][mask], return_counts=True)
    s.timeline = (
        [datetime.fromtimestamp(int(m) * 60, UTC) for m in minutes],
        np.cumsum(per_minute).tolist(),
    )
    return s
