"""SQLite: the embedded default, one file through sqlite-utils.

Every write is one short BEGIN IMMEDIATE transaction: it takes the write lock up front,
so a read-then-write never fails with "database is locked" under concurrent writers (a
deferred BEGIN does). Writes from the threads of one process also queue on a
process-wide lock, so they never compete for SQLite's busy handler among themselves.

An answer is only acknowledged once it is in the file at the path: before every write
the engine checks that the file its connections hold open is still the one at that path
(device and inode), so a deleted or restored file is noticed and reopened instead of
being written to unseen.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import sqlite_utils

from survey.engine import Prepare, read_lazily, unavailable_on_failure
from survey.errors import Unavailable
from survey.migrations import MIGRATIONS, SchemaMade
from survey.migrations import SQLITE as SQLITE_DIALECT
from survey.questionnaire import MULTI_SEPARATOR

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10  # SQLite waits this long for the write lock before raising
WRITE_RETRIES = 4  # then we back off and retry the whole transaction a few times
MAX_IDLE_CONNECTIONS = 16  # kept open for the next reruns; each holds two file handles
# Only the app's own user may read the answers (the passcode file is 0600 too). SQLite
# gives the -wal and -shm files the database file's mode, so creating it 0600 covers all three.
FILE_MODE = 0o600
FOLDER_MODE = 0o700

_write_lock = threading.Lock()
# (path, prepare key, device, inode) of every file whose schema is ready.
_schema_made = SchemaMade()

# The bookkeeping of every SQLite file so far: sqlite-utils' _sqlite_migrations table, under
# this set's name. The migrations themselves are survey.migrations', shared with PostgreSQL.
bookkeeping = sqlite_utils.Migrations("believer_or_spectator")
for _migration in MIGRATIONS:
    bookkeeping(name=_migration.name)(
        lambda db, m=_migration: m.apply(db.conn, SQLITE_DIALECT)  # a savepoint each
    )


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


def reason(exc: BaseException) -> str | None:
    """Plain words for a failure of the file or disk; None for anything else (a bug)."""
    if isinstance(exc, sqlite3.Error) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ):
        name = getattr(exc, "sqlite_errorname", None) or ""
        for code, words in _INFRASTRUCTURE.items():
            if name == code or name.startswith(code + "_"):
                return words
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


class _Database(sqlite_utils.Database):
    """A connection that remembers which file (device, inode) it opened, so a write can
    tell that the file at the path has since been deleted or replaced."""

    file_id: tuple[int, int]


class SQLite:
    """One database file. Each thread borrows its own connection."""

    name = "sqlite"

    def __init__(self, path: str, prepare: Prepare):
        self.path = self.where = path
        self._prepare = prepare  # the schema every new connection needs (the opening store's)
        self._local = threading.local()
        self._idle: list[_Database] = []  # connections of threads that have ended

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
                _schema_made.forget(self.path)
                db = None
            lease = self._local.lease = _Lease(db or self._connect(), self._idle)
        return lease.db

    def _connect(self) -> _Database:
        if _create_private(Path(self.path)):
            # A new file may get the inode number of the deleted one at once (ext4 does):
            # the schema made for that one says nothing about this one.
            _schema_made.forget(self.path)
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
            self._ensure(db, self._prepare)
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
        _schema_made.forget(self.path)
        self.close()

    reason = staticmethod(reason)

    def _mapped(self) -> contextlib.AbstractContextManager[None]:
        """The engine's boundary: a failure of the file or the disk is `Unavailable`."""
        return unavailable_on_failure(reason, self.where)

    # ------------------------------------------------------------ reads

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        with self._mapped():
            return self.db.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._mapped():
            return self.db.execute(sql, params).fetchall()

    def dicts(self, sql: str, params: Sequence = ()) -> list[dict]:
        # Plain execute: sqlite-utils' query() wraps every read in a savepoint of its own,
        # two more statements for each of a page's reads.
        with self._mapped():
            cur = self.db.execute(sql, params)
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def table(self, sql: str, params: Sequence = ()) -> tuple[list[str], list[tuple]]:
        with self._mapped():
            cur = self.db.execute(sql, params)
            return [c[0] for c in cur.description], cur.fetchall()

    def catalogue(self) -> dict[str, list[tuple[str, str]]]:
        with self._mapped():
            names = self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name != ? ORDER BY name",
                [bookkeeping.migrations_table],
            ).fetchall()
            return {
                name: [(r[1], r[2]) for r in self.db.execute(f'PRAGMA table_info("{name}")')]
                for (name,) in names
            }

    def applied(self) -> list[str]:
        with self._mapped():
            return [m.name for m in bookkeeping.applied(self.db)]

    # ------------------------------------------------------------ writes and the schema

    @contextlib.contextmanager
    def write(self, prepare: Prepare) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction on the file at the path, retried a few
        times if SQLite stays busy."""
        with self._mapped():
            if self._moved(self.db):
                self._reopen()
            # A connection may have been opened by a store on another questionnaire
            # version; this version's columns must be there before it writes.
            self._ensure(self.db, prepare)
            with _transaction(self.db.conn) as conn:
                yield conn

    def ensure(self, prepare: Prepare) -> None:
        with self._mapped():
            self._ensure(self.db, prepare)

    def _ensure(self, db: _Database, prepare: Prepare) -> None:
        def make() -> None:
            with _transaction(db.conn) as conn:
                # Migrations nest inside our IMMEDIATE transaction as savepoints, so
                # several processes starting at once apply them exactly once.
                bookkeeping.apply(db)
                prepare.run(conn)

        _schema_made.once((self.path, prepare.key, *db.file_id), make)

    def columns(self, tx: sqlite3.Connection, table: str) -> set[str]:
        with self._mapped():
            return {row[1] for row in tx.execute(f'PRAGMA table_info("{table}")')}

    def add_column(self, tx: sqlite3.Connection, table: str, name: str, kind: type) -> None:
        with self._mapped():
            tx.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {SQLITE_DIALECT.kind(kind)}')

    # ------------------------------------------------------------ the export's fast path

    def csv_lines(
        self, cells: Sequence, danger: str, filters: Sequence[tuple], limit: int | None
    ) -> Iterator[str]:
        """Each response as one finished CSV line, rendered by SQLite: one printf per row
        builds the line in a single pass (|| would copy it 50 times), so Python never
        handles the millions of cells one by one. A line of more cells than one printf
        takes is a few printf calls joined by ||."""
        with self._mapped():
            rows = self._csv_rows(cells, danger, filters, limit)
        return read_lazily((row[0] for row in rows), reason, sqlite3.Error, self.where)

    def _csv_rows(
        self, cells: Sequence, danger: str, filters: Sequence[tuple], limit: int | None
    ) -> sqlite3.Cursor:
        rendered, args = [], []
        for c in cells:
            sql, params = _cell_sql(c, danger)
            rendered.append(sql)
            args += params
        parts = [
            f"printf('{','.join(['%s'] * len(chunk))}', {', '.join(chunk)})"
            for chunk in (
                rendered[i : i + PRINTF_CELLS] for i in range(0, len(rendered), PRINTF_CELLS)
            )
        ]
        line = " || ',' || ".join(parts)
        title = _safe_text_sql("title", danger)
        # The unary + keeps SQLite off the session index: one sequential pass over
        # the table in rowid order is ~4x cheaper than 100k index look-ups.
        where = []
        for column, op, value in filters:
            where.append(f'+r."{column}" {op} ?')
            args.append(value)
        sql = (
            f"WITH s AS (SELECT code, is_open, {title} AS title_csv FROM sessions)"
            f" SELECT {line} FROM responses r JOIN s ON s.code = r.session_code"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.rowid"  # creation order; no sort needed
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.db.execute(sql, args)


# SQLite's functions take at most 100 arguments (SQLITE_MAX_FUNCTION_ARG): a printf is
# its format and 99 cells. The shipped questionnaire's 49 columns fit one.
PRINTF_CELLS = 99
# An unfinished response in a closed session can never be finished (store.DID_NOT_FINISH).
_STATUS_SQL = (
    "CASE WHEN r.status = 'in_progress' AND s.is_open = 0 THEN 'did_not_finish' ELSE r.status END"
)


def _cell_sql(c, danger: str) -> tuple[str, list]:
    if c.source == "session_title":
        return "s.title_csv", []  # made safe once per session, in csv_lines' WITH clause
    ref = f'r."{c.source}"'
    if c.kind == "status":
        return _STATUS_SQL, []
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
            if isinstance(exc, sqlite3.Error) and reason(exc):
                _shrink_wal(conn)
            raise


def _shrink_wal(conn: sqlite3.Connection) -> None:
    """After a failed write (typically a full disk), give back the space the rolled-back
    transaction took in the -wal file; a 20,000-row demo insert leaves megabytes there."""
    # If the disk is still failing this fails too; the next good checkpoint truncates it.
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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
