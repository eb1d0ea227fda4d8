"""What the reports and the participant's result state about rooms, as numbers.

`RoomNumbers` is one room's figures with the minimum-group rule applied, built
by one function for both the session report and the rooms comparison, so a
room's numbers in the comparison are those of its own report. `Norm` is "all
rooms so far": every complete response under this questionnaire version.
Numbers come from `aggregate.Room`, the same accumulator the live stage uses,
so reports and the big screen agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from survey import aggregate
from survey.aggregate import Room, Summary
from survey.i18n import ngettext
from survey.scoring import BELIEVER, SPECTATOR
from survey.store import Store


@dataclass(frozen=True)
class RoomNumbers:
    """One room's figures, as both reports print them. Groups under k are left out."""

    code: str
    title: str
    created_at: str
    is_open: bool
    k: int
    n_complete: int
    n_in_progress: int  # unfinished: still answering while open, did not finish once closed
    n_demo: int
    fingerprints: tuple[str, ...]  # questionnaire versions the complete answers were given under
    demo_left_out: int = 0  # the session's demo responses not counted here
    believers: int = 0
    spectators: int = 0
    mean_overall: float = 0.0
    dim_means: dict[str, float] = field(default_factory=dict)
    class_dim_means: dict[str, dict[str, float]] = field(default_factory=dict)  # only classes ≥ k
    hist_edges: list[float] = field(default_factory=list)
    hist_counts: list[int] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.n_complete >= self.k

    @property
    def n_answering(self) -> int:
        """Still able to finish: unfinished responses while the session is open."""
        return self.n_in_progress if self.is_open else 0

    @property
    def n_did_not_finish(self) -> int:
        """Cut off by the close: unfinished responses of a closed session."""
        return 0 if self.is_open else self.n_in_progress

    def share(self, n: int) -> float:
        return 100 * n / self.n_complete if self.n_complete else 0.0


class LoadedRoom(NamedTuple):
    room: Room
    fingerprints: tuple[str, ...]  # questionnaire versions of the complete answers counted
    demo_left_out: int  # demo responses in the session that were not counted


def load_room(store: Store, code: str, include_demo: bool = False) -> LoadedRoom:
    """A session's responses as a `Room` (unfinished ones counted), and its fingerprints.

    Demo rows (synthetic rehearsal data) are left out unless asked for: the rule every
    analyst's output follows (the report, the comparison, CSV, workbook and .sav).
    """
    cols = [*aggregate.room_columns(store.q), "fingerprint"]
    names, rows = store.rows(code, columns=cols)
    at_demo = names.index("is_demo")
    kept = rows if include_demo else [r for r in rows if not r[at_demo]]
    room = Room(store.q, capacity=max(len(kept), 16)).add(names, kept, version=0)
    at_status, at_fp = names.index("status"), names.index("fingerprint")
    prints = sorted({r[at_fp] for r in kept if r[at_status] == "complete" and r[at_fp]})
    return LoadedRoom(room, tuple(prints), len(rows) - len(kept))


def languages(store: Store, code: str, include_demo: bool = False) -> tuple[tuple[str, int], ...]:
    """How many complete responses of a session were sent in each language, most first
    (demo rows left out unless asked for, as everywhere the analyst reads)."""
    names, rows = store.rows(code, include_incomplete=False, columns=["language", "is_demo"])
    counts = Counter(language for language, demo in rows if include_demo or not demo)
    return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


@dataclass(frozen=True)
class Norm:
    """ "All rooms so far": every complete response under this questionnaire version."""

    room: Room
    other_versions: int  # complete responses given under another fingerprint, left out

    @property
    def note(self) -> str:
        """What a participant's result says about the norm (or why it is narrower)."""
        n = self.room.n
        text = ngettext(
            "Compared with everyone who has taken this survey so far ({n} person).",
            "Compared with everyone who has taken this survey so far ({n} people).",
            n,
        ).format(n=n)
        if self.other_versions:
            text += " " + ngettext(
                "{n} earlier answer was given to a different version of the questions, "
                "so it is not included.",
                "{n} earlier answers were given to a different version of the questions, "
                "so they are not included.",
                self.other_versions,
            ).format(n=self.other_versions)
        return text


def load_norm(store: Store) -> Norm:
    """Every session's complete responses whose fingerprint matches the current questionnaire.

    Answers given under another version of the file are counted but kept out:
    the questions (or their scoring) may have been different.
    """
    cols = [*aggregate.room_columns(store.q), "fingerprint"]
    names, rows = store.rows(include_incomplete=False, columns=cols)
    at_fp = names.index("fingerprint")
    same = [r for r in rows if r[at_fp] == store.q.fingerprint]
    # Over many sessions, "the order people finished in" is by completion time: each
    # session's change counter only orders its own responses.
    room = Room(store.q, capacity=max(len(same), 16), by_time=True).add(names, same, version=0)
    return Norm(room, len(rows) - len(same))


def room_numbers(
    session: dict,
    room: Room,
    fingerprints: Sequence[str] = (),
    k: int | None = None,
    demo_left_out: int = 0,
) -> tuple[RoomNumbers, Summary]:
    """The figures both reports show for one room, with the k rule applied."""
    k = aggregate.min_group() if k is None else k
    s = aggregate.summarise(room)
    base = RoomNumbers(
        code=session["code"],
        title=session["title"],
        created_at=session["created_at"],
        is_open=bool(session["is_open"]),
        k=k,
        n_complete=s.n_complete,
        n_in_progress=s.n_in_progress,
        n_demo=s.n_demo,
        fingerprints=tuple(fingerprints),
        demo_left_out=demo_left_out,
    )
    if s.n_complete < k:
        return base, s
    counts = {BELIEVER: s.believers, SPECTATOR: s.spectators}
    numbers = replace(
        base,
        believers=s.believers,
        spectators=s.spectators,
        mean_overall=float(room.overall.mean()),
        dim_means=room.dimension_means(),
        class_dim_means={c: m for c, m in s.dim_means.items() if counts[c] >= k},
        hist_edges=s.hist_edges,
        hist_counts=s.hist_counts,
    )
    return numbers, s
