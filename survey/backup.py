"""Backups of the survey database, and restoring one without losing an answer.

`backup` copies a SQLite database while the server runs, through SQLite's online backup
API: the copy is one read transaction's snapshot, so it holds exactly the transactions
committed before it began (every acknowledged answer up to then, nothing half-written),
and the server's writers go on meanwhile (WAL lets one writer and many readers work at
once). The copy is checked with `PRAGMA integrity_check`, written beside its final name
and renamed into place, so FILE is either the previous file or a complete, checked
backup; it is created 0600 whatever the umask, like the database.

`restore` adds what a backup holds and the database lacks, through the store's own write
transactions, while the server runs: sessions (with their "approve automatically"), their
stage settings, questionnaire versions, the facilitator's decisions on the room's words
(approved or hidden phrases) and responses (by token). It never changes or removes a row
the database has, so no answer acknowledged since the backup is lost; copying a backup
over the file (and touching its -wal or -shm) does lose them, which is why the app offers
no such thing.

On PostgreSQL the database server's own tools back up (`pg_dump`); the app says how.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from survey.engine import is_postgres
from survey.engine.sqlite import FILE_MODE
from survey.engine.sqlite import reason as sqlite_reason
from survey.store import Store, new_public_id

BATCH = 500  # responses per write transaction: each holds the write lock for a few ms only
TABLES = ("sessions", "responses")  # what makes a file a survey database
# Copied only where the database lacks the session, version, decision or response (by
# these keys); the sign-in throttle and the migration bookkeeping are the live database's own.
KEYED = (
    ("sessions", ("code",)),
    ("stage", ("session_code",)),
    ("questionnaires", ("fingerprint",)),
    ("moderation", ("session_code", "question_id", "phrase")),  # approved or hidden phrases
)
OF_A_SESSION = {"stage", "moderation"}  # rows kept only for a session the database has
KINDS = {"INTEGER": int, "REAL": float, "FLOAT": float, "TEXT": str}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class Copied:
    """What a backup holds."""

    path: Path
    size: int
    sessions: int
    responses: int


@dataclass(frozen=True)
class Restored:
    """What a restore added, and what it found already there and left as it was."""

    sessions: int
    responses: int
    kept: int  # responses the database already had (its own version was kept)


# ---------------------------------------------------------------- backup


def pg_dump_hint(where: str) -> str:
    """The one line that says how to back up a PostgreSQL database. `where` is the URL
    without its password; the command reads the URL from SURVEY_DB, so no password is
    ever printed or typed on a command line others can see in `ps`."""
    return (
        f"the database is a PostgreSQL server ({where}): back it up with its own tool,"
        ' pg_dump --format=custom --file=FILE --dbname="$SURVEY_DB"'
    )


def backup(target: str, dest: str | os.PathLike) -> Copied:
    """Copy the SQLite database at `target` to `dest` while it is in use.

    The copy is one snapshot (SQLite's online backup API in a single step holds one read
    transaction), passes `PRAGMA integrity_check`, is a single file (journal mode DELETE,
    no -wal beside it) of mode 0600, and replaces `dest` only once complete and checked.
    """
    source = _existing_database(target)
    dest = Path(dest)
    companions = [source.with_name(source.name + end) for end in ("-wal", "-shm", "-journal")]
    if any(_same_file(dest, f) for f in [source, *companions]):
        raise BackupError(f"{dest} is the database itself (or one of its files): choose another")
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder: give a file name, e.g. {dest / 'survey-backup.db'}")
    if not dest.parent.is_dir():
        raise BackupError(f"cannot write {dest}: there is no folder {dest.parent}")
    with _private_temporary(dest) as tmp:
        with _sqlite(source, read_only=True) as src, _sqlite(tmp) as dst:
            _require_survey_tables(src, source)
            src.backup(dst)  # pages=-1: the whole file in one step, one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _require_intact(dst, f"the copy in {tmp}")
            sessions = dst.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
            responses = dst.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
        _fsync(tmp)
        os.replace(tmp, dest)
    _fsync(dest.parent)
    return Copied(dest, dest.stat().st_size, sessions, responses)


@contextlib.contextmanager
def _private_temporary(dest: Path) -> Iterator[Path]:
    """A new empty file of mode 0600 beside `dest`, removed (with any journal SQLite left
    beside it) unless it was renamed to `dest`."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{new_public_id()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise BackupError(f"cannot write {dest}: {exc.strerror}") from None
    try:
        os.fchmod(fd, FILE_MODE)  # the umask only takes bits away; this says it outright
    finally:
        os.close(fd)
    try:
        yield tmp
    except OSError as exc:
        raise BackupError(f"cannot write {dest}: {exc.strerror}") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- restore


