"""Storage on one SQLite file through sqlite-utils.

Every write is one short BEGIN IMMEDIATE transaction: it takes the write lock up
front, so a read-then-write never fails with "database is locked" under
concurrent writers (a deferred BEGIN does). Writes from the threads of one
process also queue on a process-wide lock, so they never compete for SQLite's
busy handler among themselves.

Each session carries a `version` counter that every write to it bumps, and each
response row remembers the version of its last write. Readers use that to ask
"what changed since I last looked" cheaply (see `changes_since`).

An answer is only acknowledged once it is in the file at SURVEY_DB: before every write
the store checks that the file its connections hold open is still the one at that path
(device and inode), so a deleted or restored file is noticed and reopened instead of
being written to unseen. Infrastructure failures (locked for good, read-only, corrupt,
not a database, disk full, no such folder) all surface as one exception, `Unavailable`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import numbers
import os
import secrets
import sqlite3
import stat
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from survey import codes
from survey import questionnaire as questionnaires
from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.scoring import Result, score

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "survey.db"
DEFAULT_SESSION = "SHARE"
BUSY_TIMEOUT_S = 10  # SQLite waits this long for the write lock before raising
WRITE_RETRIES = 4  # then we back off and retry the whole transaction a few times

IN_PROGRESS = "in_progress"
COMPLETE = "complete"
SUPERSEDED = "superseded"  # replaced by a later response of the same person (a retake)

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
def m002_signin_failures(db: sqlite_utils.Database) -> None:
    # The facilitator sign-in throttle is server-wide, so it lives here rather than in
    # any one browser session or worker process (see auth.check).
    db["signin_failures"].create({"at": float}, not_null={"at"})
    db["signin_lock"].create(
        {"id": int, "locked_until": float, "level": int},
        pk="id",
        not_null={"locked_until", "level"},
    )


@migrations()
def m003_participant_choices(db: sqlite_utils.Database) -> None:
    # A participant may take the survey again (the earlier response is marked
    # superseded and points at its replacement) or delete their answers. Both take a
    # complete response out of the room, which `Room` only ever appends to, so each
    # session also counts its removals: a reader whose count differs re-reads the room.
    db["responses"].add_column("superseded_by", str)
    db["sessions"].add_column("removed", int, not_null_default=0)


@migrations()
def m004_public_ids(db: sqlite_utils.Database) -> None:
    """Every response gets a public id, so the export never carries the private token
    (which opens the participant's result and their unfinished answers)."""
    db["responses"].add_column("public_id", str)
    tokens = [row[0] for row in db.execute("SELECT token FROM responses")]
    for token in tokens:
        db.execute("UPDATE responses SET public_id = ? WHERE token = ?", [new_public_id(), token])
    db["responses"].create_index(["public_id"], unique=True)


@migrations()
def m005_stage_settings(db: sqlite_utils.Database) -> None:
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


@migrations()
def m006_questionnaire_versions(db: sqlite_utils.Database) -> None:
    # Every version of the questionnaire file that this database has been used with, by
    # fingerprint: a participant who started before the file was edited finishes on the
    # version they started, and a finished result is drawn with the dimensions answered.
    db.execute(
        """
        CREATE TABLE questionnaires (
            fingerprint TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            path TEXT NOT NULL,
            first_used_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m007_hold_comparison(db: sqlite_utils.Database) -> None:
    # 1: participants' results leave out the room comparison until results are revealed.
    db.execute("ALTER TABLE stage ADD COLUMN hold_comparison INTEGER NOT NULL DEFAULT 0")


class StoreError(Exception):
    """A user-facing problem with a store operation (unknown code, bad input)."""


class Unavailable(StoreError):
    """The database cannot be used right now: locked for too long, read-only, damaged,
    not a database, a full disk, or a path that cannot hold a database file.

    The cause is outside the app and may go away (disk space freed, file restored), so
    the app shows `PLAIN` and the participant tries again; `str()` adds the reason and
    the path, for the server log and the command line, never for participants.
    """

    PLAIN = "Answers can't be saved right now."

    def __init__(self, reason: str, path: str):
        super().__init__(f"answers can't be saved right now: {reason} ({path})")
        self.reason = reason
        self.path = path


# SQLite's primary result codes that mean "the file or the disk", as plain words.
_INFRASTRUCTURE = {
    "SQLITE_BUSY": "the database stayed locked by another process",
    "SQLITE_LOCKED": "the database stayed locked by another process",
    "SQLITE_READONLY": "the database file is read-only",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "the disk reported an error",
    "SQLITE_CORRUPT": "the database file is damaged",
    "SQLITE_NOTADB": "the file is not a SQLite database",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
    "SQLITE_PERM": "permission denied on the database file",
}


def _infrastructure_reason(exc: BaseException) -> str | None:
    """Plain words for a failure of the file or disk; None for anything else (a bug)."""
    if isinstance(exc, sqlite3.Error) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ):
        name = getattr(exc, "sqlite_errorname", None) or ""
        for code, reason in _INFRASTRUCTURE.items():
            if name == code or name.startswith(code + "_"):
                return reason
        text = str(exc)
        # A few errors arrive without a code (e.g. from sqlite3.connect itself).
        if "unable to open" in text:
            return _INFRASTRUCTURE["SQLITE_CANTOPEN"]
        if "not a database" in text:
            return _INFRASTRUCTURE["SQLITE_NOTADB"]
        return None
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return None


@contextlib.contextmanager
def _unavailable_on_failure(path: str) -> Iterator[None]:
    try:
        yield
    except Unavailable:
        raise
    except (sqlite3.Error, OSError) as exc:
        reason = _infrastructure_reason(exc)
        if reason is None:
            raise
        raise Unavailable(reason, path) from exc


def _guarded(method):
    """Turn the file's and the disk's failures inside a Store method into `Unavailable`."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        with _unavailable_on_failure(self.path):
            return method(self, *args, **kwargs)

    return guarded


@dataclass(frozen=True)
class SigninRecord:
    """The server-wide record of facilitator sign-in tries (see auth.check)."""

    failures: int = 0  # wrong passcodes within the window, from every browser and worker
    locked_until: float = 0.0  # no passcode is evaluated before this time (epoch seconds)
    level: int = 0  # pauses in a row; each one lasts longer


@dataclass(frozen=True)
class Saved:
    """What happened to a participant's write."""

    # "saved" | "completed" | "already_complete" | "incomplete" | "closed" | "unknown_session"
    # | "other_version" (the response was begun on another version of the questionnaire)
    outcome: str
    token: str


@dataclass(frozen=True)
class VersionMix:
    """How a session's responses stand against the questionnaire version in force."""

    current_since: str | None  # when this database first saw the version in force (ISO, UTC)
    finishing_earlier: int  # real participants still answering an earlier version
    complete_earlier: int  # real participants who finished an earlier version

    @property
    def changed(self) -> bool:
        return bool(self.finishing_earlier or self.complete_earlier)


def iso(t: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-11-26T18:03:13.512Z."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_iso() -> str:
    return iso(datetime.now(UTC))


def default_path() -> Path:
    return Path(os.environ.get("SURVEY_DB") or DEFAULT_PATH)


MAX_IDLE_CONNECTIONS = 16  # kept open for the next reruns; each holds two file handles
# Only the app's own user may read the answers (the passcode file is 0600 too). SQLite
# gives the -wal and -shm files the database file's mode, so creating it 0600 covers all three.
FILE_MODE = 0o600
FOLDER_MODE = 0o700
_write_lock = threading.Lock()
_schema_lock = threading.Lock()
# (path, questionnaire fingerprint, device, inode) of every file whose schema is ready.
_schema_ready: set[tuple[str, str, int, int]] = set()


class _Database(sqlite_utils.Database):
    """A connection that remembers which file (device, inode) it opened, so a write can
    tell that the file at the path has since been deleted or replaced."""

    file_id: tuple[int, int]


class Store:
    """The survey database. Cheap to construct; each thread borrows its own connection."""

    def __init__(self, questionnaire: Questionnaire, path: str | os.PathLike | None = None):
        self.path = str(Path(path) if path is not None else default_path())
        self.q = questionnaire
        self._local = threading.local()
        self._idle: list[_Database] = []  # connections of threads that have ended
        self._versions: dict[str, Store] = {}  # fingerprint -> a view on another version
        self._known: dict[str, Questionnaire | None] = {}  # fingerprint -> version read back
        with _unavailable_on_failure(self.path):
            self.db  # noqa: B018 - opens the file and makes the schema now, not on first use

    # ------------------------------------------------------------ connections

    @property
    def db(self) -> _Database:
        """This thread's connection. Streamlit runs every rerun in a new thread, and opening
        a connection (and SQLite reading the schema) costs ~0.6 ms, so a thread that ends
        hands its connection back for the next one instead of closing it."""
        lease = getattr(self._local, "lease", None)
        if lease is None:
            try:
                db = self._idle.pop()
            except IndexError:
                db = None
            # One stat per rerun: an idle connection may hold a file deleted since.
            if db is not None and self._moved(db):
                db.conn.close()
                _forget_schema(self.path)
                db = None
            lease = self._local.lease = _Lease(db or self._connect(), self._idle)
        return lease.db

    def _connect(self) -> _Database:
        if _create_private(Path(self.path)):
            # A new file may get the inode number of the deleted one at once (ext4 does):
            # the schema made for that one says nothing about this one.
            _forget_schema(self.path)
        # Never used by two threads at once: a lease belongs to one thread until it ends.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            opened = os.stat(self.path)
            db = _Database(conn)
            db.file_id = (opened.st_dev, opened.st_ino)
            self._ensure_schema(db)
        except BaseException:
            conn.close()
            raise
        return db

    def _moved(self, db: _Database) -> bool:
        """Is the file at the path no longer the one this connection has open?"""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return True
        return (now.st_dev, now.st_ino) != db.file_id

    def close(self) -> None:
        """Close this thread's connection and every idle one."""
        lease = getattr(self._local, "lease", None)
        if lease is not None:
            lease.pool = None
            lease.db.conn.close()
            self._local.lease = None
        while self._idle:
            self._idle.pop().conn.close()

    def _reopen(self) -> None:
        """The file at the path was deleted or replaced while we had it open. Writing on
        would store answers nobody will ever read, so drop every pooled connection and
        open (or create, with its schema) the file that is at the path now. Connections
        other threads still hold are checked at their next write or lease."""
        log.warning("The database file %s was deleted or replaced; reopening it.", self.path)
        _forget_schema(self.path)
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction on the file at the path, retried a few
        times if SQLite stays busy."""
        with _unavailable_on_failure(self.path):
            if self._moved(self.db):
                self._reopen()
            # A connection may have been opened by a view on another questionnaire version
            # (see `using`); this version's columns must be there before it writes.
            self._ensure_schema(self.db)
            with _transaction(self.db.conn) as conn:
                yield conn

    def _ensure_schema(self, db: _Database) -> None:
        key = (self.path, self.q.fingerprint, *db.file_id)
        if key in _schema_ready:
            return
        with _schema_lock:
            if key in _schema_ready:
                return
            with _transaction(db.conn):
                # Migrations nest inside our IMMEDIATE transaction as savepoints, so
                # several processes starting at once apply them exactly once.
                migrations.apply(db)
                self._add_questionnaire_columns(db)
                self._remember_version(db)
            _schema_ready.add(key)

    def _remember_version(self, db: sqlite_utils.Database) -> None:
        """Keep this questionnaire version's text, the first time this file is used with it."""
        if not self.q.text or not self.q.fingerprint:
            return
        db.execute(
            "INSERT OR IGNORE INTO questionnaires (fingerprint, text, path, first_used_at)"
            " VALUES (?, ?, ?, ?)",
            [self.q.fingerprint, self.q.text, self.q.path, now_iso()],
        )

    # ------------------------------------------------------------ questionnaire versions

    def using(self, q: Questionnaire) -> Store:
        """This database, with `q` as the questionnaire: for a participant who answers an
        earlier version of the file. It shares this store's connections; its writes
        store, check and score answers by `q`, and a new response records `q`'s
        fingerprint."""
        if q.fingerprint == self.q.fingerprint:
            return self
        view = self._versions.get(q.fingerprint)
        if view is None or view.q is not q:
            view = copy.copy(self)
            view.q = q
            self._versions[q.fingerprint] = view
        with _unavailable_on_failure(self.path):
            view._ensure_schema(view.db)  # its columns, also in a file recreated since
        return view

    @_guarded
    def questionnaire(self, fingerprint: str) -> Questionnaire | None:
        """The questionnaire version with this fingerprint, as kept when it was first
        used here; None if this database never kept it (or it no longer validates)."""
        if fingerprint == self.q.fingerprint:
            return self.q
        if fingerprint in self._known:
            return self._known[fingerprint]
        row = self.db.execute(
            "SELECT text, path FROM questionnaires WHERE fingerprint = ?", [fingerprint]
        ).fetchone()
        found = None
        if row is not None:
            try:
                found = questionnaires.from_text(row[0], row[1], fingerprint)
            except questionnaires.QuestionnaireError as exc:
                log.warning("Questionnaire version %s no longer loads: %s", fingerprint, exc)
        self._known[fingerprint] = found
        return found

    @_guarded
    def version_mix(self, code: str) -> VersionMix:
        """A session's real responses on earlier versions of the questionnaire than `q`."""
        since = self.db.execute(
            "SELECT first_used_at FROM questionnaires WHERE fingerprint = ?", [self.q.fingerprint]
        ).fetchone()
        counts = dict(
            self.db.execute(
                "SELECT status, COUNT(*) FROM responses WHERE session_code = ? AND is_demo = 0"
                " AND fingerprint IS NOT ? AND status IN (?, ?) GROUP BY status",
                [code, self.q.fingerprint, IN_PROGRESS, COMPLETE],
            ).fetchall()
        )
        return VersionMix(
            since[0] if since else None, counts.get(IN_PROGRESS, 0), counts.get(COMPLETE, 0)
        )

    def _add_questionnaire_columns(self, db: sqlite_utils.Database) -> None:
        """Answers, scores and profile answers are plain columns, named by questionnaire ids."""
        have = set(db["responses"].columns_dict)
        wanted = [(i.id, int) for i in self.q.items]
        wanted += [(f"score_{d.id}", float) for d in self.q.dimensions]
        wanted += [(p.id, str) for p in self.q.profile]
        for name, kind in wanted:
            if name not in have:
                db["responses"].add_column(name, kind)

    # ------------------------------------------------------------ facilitator sign-in

    @_guarded
    def signin(
        self,
        now: float,
        window_s: float,
        judge: Callable[[SigninRecord], tuple[object, SigninRecord]],
    ):
        """Run one sign-in try against the server-wide record, in one write transaction.

        `judge` gets the record (wrong passcodes in the last `window_s` seconds, the
        pause) and returns its answer and the record after the try: one more failure
        is stored as a row at `now`, a changed pause replaces the old one. Because the
        transaction is BEGIN IMMEDIATE, tries from every browser session and worker
        process are counted one at a time against the same numbers.
        """
        with self._write() as conn:
            # Older failures no longer count; dropping them keeps the table a few rows long.
            conn.execute("DELETE FROM signin_failures WHERE at <= ?", [now - window_s])
            failures = conn.execute("SELECT COUNT(*) FROM signin_failures").fetchone()[0]
            lock = conn.execute(
                "SELECT locked_until, level FROM signin_lock WHERE id = 1"
            ).fetchone()
            before = SigninRecord(failures, *(lock or (0.0, 0)))
            answer, after = judge(before)
            if after.failures > before.failures:
                conn.execute("INSERT INTO signin_failures (at) VALUES (?)", [now])
            if (after.locked_until, after.level) != (before.locked_until, before.level):
                conn.execute(
                    "INSERT INTO signin_lock (id, locked_until, level) VALUES (1, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET locked_until = excluded.locked_until,"
                    " level = excluded.level",
                    [after.locked_until, after.level],
                )
        return answer

    # ------------------------------------------------------------ sessions

    @_guarded
    def get_session(self, code: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM sessions WHERE code = ?", [code]))
        return rows[0] if rows else None

    @_guarded
    def default_session(self) -> dict:
        rows = list(self.db.query("SELECT * FROM sessions WHERE is_default = 1 LIMIT 1"))
        return rows[0] if rows else self.get_session(DEFAULT_SESSION)

    @_guarded
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

    @_guarded
    def list_sessions(self) -> list[dict]:
        sql = """
            SELECT s.code, s.title, s.is_open, s.is_default, s.revealed, s.created_at,
                   COALESCE(SUM(r.status = 'complete'), 0) AS complete,
                   COALESCE(SUM(r.status = 'in_progress'), 0) AS in_progress
            FROM sessions s LEFT JOIN responses r ON r.session_code = s.code
            GROUP BY s.code ORDER BY s.is_default DESC, s.created_at DESC
        """
        return list(self.db.query(sql))

    @_guarded
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

    @_guarded
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

    @_guarded
    def session_version(self, code: str) -> int | None:
        row = self.db.execute("SELECT version FROM sessions WHERE code = ?", [code]).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ the stage (projector)

    STAGE_FIELDS = (
        "view",
        "threshold",
        "segment_id",
        "segment_value",
        "closes_at",
        "hold_comparison",
    )

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

    @_guarded
    def stage_settings(self, code: str) -> dict | None:
        """The session's stage settings as they are, without making any (a read only:
        a participant's result page asks it)."""
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

    @_guarded
    def get_response(self, token: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM responses WHERE token = ?", [token]))
        return rows[0] if rows else None

    @_guarded
    def save_page(
        self,
        session_code: str,
        token: str | None,
        answers: Mapping[str, int],
        profile: Mapping[str, str | None] | None = None,
        page: int = 0,
        result: Result | None = None,
        finish: bool = False,
    ) -> Saved:
        """Save a participant's answers so far; with `result`, also mark them complete.

        With `finish`, the store scores the answers itself: the ones stored earlier with
        this token, plus `answers`. A page writes only what it was given, so a stale
        second tab never overwrites newer answers of other pages, and the result is
        always that of the answers stored. If an item is still unanswered, nothing is
        stored and the outcome is "incomplete".

        Creates the response on first save (under `token` when given, so one browser
        session keeps one response however its clicks race). Idempotent once complete:
        a second submission (double click, retry) changes nothing and reports
        "already_complete". A closed or unknown session stores nothing.
        """
        values = self._checked(answers, profile or {})
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
                    "SELECT status, fingerprint FROM responses WHERE token = ?", [token]
                ).fetchone()
            if existing and existing[0] == COMPLETE:
                return Saved("already_complete", token)
            if existing and existing[1] != self.q.fingerprint:
                # Its answers so far were given to another version: one response, one
                # version, so the fingerprint stored is the version actually answered.
                return Saved("other_version", token)
            if not session[0]:
                return Saved("closed", token or "")
            if finish:
                result = self._score_stored(conn, token if existing else None, values)
                if result is None:
                    return Saved("incomplete", token or "")
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

    def _score_stored(
        self, conn: sqlite3.Connection, token: str | None, given: Mapping[str, object]
    ) -> Result | None:
        """The result of the answers stored under `token` with `given` on top, or None
        while an item is unanswered."""
        stored: dict[str, object] = {}
        if token:
            cols = ", ".join(f'"{i}"' for i in self.q.item_ids)
            row = conn.execute(f"SELECT {cols} FROM responses WHERE token = ?", [token]).fetchone()
            stored = dict(zip(self.q.item_ids, row, strict=True))
        merged = {i: given.get(i, stored.get(i)) for i in self.q.item_ids}
        if any(v is None for v in merged.values()):
            return None
        return score(self.q, {i: int(v) for i, v in merged.items()})

    def _checked(
        self, answers: Mapping[str, object], profile: Mapping[str, str | None]
    ) -> dict[str, object]:
        """The answers as columns, if every one is a choice the questionnaire offers.

        The browser sends widget values, and a forged message can send anything: only
        the scale's points (1..5) and the listed profile options are ever stored.
        """
        unknown = (set(answers) - set(self.q.item_ids)) | (
            set(profile) - {p.id for p in self.q.profile}
        )
        if unknown:
            raise StoreError(f"Unknown answer fields: {', '.join(sorted(unknown))}")
        points = range(1, len(self.q.scale) + 1)
        values: dict[str, object] = {}
        for item_id, v in answers.items():
            if v is None:
                continue
            # Integers only (numpy's too); bool, float and str are refused.
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v not in points:
                raise StoreError("That answer is not one of the choices. Please choose again.")
            values[item_id] = int(v)  # a numpy int64 would be stored as a BLOB
        for p in self.q.profile:
            if p.id not in profile or profile[p.id] is None:
                values.update({p.id: None} if p.id in profile else {})
                continue
            v = profile[p.id]
            chosen = v.split(MULTI_SEPARATOR) if isinstance(v, str) and p.kind == "multi" else [v]
            if not all(isinstance(c, str) and c in p.options for c in chosen):
                raise StoreError("That answer is not one of the choices. Please choose again.")
            values[p.id] = v
        return values

    @_guarded
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

    @_guarded
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

    # ------------------------------------------------------------ the export's fast path

    @_guarded
    def csv_lines(
        self,
        cells: Sequence[CsvCell],
        danger: str,
        session_code: str | None = None,
        include_incomplete: bool = False,
        limit: int | None = None,
        include_demo: bool = False,
    ) -> Iterator[str]:
        """Each response as one finished CSV line (no line ending), oldest first.

        SQLite renders the line, so Python never handles the millions of cells one by
        one: a 100k-response export stays under a second (BENCHMARKS.md). A text cell
        that starts with a character in `danger` gets a leading apostrophe, and is quoted
        with inner quotes doubled (RFC 4180); NULL is an empty cell.
        """
        rendered, args = [], []
        for c in cells:
            sql, params = _cell_sql(c, danger)
            rendered.append(sql)
            args += params
        # One printf per row builds the line in a single pass (|| would copy it 50 times).
        line = f"printf('{','.join(['%s'] * len(rendered))}', {', '.join(rendered)})"
        title = _safe_text_sql("title", danger)
        # The unary + keeps SQLite off the session index: one sequential pass over
        # the table in rowid order is ~4x cheaper than 100k index look-ups.
        where = []
        if session_code is not None:
            where.append("+r.session_code = ?")
            args.append(session_code)
        if not include_incomplete:
            where.append("+r.status = 'complete'")
        if not include_demo:
            where.append("+r.is_demo = 0")
        if include_incomplete:  # a superseded response is a person's earlier try: it never counts
            where.append(f"+r.status != '{SUPERSEDED}'")
        sql = (
            f"WITH s AS (SELECT code, {title} AS title_csv FROM sessions)"
            f" SELECT {line} FROM responses r JOIN s ON s.code = r.session_code"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.rowid"  # creation order; no sort needed
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return (row[0] for row in self.db.execute(sql, args))

    # ------------------------------------------------------------ the participant's choices
    # Taking the survey again and deleting one's answers. Each bumps the session's
    # version (so counts and the dashboard see it) and its `removed` counter (so a
    # room, which only appends, knows to read the session again).

    def room_key(self, code: str) -> tuple[int, int] | None:
        """(version, removed) of a session: what a cached room must match to be current."""
        row = self.db.execute(
            "SELECT version, removed FROM sessions WHERE code = ?", [code]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def current_response(self, token: str) -> dict | None:
        """The response a participant's link leads to: its own, or, after a retake, the
        one that replaced it (followed to the latest)."""
        row, seen = self.get_response(token), set()
        while row and row["status"] == SUPERSEDED and row["token"] not in seen:
            seen.add(row["token"])
            row = self.get_response(row["superseded_by"]) or row
        return row

    def supersede(self, old_token: str, new_token: str) -> bool:
        """Mark a complete response as replaced by a retake in the same session.

        From then on it no longer counts: not in the room, the counts or the export.
        Returns False (and changes nothing) unless `old_token` is complete, in the same
        session as `new_token`, and not the same response.
        """
        if old_token == new_token:
            return False
        with self._write() as conn:
            rows = conn.execute(
                "SELECT token, session_code, status FROM responses WHERE token IN (?, ?)",
                [old_token, new_token],
            ).fetchall()
            found = {r[0]: r for r in rows}
            old, new = found.get(old_token), found.get(new_token)
            if old is None or new is None or old[2] != COMPLETE or old[1] != new[1]:
                return False
            version = self._removed_one(conn, old[1])
            conn.execute(
                "UPDATE responses SET status = ?, superseded_by = ?, version = ? WHERE token = ?",
                [SUPERSEDED, new_token, version, old_token],
            )
        return True

    def delete_response(self, token: str) -> int:
        """Delete a participant's response, and the earlier ones it replaced. Returns how
        many rows went (0 for an unknown token)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT session_code FROM responses WHERE token = ?", [token]
            ).fetchone()
            if row is None:
                return 0
            chain = [
                r[0]
                for r in conn.execute(
                    "WITH RECURSIVE earlier(token) AS (SELECT ?"
                    " UNION SELECT r.token FROM responses r JOIN earlier e"
                    " ON r.superseded_by = e.token) SELECT token FROM earlier",
                    [token],
                )
            ]
            self._removed_one(conn, row[0])
            conn.execute(
                f"DELETE FROM responses WHERE token IN ({', '.join('?' * len(chain))})", chain
            )
        return len(chain)

    @staticmethod
    def _removed_one(conn: sqlite3.Connection, code: str) -> int:
        return conn.execute(
            "UPDATE sessions SET version = version + 1, removed = removed + 1"
            " WHERE code = ? RETURNING version",
            [code],
        ).fetchone()[0]


@dataclass(frozen=True)
class CsvCell:
    """One column of the export as the store renders it."""

    source: str  # a responses column, or "session_title" for the session's title
    kind: str = "text"  # "text" (neutralised, quoted), "bare" (written as is), or "option"
    option: str | None = None  # for "option": 1 if this choice is among the '; '-joined ones


def _cell_sql(c: CsvCell, danger: str) -> tuple[str, list]:
    if c.source == "session_title":
        return "s.title_csv", []  # made safe once per session, in csv_lines' WITH clause
    ref = f'r."{c.source}"'
    if c.kind == "bare":
        return ref, []  # printf's %s writes NULL as an empty cell
    if c.kind == "option":
        sep = MULTI_SEPARATOR
        found = f"instr('{sep}' || {ref} || '{sep}', ?) > 0"
        return f"CASE WHEN {ref} IS NULL THEN '' WHEN {found} THEN '1' ELSE '0' END", [
            f"{sep}{c.option}{sep}"
        ]
    return _safe_text_sql(ref, danger), []


def _safe_text_sql(ref: str, danger: str) -> str:
    points = ", ".join(str(ord(ch)) for ch in danger)  # code points, for unicode()
    safe = f"CASE WHEN unicode({ref}) IN ({points}) THEN '''' || {ref} ELSE {ref} END"
    quoted = f"""'"' || replace({safe}, '"', '""') || '"'"""
    return f"CASE WHEN {ref} IS NULL THEN '' ELSE {quoted} END"


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT under the process-wide write lock, with a bounded retry."""
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
            conn.execute("COMMIT")  # inside the try: a full disk can fail the commit itself
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and _infrastructure_reason(exc):
                _shrink_wal(conn)
            raise


def _shrink_wal(conn: sqlite3.Connection) -> None:
    """After a failed write (typically a full disk), give back the space the rolled-back
    transaction took in the -wal file; a 20,000-row demo insert leaves megabytes there."""
    # If the disk is still failing this fails too; the next good checkpoint truncates it.
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_schema(path: str) -> None:
    """The file at `path` is not the one its schema was made in: make it again on next use."""
    with _schema_lock:
        _schema_ready.difference_update({k for k in _schema_ready if k[0] == path})


def _create_private(path: Path) -> bool:
    """Make the database's folder (0700) and an empty database file (0600) unless they
    exist already; an existing folder or file keeps its mode. Refuse a path that is not
    a regular file (a folder, /dev/null): SQLite would "write" answers into nothing.
    Returns whether it made the file."""
    if not path.parent.is_dir():
        if path.parent.exists():
            raise Unavailable("its folder is a file, not a folder", str(path))
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise Unavailable("the path is not a regular file", str(path)) from None
        return False
    return True


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
    row = {"public_id": new_public_id(), **row}
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


def new_public_id() -> str:
    """A response's public id, the one an export shows: random, and unrelated to its token.
    Hex, so it never looks like a formula or an option either."""
    return secrets.token_hex(8)


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
