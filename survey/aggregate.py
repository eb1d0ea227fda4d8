"""Room-level aggregates: what the stage and the participant's "you vs the room" show.

`Room` is a columnar, append-only accumulator of one session's complete
responses, held as numpy arrays. A complete response never changes again (the
store refuses writes after completion), so a live dashboard only ever appends
the few rows written since it last looked, and a summary over 100k responses
is a handful of vectorised passes rather than a DataFrame rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from survey.errors import whole_number
from survey.publishing import Publication, group_base, publication, published, stepped
from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.scoring import BELIEVER, SPECTATOR

HIST_BIN = 5  # histogram of overall scores in 5-point bins over 0..100
UNANSWERED = -1
# "Answering now" counts an unfinished response only if a page of it was stored this
# recently. A talk's survey takes a few minutes a page at most; a first page stored but
# never followed (a phone put away, a server killed mid-burst) stops counting after this.
ANSWERING_WINDOW = timedelta(minutes=30)


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


def room_columns(q: Questionnaire) -> list[str]:
    """The response columns a Room reads from the store."""
    return [
        "token",
        "status",
        "is_demo",
        "updated_at",
        "completed_at",
        "version",
        "overall",
        *q.item_ids,
        *(f"score_{d}" for d in q.dimension_ids),
        *(p.id for p in q.profile),
    ]


class Room:
    """One session's responses: in-progress counted, complete ones kept column by column."""

    def __init__(self, q: Questionnaire, capacity: int = 1024, by_time: bool = False):
        self.q = q
        self.by_time = by_time  # completion order by stored time first (many sessions)
        self.version = 0
        self.removed = 0  # the session's removals (retakes, deletions) when it was read
        self.epoch = 0  # the store's room_epoch this Room was built at
        # (completed version, removed version) of each real response that finished and
        # later left (Store.removals): set when the Room is built, see `publication`.
        self.removals: list[tuple[int, int]] = []
        self._publication: tuple[tuple, Publication] | None = None  # publishing's memo
        self.status: dict[str, str] = {}
        self.touched: dict[str, str] = {}  # unfinished token -> its last page's updated_at
        self.n = 0
        self._order: np.ndarray | None = None  # completion order, made when first asked for
        k = capacity
        self._answers = np.zeros((k, len(q.items)), dtype=np.int8)
        self._dims = np.zeros((k, len(q.dimensions)))
        self._overall = np.zeros(k)
        self._demo = np.zeros(k, dtype=bool)
        self._minute = np.zeros(k, dtype=np.int64)  # minutes since the epoch (UTC)
        self._done = np.zeros(k, dtype=object)  # completed_at as stored (ISO 8601, UTC)
        self._seq = np.zeros(k, dtype=np.int64)  # the session's change counter at completion
        self._token = np.zeros(k, dtype=object)  # the tie-break of the completion order
        self._profile = np.full((k, len(q.profile)), UNANSWERED, dtype=np.int64)

    # ------------------------------------------------------------ filling

    def add(self, columns: Sequence[str], rows: Iterable[tuple], version: int) -> Room:
        """Fold in rows (from `Store.rows(..., columns=room_columns(q))`) up to `version`."""
        at = {c: i for i, c in enumerate(columns)}
        fresh = []
        for row in rows:
            token, status = row[at["token"]], row[at["status"]]
            if self.status.get(token) == "complete":
                continue  # complete rows never change
            self.status[token] = status
            if status == "in_progress":
                self.touched[token] = row[at["updated_at"]] or ""
            else:
                self.touched.pop(token, None)
            if status == "complete":
                fresh.append(row)
        if fresh:
            self._append(at, fresh)
        self.version = version
        return self

    def _append(self, at: dict[str, int], rows: list[tuple]) -> None:
        q, m = self.q, len(rows)
        self._grow(self.n + m)
        sl = slice(self.n, self.n + m)
        self._answers[sl] = [[r[at[i]] or 0 for i in q.item_ids] for r in rows]
        self._dims[sl] = [[r[at[f"score_{d}"]] for d in q.dimension_ids] for r in rows]
        self._overall[sl] = [r[at["overall"]] for r in rows]
        self._demo[sl] = [bool(r[at["is_demo"]]) for r in rows]
        self._minute[sl] = _minutes([r[at["completed_at"]] for r in rows])
        self._done[sl] = [r[at["completed_at"]] or "" for r in rows]
        self._seq[sl] = [r[at["version"]] or 0 for r in rows]
        self._token[sl] = [r[at["token"]] for r in rows]
        for j, p in enumerate(q.profile):
            self._profile[sl, j] = [_encode_profile(p.kind, p.options, r[at[p.id]]) for r in rows]
        self.n += m

    def _grow(self, need: int) -> None:
        cap = len(self._overall)
        if need <= cap:
            return
        new = max(need, 2 * cap)
        for name in _COLUMNS:
            old = getattr(self, name)
            fill = UNANSWERED if name == "_profile" else 0  # object columns: 0 until set
            grown = np.full((new, *old.shape[1:]), fill, dtype=old.dtype)
            grown[:cap] = old
            setattr(self, name, grown)

    # ------------------------------------------------------------ reading

    @property
    def n_in_progress(self) -> int:
        """Unfinished responses, however long ago their last page was stored."""
        return len(self.touched)

    def n_answering(self, now: datetime | None = None) -> int:
        """Unfinished responses with a page stored within ANSWERING_WINDOW of `now`."""
        since = _iso_key((now or datetime.now(UTC)) - ANSWERING_WINDOW)
        return sum(1 for stamp in self.touched.values() if stamp >= since)

    def completion_order(self) -> np.ndarray:
        """Row indices of the complete responses in the order they finished.

        In one session's room: by the session's change counter stored with the response
        as it was completed (`version`: given inside the write's transaction, so it follows
        the order the database took them in, which no clock or race can turn round), then
        the completion time and the token for rows stored together (demo data). Over many
        sessions (`by_time`): the completion time first. Either way a property of the
        rows, not of the order they were read in, so a Room rebuilt in any order (after a
        restart, a deletion, on another worker) orders them the same.
        """
        have = 0 if self._order is None else len(self._order)
        if self._order is None or have != self.n:
            key = self._order_key
            fresh = sorted(range(have, self.n), key=key)
            if have and fresh and key(fresh[0]) < key(int(self._order[-1])):
                fresh, have = sorted(range(self.n), key=key), 0  # rare: someone slipped in
            kept = self._order[:have] if have else np.empty(0, dtype=np.int64)
            self._order = np.concatenate([kept, np.array(fresh, dtype=np.int64)])
        return self._order

    def _order_key(self, i: int) -> tuple:
        # Rows arrive after every row already held, so the order only grows at its end.
        seq, done, token = int(self._seq[i]), self._done[i], self._token[i]
        return (done, seq, token) if self.by_time else (seq, done, token)

    @property
    def n_demo(self) -> int:
        """Complete demo responses (synthetic rehearsal data) among the n."""
        return int(self._demo[: self.n].sum())

    @property
    def answers(self) -> np.ndarray:
        return self._answers[: self.n]

    @property
    def dims(self) -> np.ndarray:
        return self._dims[: self.n]

    @property
    def overall(self) -> np.ndarray:
        return self._overall[: self.n]

    def segment_mask(self, profile_id: str | None, value: str | None) -> np.ndarray:
        """Complete responses whose answer to `profile_id` is (or includes) `value`."""
        if not profile_id or value is None:
            return np.ones(self.n, dtype=bool)
        j = next(i for i, p in enumerate(self.q.profile) if p.id == profile_id)
        p = self.q.profile[j]
        col = self._profile[: self.n, j]
        if value not in p.options:
            return np.zeros(self.n, dtype=bool)
        k = p.options.index(value)
        if p.kind == "multi":
            return (col >= 0) & ((col >> k) & 1 == 1)
        return col == k

    def without_demo(self) -> Room:
        """A copy holding only real participants' complete responses (the analyst's rule:
        demo rows count only where asked for). Unfinished responses are kept, all real."""
        real = ~self._demo[: self.n]
        out = Room(self.q, capacity=max(int(real.sum()), 16), by_time=self.by_time)
        out.version, out.removed, out.epoch = self.version, self.removed, self.epoch
        out.removals = list(self.removals)
        out.status = dict(self.status)
        out.touched = dict(self.touched)
        m = int(real.sum())
        for name in _COLUMNS:
            getattr(out, name)[:m] = getattr(self, name)[: self.n][real]
        out.n = m
        return out

    def dimension_means(self) -> dict[str, float]:
        """The room's average score per dimension (complete responses)."""
        if not self.n:
            return {}
        return dict(zip(self.q.dimension_ids, self.dims.mean(axis=0).tolist(), strict=True))

    def share_below(self, overall: float) -> float:
        """The share (in %) of complete responses that scored lower than `overall`."""
        return 100 * float((self.overall < overall).sum()) / self.n if self.n else 0.0


