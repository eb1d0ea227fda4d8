"""A session's responses as the live figures read them: `Room`, a columnar, append-only
accumulator of one session's complete responses (numpy arrays), with its unfinished ones
counted.

A complete response never changes again (the store refuses writes after completion), so
a live dashboard only ever appends the few rows written since it last looked, and a
summary over 100k responses is a handful of vectorised passes rather than a DataFrame
rebuild. What the figures say of a Room is `survey.aggregate`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from survey.questionnaire import MULTI_SEPARATOR, Questionnaire

if TYPE_CHECKING:
    from survey.publishing import Publication

UNANSWERED = -1
# "Answering now" counts an unfinished response only if a page of it was stored this
# recently. A talk's survey takes a few minutes a page at most; a first page stored but
# never followed (a phone put away, a server killed mid-burst) stops counting after this.
ANSWERING_WINDOW = timedelta(minutes=30)


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
        self._compared: tuple[tuple, object, int] | None = None  # aggregate.compare's memo
        self.status: dict[str, str] = {}
        self.touched: dict[str, str] = {}  # unfinished token -> its last page's updated_at
        self.n = 0
        self._order: np.ndarray | None = None  # completion order, made when first asked for
        self.reorders = 0  # times the completion order was made anew (a row slipped in)
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
                self.reorders += 1
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
