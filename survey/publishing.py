"""What the room's figures may be over: the published responses.

Differencing: any figure that moved with each single finisher would give that person's
answers away to anyone who looked before and after. So every figure a participant or the
room sees is over a *published* set that grows only in steps of k people at once
(`stepped`), and steps past people who leave without swapping anyone in (`publication`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from survey.aggregate import Room


def stepped(room: Room, rows: np.ndarray, k: int) -> np.ndarray:
    """Of the complete responses in the mask `rows`, the first `count // k * k` to finish
    (`Room.completion_order`), as a mask. As people join `rows` one at a time, the
    result stays the same or takes in k of them at once; and it is the same however
    the Room was read."""
    k = max(int(k), 1)
    order = room.completion_order()
    members = order[rows[order]]
    out = np.zeros(room.n, dtype=bool)
    out[members[: len(members) // k * k]] = True
    return out


@dataclass(frozen=True)
class Publication:
    """The real participants the figures may be over, as masks of the Room's rows."""

    room: np.ndarray  # the room's figures and each participant's comparison
    groups: np.ndarray  # what segments and classes are cut from (each then stepped by k)
    waiting: int  # finished and still in, but in no published step yet

    def more_needed(self, k: int) -> int:
        """Finishers still needed before the figures take a step (0 when they need none:
        something is published and nothing waits)."""
        return k - self.waiting if self.waiting or not self.room.any() else 0


def publication(room: Room, k: int) -> Publication:
    """Which real participants the figures are over, when people may also leave.

    Without anyone leaving this is `stepped`: the first k, 2k, ... to finish. A deletion
    or a retake takes someone out, and simply dropping them would pull the next finisher
    into the first k, 2k, ...: a swap of one person for another, which the one who left
    (knowing their own answers) could read off two looks. So the figures are replayed as
    they were published, in the session's order of events (finishes and removals, from
    `Room.removals`):

    - a new step is published only when k people who were never in a published step have
      finished; it holds everyone published before who is still in, plus those k. Any
      step then differs from every earlier one by at least k people never shown before;
    - a step that held someone who has since left is never shown again: the figures go
      back to the latest step without anyone who left (a step already shown, so showing
      it again tells nothing new), or show nothing, until k more finish.

    Segments and classes are cut from a step in ways the replay cannot check for the
    people who left (their answers are gone), so they are drawn from the latest step
    published before anyone who has left was first published: frozen there, safe.
    Demo rows are not people: `published` steps them apart.
    """
    k = max(int(k), 1)
    real = ~room._demo[: room.n]
    if not room.removals:
        plain = stepped(room, real, k)
        return Publication(plain, plain, int(real.sum()) % k)
    key = (room.n, k, len(room.removals))
    if room._publication is not None and room._publication[0] == key:
        return room._publication[1]
    order = room.completion_order()
    live = [int(i) for i in order if real[i]]
    # (version, 0 = finished / 1 = left, tie-break, who): live rows are >= 0, the ones
    # who left are -1, -2, ...; rows stored together keep their completion order.
    events = [(int(room._seq[i]), 0, n, i) for n, i in enumerate(live)]
    for j, (done, left) in enumerate(room.removals):
        events += [(done, 0, -1, -1 - j), (left, 1, -1, -1 - j)]
    events.sort()
    published_in: dict[int, int] = {}  # who -> the step they were first published in
    steps: list[int] = []  # the version each step was published at
    fresh: list[int] = []  # finished, still in, never published (in finishing order)
    for version, kind, _, who in events:
        if kind == 0:
            fresh.append(who)
            if len(fresh) >= k:
                for person in fresh:
                    published_in[person] = len(steps)
                steps.append(version)
                fresh = []
        elif who not in published_in:
            fresh.remove(who)
    # A step is tainted if it held someone who had left by now: published at or after
    # their step, before they left.
    tainted = np.zeros(len(steps), dtype=bool)
    first_gone = len(steps)
    for j, (_, left) in enumerate(room.removals):
        at = published_in.get(-1 - j)
        if at is not None:
            tainted[at : int(np.searchsorted(steps, left))] = True
            first_gone = min(first_gone, at)
    clean = np.flatnonzero(~tainted)
    shown = int(clean[-1]) if len(clean) else -1

    def upto(step: int) -> np.ndarray:
        out = np.zeros(room.n, dtype=bool)
        out[[i for i in live if published_in.get(i, len(steps)) <= step]] = True
        return out

    result = Publication(upto(shown), upto(min(shown, first_gone - 1)), len(fresh))
    room._publication = (key, result)
    return result


def published(room: Room, k: int) -> np.ndarray:
    """The complete responses the room's figures are over, as a mask: the real
    participants stepped by k in the order they finished, and the demo rows stepped
    apart. Apart, so the real part is exactly what each participant's comparison is
    over, and adding or clearing demo rows never moves a real person in or out."""
    demo = room._demo[: room.n]
    return publication(room, k).room | stepped(room, demo, k)


def group_base(room: Room, k: int) -> np.ndarray:
    """What segments and classes are cut from (see `publication`), demo rows as published."""
    demo = room._demo[: room.n]
    return publication(room, k).groups | stepped(room, demo, k)