_COLUMNS = (
    "_answers",
    "_dims",
    "_overall",
    "_demo",
    "_minute",
    "_done",
    "_seq",
    "_token",
    "_profile",
)


def _iso_key(t: datetime) -> str:
    """`t` as the store writes updated_at (ISO 8601, UTC, "Z"), so stamps compare as text."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _encode_profile(kind: str, options: tuple[str, ...], value: str | None) -> int:
    if value is None:
        return UNANSWERED
    if kind == "multi":
        chosen = set(value.split(MULTI_SEPARATOR))
        return sum(1 << k for k, o in enumerate(options) if o in chosen)
    return options.index(value) if value in options else UNANSWERED


def _minutes(stamps: list[str | None]) -> list[int]:
    out, seen = [], {}
    for s in stamps:
        key = (s or "")[:16]  # "2026-11-26T18:03": many rows share a minute
        if key not in seen:
            try:
                t = datetime.fromisoformat(key).replace(tzinfo=UTC)
                seen[key] = int(t.timestamp() // 60)
            except ValueError:
                seen[key] = 0
        out.append(seen[key])
    return out


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
    real = ~room._demo[: room.n]
    n = int(real.sum())
    pub = publication(room, step)
    counted_rows = pub.room
    counted = int(counted_rows.sum())
    if not counted:
        return Comparison(n, 0.0, {}, 0, pub.more_needed(max(int(step), 1)))
    scores = room.overall[counted_rows]
    below = 100 * float((scores < overall).sum()) / counted
    means = _mean_dims(room, counted_rows)
    edges = np.arange(0, 100 + HIST_BIN, HIST_BIN, dtype=float)
    return Comparison(
        n,
        below,
        dict(zip(room.q.dimension_ids, means, strict=True)),
        counted,
        hist_counts=tuple(int(c) for c in np.histogram(scores, bins=edges)[0]),
        believers=int((scores >= room.q.threshold).sum()),
    )


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
    return f"{n} more {'response' if n == 1 else 'responses'}"


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
