"""Storage on one SQLite file through sqlite-utils.

Every write is one short BEGIN IMMEDIATE transaction: it takes the write lock up
front, so a read-then-write never fails with "database is locked" under
concurrent writers (a deferred BEGIN does). Writes from the threads of one
process also queue on a process-wide lock, so they never compete for SQLite's
busy handler among themselves.

Each session carries a `version` counter that every write to it bumps, and each
response row remembers the version of its last write. Readers use that to ask
"what changed since I last looked" cheaply (see `changes_since`).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from survey import codes
from survey.questionnaire import Questionnaire
from survey.scoring import Result

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "survey.db"
DEFAULT_SESSION = "SHARE"
BUSY_TIMEOUT_S = 10  # SQLite waits this long for the write lock before raising
WRITE_RETRIES = 4  # then we back off and retry the whole transaction a few times

IN_PROGRESS = "in_progress"
COMPLETE = "complete"

migrations = sqlite_utils.Migrations("believer_or_spectator")


@migrations()
def m001_sessions_and_responses(db: sqlite_utils.Database) -> None:
    db["sessions"].create(
        {
            "code": str,
            "title": str,
            "is_open": int,
            "is_default": int,
            "revealed": int,
            "created_at": str,
            "version": int,
        },
        pk="code",
        not_null={"title", "is_open", "is_default", "revealed", "created_at", "version"},
        defaults={"is_open": 1, "is_default": 0, "revealed": 1, "version": 0},
    )
    db["responses"].create(
        {
            "token": str,
            "session_code": str,
            "status": str,
            "page": int,
            "fingerprint": str,
            "is_demo": int,
            "started_at": str,
            "updated_at": str,
            "completed_at": str,
            "overall": float,
            "class": str,
            "version": int,
        },
        pk="token",
        foreign_keys=[("session_code", "sessions", "code")],
        not_null={"session_code", "status", "page", "is_demo", "started_at", "version"},
        defaults={"page": 0, "is_demo": 0, "version": 0},
    )
    db["responses"].create_index(["session_code", "version"])
    db["responses"].create_index(["session_code", "status", "overall"])
    db["sessions"].insert(
        {
            "code": DEFAULT_SESSION,
            "title": "Open session",
            "is_open": 1,
            "is_default": 1,
            "revealed": 1,
            "created_at": now_iso(),
            "version": 0,
        }
    )


@migrations()
def m002_stage_settings(db: sqlite_utils.Database) -> None:
    # The projector's settings, one row per session, apart from `sessions` so the stage
    # token (a read-only capability) never travels with a session row or an export.
    # ON DELETE CASCADE: deleting a session takes its stage link with it.
    db.execute(
        """
        CREATE TABLE stage (
            session_code TEXT PRIMARY KEY REFERENCES sessions(code) ON DELETE CASCADE,
            token TEXT NOT NULL,
            view TEXT NOT NULL DEFAULT 'join',
            view_seq INTEGER NOT NULL DEFAULT 0,
            threshold REAL,
            segment_id TEXT,
            segment_value TEXT,
            closes_at TEXT,
            epoch INTEGER NOT NULL DEFAULT 0
        )
        """
    )


class StoreError(Exception):
    """A user-facing problem with a store operation (unknown code, bad input)."""


@dataclass(frozen=True)
class Saved:
    """What happened to a participant's write."""

    outcome: str  # "saved" | "completed" | "already_complete" | "closed" | "unknown_session"
    token: str

    @property
    def ok(self) -> bool:
        return self.outcome in ("saved", "completed", "already_complete")