def restore(store: Store, source: str | os.PathLike) -> Restored:
    """Add to `store`'s database what the backup at `source` holds and it lacks.

    Safe while the server runs: each batch is one of the store's own write transactions
    (serialised with every participant's write), a row the database already has is never
    changed (it is at least as new as the backup's), and every session that gains rows
    has its change counters bumped, so the server's cached rooms read it afresh.
    Restoring the same backup twice adds nothing the second time.
    """
    if is_postgres(store.path):
        raise BackupError(
            "restore merges a backup file into a SQLite database; a PostgreSQL database is "
            "restored with pg_restore (README, Backing up and restoring)"
        )
    path = _existing_database(str(source))
    if _same_file(path, Path(store.path)):
        raise BackupError(f"{path} is the database itself: give a backup file")
    with _sqlite(path, read_only=True) as src:
        _require_survey_tables(src, path)
        _require_intact(src, str(path))
        tables = {
            t: _declared_columns(src, t)
            for (t,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        sessions = _restore_keyed(store, src, tables)
        added, kept = _restore_responses(store, src, tables["responses"])
    return Restored(sessions, added, kept)


def _restore_keyed(store: Store, src: sqlite3.Connection, tables: dict) -> int:
    """Sessions (with their "approve automatically"), stage settings, questionnaire
    versions and moderation decisions the database lacks; returns how many sessions were
    added. A session that gains decisions has its moderation counter bumped, so a cached
    drawing of its words is made afresh."""
    added = 0
    with store._write() as conn:  # the store's own serialised write transaction
        for table, key in KEYED:
            if table not in tables:
                continue  # a backup from before the table existed
            live = store.engine.columns(conn, table)
            cols = [*key, *(c for c in tables[table] if c in live and c not in key)]
            keys, picked = (", ".join(f'"{c}"' for c in names) for names in (key, cols))
            have = {tuple(r) for r in conn.execute(f'SELECT {keys} FROM "{table}"', [])}
            rows = [
                r
                for r in src.execute(f'SELECT {picked} FROM "{table}"')
                if tuple(r[: len(key)]) not in have
            ]
            if table in OF_A_SESSION:  # only for sessions that exist, now that they are added
                codes = {r[0] for r in conn.execute("SELECT code FROM sessions", [])}
                rows = [r for r in rows if r[0] in codes]
            if rows:
                conn.executemany(_insert_sql(table, cols), [list(r) for r in rows])
            if table == "sessions":
                added = len(rows)
            if table == "moderation":
                for code in sorted({r[0] for r in rows}):
                    store._bump_moderation(conn, code)
    return added


def _restore_responses(store: Store, src: sqlite3.Connection, declared: dict) -> tuple[int, int]:
    with store._write() as conn:
        have = store.engine.columns(conn, "responses")
        for name, kind in declared.items():
            if name not in have:  # a questionnaire version this database never saw
                store.engine.add_column(conn, "responses", name, KINDS.get(kind, str))
    cols = list(declared)
    picked = ", ".join(f'"{c}"' for c in cols)
    cursor = src.execute(f"SELECT {picked} FROM responses ORDER BY rowid")
    added = kept = 0
    while batch := cursor.fetchmany(BATCH):
        rows = [dict(zip(cols, r, strict=True)) for r in batch]
        n = _add_responses(store, rows)
        added, kept = added + n, kept + len(rows) - n
    return added, kept


def _add_responses(store: Store, rows: list[dict]) -> int:
    """One write transaction: insert the rows whose token the database lacks."""
    tokens = [r["token"] for r in rows]
    with store._write() as conn:
        have = _present(conn, "token", tokens)
        new = [r for r in rows if r["token"] not in have]
        if not new:
            return 0
        taken = _present(conn, "public_id", [r.get("public_id") for r in new])
        versions = {}
        for code in sorted({r["session_code"] for r in new}):
            # removed + 1: a cached room only ever appends, and these rows may belong
            # before the ones it holds; a changed count makes it read the session again.
            versions[code] = conn.execute(
                "UPDATE sessions SET version = version + 1, removed = removed + 1"
                " WHERE code = ? RETURNING version",
                [code],
            ).fetchone()[0]
        for r in new:
            r["version"] = versions[r["session_code"]]
            if not r.get("public_id") or r["public_id"] in taken:
                r["public_id"] = new_public_id()
        cols = list(new[0])
        conn.executemany(_insert_sql("responses", cols), [list(r.values()) for r in new])
    return len(new)


def _present(conn, column: str, values: Sequence) -> set:
    values = [v for v in values if v is not None]
    if not values:
        return set()
    marks = ", ".join("?" * len(values))
    sql = f'SELECT "{column}" FROM responses WHERE "{column}" IN ({marks})'
    return {r[0] for r in conn.execute(sql, values)}


def _insert_sql(table: str, cols: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'


def _declared_columns(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    return {r[1]: (r[2] or "TEXT").upper() for r in conn.execute(f'PRAGMA table_info("{table}")')}


# ---------------------------------------------------------------- both


def _existing_database(target: str) -> Path:
    if is_postgres(target):
        from survey.engine.postgres import redact

        raise BackupError(pg_dump_hint(redact(target)))
    path = Path(target)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise BackupError(f"there is no database at {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise BackupError(f"{path} is not a database file")
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


@contextlib.contextmanager
def _sqlite(path: Path, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain connection, its failures in plain words. Read-only for a source: a backup
    never writes to the database it copies (nor creates one where there was none)."""
    uri = f"file:{quote(str(path.resolve()))}{'?mode=ro' if read_only else ''}"
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
        yield conn
    except sqlite3.Error as exc:
        words = sqlite_reason(exc) or str(exc)
        raise BackupError(f"{path}: {words}") from None
    finally:
        if conn is not None:
            conn.close()


def _require_survey_tables(conn: sqlite3.Connection, path: Path) -> None:
    found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not set(TABLES) <= found:
        raise BackupError(f"{path} is not a survey database (no sessions and responses)")


def _require_intact(conn: sqlite3.Connection, what: str) -> None:
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{what} is damaged ({problems[0]}); nothing was written")