def iso(t: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-11-26T18:03:13.512Z."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_iso() -> str:
    return iso(datetime.now(UTC))


def default_path() -> Path:
    return Path(os.environ.get("SURVEY_DB") or DEFAULT_PATH)


MAX_IDLE_CONNECTIONS = 16  # kept open for the next reruns; each holds two file handles
_write_lock = threading.Lock()
_schema_lock = threading.Lock()
_schema_ready: set[tuple[str, str]] = set()


class Store:
    """The survey database. Cheap to construct; each thread borrows its own connection."""

    def __init__(self, questionnaire: Questionnaire, path: str | os.PathLike | None = None):
        self.path = str(Path(path) if path is not None else default_path())
        self.q = questionnaire
        self._local = threading.local()
        self._idle: list[sqlite_utils.Database] = []  # connections of threads that have ended
        self._ensure_schema()

    # ------------------------------------------------------------ connections

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection. Streamlit runs every rerun in a new thread, and opening
        a connection (and SQLite reading the schema) costs ~0.6 ms, so a thread that ends
        hands its connection back for the next one instead of closing it."""
        lease = getattr(self._local, "lease", None)
        if lease is None:
            try:
                db = self._idle.pop()
            except IndexError:
                db = self._connect()
            lease = self._local.lease = _Lease(db, self._idle)
        return lease.db

    def _connect(self) -> sqlite_utils.Database:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Never used by two threads at once: a lease belongs to one thread until it ends.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        _enable_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return sqlite_utils.Database(conn)

    def close(self) -> None:
        """Close this thread's connection and every idle one."""
        lease = getattr(self._local, "lease", None)
        if lease is not None:
            lease.pool = None
            lease.db.conn.close()
            self._local.lease = None
        while self._idle:
            self._idle.pop().conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction, retried a few times if SQLite stays busy."""
        conn = self.db.conn
        with _write_lock:
            for attempt in range(WRITE_RETRIES):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if attempt == WRITE_RETRIES - 1:
                        raise
                    time.sleep(0.05 * 2**attempt)
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def _ensure_schema(self) -> None:
        key = (self.path, self.q.fingerprint)
        if key in _schema_ready:
            return
        with _schema_lock:
            if key in _schema_ready:
                return
            with self._write():
                # Migrations nest inside our IMMEDIATE transaction as savepoints, so
                # several processes starting at once apply them exactly once.
                migrations.apply(self.db)
                self._add_questionnaire_columns()
            _schema_ready.add(key)

    def _add_questionnaire_columns(self) -> None:
        """Answers, scores and profile answers are plain columns, named by questionnaire ids."""
        have = set(self.db["responses"].columns_dict)
        wanted = [(i.id, int) for i in self.q.items]
        wanted += [(f"score_{d.id}", float) for d in self.q.dimensions]
        wanted += [(p.id, str) for p in self.q.profile]
        for name, kind in wanted:
            if name not in have:
                self.db["responses"].add_column(name, kind)

    # ------------------------------------------------------------ sessions

    def get_session(self, code: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM sessions WHERE code = ?", [code]))
        return rows[0] if rows else None

    def default_session(self) -> dict:
        rows = list(self.db.query("SELECT * FROM sessions WHERE is_default = 1 LIMIT 1"))
        return rows[0] if rows else self.get_session(DEFAULT_SESSION)

    def create_session(self, title: str, code: str | None = None) -> str:
        title = clean_title(title)
        if code is not None:
            code = codes.normalise(code)
        with self._write() as conn:
            if code is None:
                taken = {r[0] for r in conn.execute("SELECT code FROM sessions")}
                code = codes.generate(taken)
            elif conn.execute("SELECT 1 FROM sessions WHERE code = ?", [code]).fetchone():
                raise StoreError(f"The code {code} is already used by another session.")
            conn.execute(
                "INSERT INTO sessions (code, title, is_open, is_default, revealed, created_at,"
                " version) VALUES (?, ?, 1, 0, 0, ?, 0)",
                [code, title, now_iso()],
            )
        return code

    def list_sessions(self) -> list[dict]:
        sql = """
            SELECT s.code, s.title, s.is_open, s.is_default, s.revealed, s.created_at,
                   COALESCE(SUM(r.status = 'complete'), 0) AS complete,
                   COALESCE(SUM(r.status = 'in_progress'), 0) AS in_progress
            FROM sessions s LEFT JOIN responses r ON r.session_code = s.code
            GROUP BY s.code ORDER BY s.is_default DESC, s.created_at DESC
        """
        return list(self.db.query(sql))

    def _update_session(self, code: str, sql: str, params: list) -> None:
        with self._write() as conn:
            cur = conn.execute(sql, [*params, code])
            if cur.rowcount == 0:
                raise StoreError(f"There is no session with the code {code}.")

    def set_open(self, code: str, is_open: bool) -> None:
        self._update_session(
            code,
            "UPDATE sessions SET is_open = ?, version = version + 1 WHERE code = ?",
            [int(is_open)],
        )

    def set_revealed(self, code: str, revealed: bool) -> None:
        self._update_session(
            code,
            "UPDATE sessions SET revealed = ?, version = version + 1 WHERE code = ?",
            [int(revealed)],
        )

    def delete_session(self, code: str) -> int:
        """Delete a session and all its responses. Returns how many responses went."""
        with self._write() as conn:
            row = conn.execute("SELECT is_default FROM sessions WHERE code = ?", [code]).fetchone()
            if row is None:
                raise StoreError(f"There is no session with the code {code}.")
            if row[0]:
                raise StoreError("The default session cannot be deleted.")
            n = conn.execute("DELETE FROM responses WHERE session_code = ?", [code]).rowcount
            conn.execute("DELETE FROM sessions WHERE code = ?", [code])
        return n

    def session_version(self, code: str) -> int | None:
        row = self.db.execute("SELECT version FROM sessions WHERE code = ?", [code]).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ the stage (projector)

    STAGE_FIELDS = ("view", "threshold", "segment_id", "segment_value", "closes_at")

    def stage(self, code: str) -> dict | None:
        """The session's stage settings (view, what-if threshold, segment, countdown,
        token), made with a fresh token on first ask. None if there is no such session."""
        row = self._stage_row(code)
        if row is not None:
            return row
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO stage (session_code, token)"
                " SELECT code, ? FROM sessions WHERE code = ?",
                [stage_token(), code],
            )
        return self._stage_row(code)

    def _stage_row(self, code: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM stage WHERE session_code = ?", [code]))
        return rows[0] if rows else None

    def stage_for_link(self, code: str, token: str) -> dict | None:
        """The stage settings if `token` is this session's current stage token, else None.
        Compared in constant time: the token is the only thing guarding the link."""
        row = self._stage_row(code) if code and token else None
        if row is None or not secrets.compare_digest(row["token"], str(token)):
            return None
        return row

    def set_stage(self, code: str, **changes) -> None:
        """Change stage settings. A change of view bumps `view_seq`, so an open stage
        follows the console even back to a view it showed before."""
        unknown = set(changes) - set(self.STAGE_FIELDS)
        if unknown:
            raise StoreError(f"Unknown stage settings: {', '.join(sorted(unknown))}")
        self.stage(code)
        sets = [f'"{c}" = ?' for c in changes]
        if "view" in changes:
            sets.append("view_seq = view_seq + 1")
        if sets:
            self._update_stage(code, ", ".join(sets), list(changes.values()))

    def new_stage_token(self, code: str) -> str:
        """Issue a new stage token for the session: the old stage link stops working."""
        self.stage(code)
        token = stage_token()
        self._update_stage(code, "token = ?", [token])
        return token

    def _update_stage(self, code: str, sets: str, params: list) -> None:
        with self._write() as conn:
            cur = conn.execute(f"UPDATE stage SET {sets} WHERE session_code = ?", [*params, code])
            if cur.rowcount == 0:
                raise StoreError(f"There is no session with the code {code}.")

    def settle_countdown(self, code: str, now: str) -> bool:
        """If the session's countdown (an ISO time) has passed by `now`, close the session
        and reveal its results, once. Any reader may call it: it only carries out what the
        facilitator already asked for. Returns whether it did."""
        row = self._stage_row(code)
        if row is None or not row["closes_at"] or row["closes_at"] > now:
            return False
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE stage SET closes_at = NULL"
                " WHERE session_code = ? AND closes_at IS NOT NULL AND closes_at <= ?",
                [code, now],
            )
            if cur.rowcount == 0:  # another reader settled it first
                return False
            conn.execute(
                "UPDATE sessions SET is_open = 0, revealed = 1, version = version + 1"
                " WHERE code = ?",
                [code],
            )
        return True

    def clear_demo(self, code: str) -> int:
        """Delete the session's demo responses, and nothing else. Returns how many went.

        A live Room only ever appends, so the session's stage `epoch` goes up too:
        every process's Room for it is rebuilt from the rows that are left."""
        self.stage(code)
        with self._write() as conn:
            n = conn.execute(
                "DELETE FROM responses WHERE session_code = ? AND is_demo = 1", [code]
            ).rowcount
            conn.execute("UPDATE stage SET epoch = epoch + 1 WHERE session_code = ?", [code])
            conn.execute("UPDATE sessions SET version = version + 1 WHERE code = ?", [code])
        return n

    def room_epoch(self, code: str) -> int:
        """Goes up whenever responses of the session are deleted (see `clear_demo`)."""
        row = self.db.execute("SELECT epoch FROM stage WHERE session_code = ?", [code]).fetchone()
        return row[0] if row else 0

    # ------------------------------------------------------------ responses

    def get_response(self, token: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM responses WHERE token = ?", [token]))
        return rows[0] if rows else None

    def save_page(
        self,
        session_code: str,
        token: str | None,
        answers: Mapping[str, int],
        profile: Mapping[str, str | None] | None = None,
        page: int = 0,
        result: Result | None = None,
    ) -> Saved:
        """Save a participant's answers so far; with `result`, also mark them complete.

        Creates the response on first save. Idempotent once complete: a second
        submission (double click, retry) changes nothing and reports
        "already_complete". A closed or unknown session stores nothing.
        """
        values = {k: int(v) for k, v in answers.items() if v is not None}
        values.update({k: v for k, v in (profile or {}).items()})
        unknown = set(values) - self._participant_columns()
        if unknown:
            raise StoreError(f"Unknown answer fields: {', '.join(sorted(unknown))}")
        stamp = now_iso()
        with self._write() as conn:
            session = conn.execute(
                "SELECT is_open FROM sessions WHERE code = ?", [session_code]
            ).fetchone()
            if session is None:
                return Saved("unknown_session", token or "")
            existing = None
            if token:
                existing = conn.execute(
                    "SELECT status FROM responses WHERE token = ?", [token]
                ).fetchone()
            if existing and existing[0] == COMPLETE:
                return Saved("already_complete", token)
            if not session[0]:
                return Saved("closed", token or "")
            version = conn.execute(
                "UPDATE sessions SET version = version + 1 WHERE code = ? RETURNING version",
                [session_code],
            ).fetchone()[0]
            row = {**values, "page": page, "updated_at": stamp, "version": version}
            if result is not None:
                row.update(
                    status=COMPLETE,
                    completed_at=stamp,
                    overall=float(result.overall),
                    **{"class": result.klass},
                    **{f"score_{d}": float(s) for d, s in result.dimension_scores.items()},
                )
            if existing is None:
                token = token or new_token()
                row.update(
                    token=token,
                    session_code=session_code,
                    started_at=stamp,
                    fingerprint=self.q.fingerprint,
                    status=row.get("status", IN_PROGRESS),
                    is_demo=0,
                )
                _insert(conn, row)
            else:
                _update(conn, token, row)
        return Saved("completed" if result is not None else "saved", token)

    def _participant_columns(self) -> set[str]:
        return set(self.q.item_ids) | {p.id for p in self.q.profile}

    def insert_many(self, session_code: str, rows: Iterable[Mapping]) -> int:
        """Bulk-insert finished rows (demo data, benchmarks) in one transaction."""
        rows = list(rows)
        with self._write() as conn:
            version = conn.execute(
                "UPDATE sessions SET version = version + 1 WHERE code = ? RETURNING version",
                [session_code],
            ).fetchone()
            if version is None:
                raise StoreError(f"There is no session with the code {session_code}.")
            for row in rows:
                _insert(conn, {**row, "session_code": session_code, "version": version[0]})
        return len(rows)

    def rows(
        self,
        session_code: str | None = None,
        since_version: int = 0,
        include_incomplete: bool = True,
        limit: int | None = None,
        columns: list[str] | None = None,
    ) -> tuple[list[str], list[tuple]]:
        """Raw response rows (column names, tuples): one session or all, optionally a delta."""
        where, params = [], []
        if session_code is not None:
            where.append("session_code = ?")
            params.append(session_code)
        if since_version:
            where.append("version > ?")
            params.append(since_version)
        if not include_incomplete:
            where.append("status = 'complete'")
        picked = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        sql = f"SELECT {picked} FROM responses"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY rowid"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cur = self.db.execute(sql, params)
        return [c[0] for c in cur.description], cur.fetchall()

    def export_lines(
        self,
        line_sql: str,
        params: list,
        title_sql: str,
        session_code: str | None,
        include_incomplete: bool,
        limit: int | None = None,
    ) -> Iterator[str]:
        """One text value per response, computed by `line_sql` over `r` (the response)
        and `s` (its session, with `title_csv` = `title_sql` applied to its title).
        The export builds its CSV lines this way, for speed."""
        # The unary + keeps SQLite off the session index: one sequential pass over
        # the table in rowid order is ~4x cheaper than 100k index look-ups.
        where, args = [], list(params)
        if session_code is not None:
            where.append("+r.session_code = ?")
            args.append(session_code)
        if not include_incomplete:
            where.append("+r.status = 'complete'")
        sql = (
            f"WITH s AS (SELECT code, {title_sql} AS title_csv FROM sessions)"
            f" SELECT {line_sql} FROM responses r JOIN s ON s.code = r.session_code"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.rowid"  # creation order; no sort needed
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return (row[0] for row in self.db.execute(sql, args))


class _Lease:
    """A connection lent to one thread; it goes back to the idle list when the thread ends
    (CPython drops a thread's thread-local values as the thread exits)."""

    __slots__ = ("db", "pool")

    def __init__(self, db: sqlite_utils.Database, pool: list[sqlite_utils.Database]):
        self.db = db
        self.pool: list[sqlite_utils.Database] | None = pool

    def __del__(self) -> None:
        if self.pool is None:
            return
        if len(self.pool) < MAX_IDLE_CONNECTIONS and not self.db.conn.in_transaction:
            self.pool.append(self.db)
        else:  # after a burst, keep a few for the next reruns and close the rest
            self.db.conn.close()


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch a (possibly brand-new) file to WAL. While another process holds the write
    lock, SQLite refuses the switch at once instead of waiting, so retry until the timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _insert(conn: sqlite3.Connection, row: Mapping) -> None:
    cols = ", ".join(f'"{c}"' for c in row)
    conn.execute(
        f"INSERT INTO responses ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )


def _update(conn: sqlite3.Connection, token: str, row: Mapping) -> None:
    sets = ", ".join(f'"{c}" = ?' for c in row)
    conn.execute(f"UPDATE responses SET {sets} WHERE token = ?", [*row.values(), token])


def new_token() -> str:
    """A participant's secret resume token. Starts with a letter or digit, so it can
    never look like a formula or an option when it lands in a CSV or a shell."""
    while True:
        token = secrets.token_urlsafe(12)
        if token[0].isalnum():
            return token


def stage_token() -> str:
    """A stage link's secret: 32 random bytes, URL-safe (unguessable, not a session code)."""
    return secrets.token_urlsafe(32)


def clean_title(title: str) -> str:
    """Session titles are shown to the room: keep them one trimmed line of sane length."""
    text = "".join(
        ch for ch in str(title or "") if unicodedata.category(ch) != "Cc" or ch.isspace()
    )
    title = " ".join(text.split())  # one line: tabs and newlines become spaces
    if not title:
        raise StoreError("Give the session a title.")
    if len(title) > 120:
        raise StoreError("Keep the title under 120 characters.")
    return title
