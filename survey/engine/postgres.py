"""PostgreSQL: one server shared by several app processes and hosts (psycopg 3 and a pool).

`SURVEY_DB=postgresql://user:pass@host:5432/dbname` selects it. Anything that speaks
PostgreSQL's protocol works: a managed service, or a PostgreSQL-compatible engine.

Writes keep SQLite's semantics: every write transaction first takes one transaction-level
advisory lock, so writes from every process and host run one at a time, exactly as
SQLite's BEGIN IMMEDIATE makes them. The store's read-then-write rules (one token per
browser session, idempotent submits, the per-session change counter, the sign-in
throttle) therefore hold unchanged, with no retry loop. A write is a few statements on
one connection: at about 1 ms each on a local network, several hundred writes a second.

Migrations run under a second advisory lock inside one transaction, so app processes on
several hosts starting at once create the schema once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg_pool
from psycopg import errors as pgerrors
from psycopg.rows import dict_row

from survey.engine import Prepare, read_lazily, unavailable_on_failure
from survey.errors import whole_number
from survey.migrations import MIGRATIONS, POSTGRES, SchemaMade
from survey.questionnaire import MULTI_SEPARATOR

log = logging.getLogger(__name__)

# Connections per app process. Its reruns run in threads that take turns on the GIL, and
# a thread waiting for the GIL still holds its connection: with 4, a busy worker's result
# pages queued for one (p95 14.3 s against 0.29 s with 16, same CPU; BENCHMARKS.md).
# Connections in all = processes x this; the pool closes those above one after 10 idle minutes.
POOL_SIZE = 16  # the default; SURVEY_DB_POOL sets it (pool_size)
POOL_TIMEOUT_S = 10  # waiting for a free connection (or the server) before giving up
CONNECT_TIMEOUT_S = 5
# pg_advisory_xact_lock(key1, key2): the app's own lock space ("BoS", then what).
LOCK_SPACE = 0x426F53
LOCK_WRITES = 1
LOCK_SCHEMA = 2
# PostgreSQL has no implicit rowid: the responses table keeps creation order in a column
# of that name (survey.migrations.POSTGRES). It is not an answer, so reads leave it out.
HIDDEN = "rowid"
# Where the migrations applied are recorded, as every PostgreSQL database so far has it.
BOOKKEEPING = "schema_migrations"


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


@functools.lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    """The store's SQL with psycopg's placeholders: ? becomes %s (a literal % doubles)."""
    return sql.replace("%", "%%").replace("?", "%s")


def reason(exc: BaseException) -> str | None:
    """Plain words for a failure of the server or the network; None for a bug."""
    if isinstance(exc, psycopg_pool.PoolTimeout):
        return "no database connection became free in time (the server is slow or down)"
    if isinstance(exc, pgerrors.DiskFull):
        return "the database server's disk is full"
    if isinstance(exc, pgerrors.ReadOnlySqlTransaction):
        return "the database server is read-only"
    if isinstance(exc, pgerrors.InsufficientPrivilege):
        return "the database user lacks a permission it needs"
    if isinstance(exc, pgerrors.InvalidCatalogName):
        return "the database named in the URL does not exist"
    if isinstance(exc, psycopg.OperationalError):
        detail = str(exc).strip().splitlines()
        return "the database server can't be reached" + (f": {detail[-1]}" if detail else "")
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return None


_pools: dict[tuple[str, int], psycopg_pool.ConnectionPool] = {}
_pools_lock = threading.Lock()
_schema_made = SchemaMade()  # (url, prepare key) made in this process


def pool_size() -> int:
    """Connections per app process: SURVEY_DB_POOL, POOL_SIZE by default."""
    return whole_number("SURVEY_DB_POOL", POOL_SIZE)


def _pool(url: str) -> psycopg_pool.ConnectionPool:
    """This process's pool for `url` (a forked child makes its own)."""
    key = (url, os.getpid())
    size = pool_size()  # a bad setting says so before anything else is tried
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            # One plain connection first: a wrong URL or password fails here at once, in
            # the server's words, instead of as a pool timeout ten seconds later.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            pool = psycopg_pool.ConnectionPool(
                url,
                min_size=1,
                max_size=size,
                timeout=POOL_TIMEOUT_S,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                name="survey",
                open=True,
            )
            _pools[key] = pool
        return pool


class _Tx:
    """A write transaction's connection, taking the store's ? placeholders."""

    __slots__ = ("conn",)

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def execute(self, sql: str, params: Sequence = ()) -> psycopg.Cursor:
        return self.conn.execute(_pg(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), rows)


class Postgres:
    """A PostgreSQL database, through this process's connection pool."""

    name = "postgresql"

    def __init__(self, url: str, prepare: Prepare):
        self.url = url
        self.where = self.path = redact(url)
        self._prepare = prepare

    @property
    def _pool(self) -> psycopg_pool.ConnectionPool:
        return _pool(self.url)  # made on first use, so a failure to connect is `Unavailable`

    reason = staticmethod(reason)

    def _mapped(self) -> contextlib.AbstractContextManager[None]:
        """The engine's boundary: a failure of the server or the network is `Unavailable`."""
        return unavailable_on_failure(reason, self.where)

    def close(self) -> None:
        """Close this process's pool for the URL; the next use opens a new one."""
        with _pools_lock:
            pool = _pools.pop((self.url, os.getpid()), None)
        if pool is not None:
            pool.close()

    # ------------------------------------------------------------ reads

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        with self._mapped(), self._pool.connection() as conn:
            return conn.execute(_pg(sql), params).fetchone()

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._mapped(), self._pool.connection() as conn:
            return conn.execute(_pg(sql), params).fetchall()

    def dicts(self, sql: str, params: Sequence = ()) -> list[dict]:
        with (
            self._mapped(),
            self._pool.connection() as conn,
            conn.cursor(row_factory=dict_row) as cur,
        ):
            rows = cur.execute(_pg(sql), params).fetchall()
        for row in rows:
            row.pop(HIDDEN, None)
        return rows

    def table(self, sql: str, params: Sequence = ()) -> tuple[list[str], list[tuple]]:
        with self._mapped(), self._pool.connection() as conn:
            cur = conn.execute(_pg(sql), params)
            names = [c.name for c in cur.description]
            rows = cur.fetchall()
        if HIDDEN in names:
            keep = [i for i, n in enumerate(names) if n != HIDDEN]
            names = [names[i] for i in keep]
            rows = [tuple(row[i] for i in keep) for row in rows]
        return names, rows

    # ------------------------------------------------------------ writes and the schema

    @contextlib.contextmanager
    def write(self, prepare: Prepare) -> Iterator[_Tx]:
        with self._mapped():
            self.ensure(prepare)
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, LOCK_WRITES])
                yield _Tx(conn)

    def ensure(self, prepare: Prepare) -> None:
        with self._mapped():
            _schema_made.once((self.url, prepare.key), lambda: self._make_schema(prepare))

    def _make_schema(self, prepare: Prepare) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, LOCK_SCHEMA])
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {BOOKKEEPING}"
                " (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            tx = _Tx(conn)
            done = {r[0] for r in conn.execute(f"SELECT name FROM {BOOKKEEPING}")}
            for migration in MIGRATIONS:
                if migration.name in done:
                    continue
                migration.apply(tx, POSTGRES)
                tx.execute(f"INSERT INTO {BOOKKEEPING} (name) VALUES (?)", [migration.name])
                log.info("Applied migration %s", migration.name)
            prepare.run(tx)

    def columns(self, tx: _Tx, table: str) -> set[str]:
        with self._mapped():
            rows = tx.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?",
                [table],
            )
            return {r[0] for r in rows}

    def add_column(self, tx: _Tx, table: str, name: str, kind: type) -> None:
        with self._mapped():
            tx.execute(
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{name}" {POSTGRES.kind(kind)}'
            )

    def catalogue(self) -> dict[str, list[tuple[str, str]]]:
        rows = self.all(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name != ?"
            " ORDER BY table_name, ordinal_position",
            [BOOKKEEPING],
        )
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in rows:
            tables.setdefault(table, []).append((column, kind))
        return tables

    def applied(self) -> list[str]:
        # applied_at: one schema transaction stamps all its migrations alike (now() is
        # the transaction's start), so the name, in order, breaks the tie.
        rows = self.all(f"SELECT name FROM {BOOKKEEPING} ORDER BY applied_at, name")
        return [r[0] for r in rows]

    # ------------------------------------------------------------ the export's fast path

    def csv_lines(
        self, cells: Sequence, danger: str, filters: Sequence[tuple], limit: int | None
    ) -> Iterator[str]:
        """Each response as one finished CSV line, rendered by the server with
        COPY ... TO STDOUT: text cells neutralised and always quoted (FORCE_QUOTE),
        NULL an empty cell, as SQLite's fast path writes them. The server is asked when
        the lines are first read."""
        doubles = {
            r[0]
            for r in self.all(
                "SELECT column_name FROM information_schema.columns WHERE table_schema ="
                " current_schema() AND table_name = 'responses' AND data_type = 'double precision'"
            )
        }
        exprs, quoted, args = [], [], []
        for n, c in enumerate(cells):
            sql, params, is_text = _cell_sql(c, danger, doubles)
            exprs.append(f"{sql} AS c{n}")
            args += params
            if is_text:
                quoted.append(f"c{n}")
        where = []
        for column, op, value in filters:
            where.append(f'r."{column}" {op} %s')
            args.append(value)
        select = f"SELECT {', '.join(exprs)} FROM responses r"
        select += " JOIN sessions s ON s.code = r.session_code"
        if where:
            select += " WHERE " + " AND ".join(where)
        select += " ORDER BY r.rowid"
        if limit is not None:
            select += f" LIMIT {int(limit)}"
        force = f", FORCE_QUOTE ({', '.join(quoted)})" if quoted else ""
        statement = f"COPY ({select}) TO STDOUT (FORMAT csv{force})"
        return read_lazily(self._copy_lines(statement, args), reason, psycopg.Error, self.where)

    def _copy_lines(self, statement: str, args: list) -> Iterator[str]:
        with (
            self._pool.connection() as conn,
            conn.cursor() as cur,
            conn.transaction(),
        ):
            # Numbers as SQLite's export writes them: 15 significant digits (SET LOCAL:
            # only for this export; every other read gets floats exactly).
            cur.execute("SET LOCAL extra_float_digits = 0")
            with cur.copy(statement, args) as copy:
                for block in copy:  # one row per block: the server sends a row per message
                    yield bytes(block).decode("utf-8").removesuffix("\n")


def _cell_sql(c, danger: str, doubles: set[str]) -> tuple[str, list, bool]:
    """(expression, its parameters, whether it is a text cell to quote)."""
    if c.source == "session_title":
        return _safe_text_sql("s.title", danger), [], True
    ref = f'r."{c.source}"'
    if c.kind == "status":
        # An unfinished response in a closed session can never be finished.
        did_not_finish = "r.status = 'in_progress' AND s.is_open = 0"
        return f"CASE WHEN {did_not_finish} THEN 'did_not_finish' ELSE r.status END", [], False
    if c.kind == "bare" and c.source in doubles:
        # As SQLite writes a REAL: 15 significant digits (see _copy_lines), and a number
        # that prints whole keeps its ".0" (50.0, and 25.0 for 24.999999999999996).
        text = f"{ref}::text"
        return f"CASE WHEN {text} ~ '^-?[0-9]+$' THEN {text} || '.0' ELSE {text} END", [], False
    if c.kind == "bare":
        return ref, [], False
    if c.kind == "option":
        sep = MULTI_SEPARATOR
        found = f"position(%s in '{sep}' || {ref} || '{sep}') > 0"
        return (
            f"CASE WHEN {ref} IS NULL THEN NULL WHEN {found} THEN '1' ELSE '0' END",
            [f"{sep}{c.option}{sep}"],
            False,
        )
    return _safe_text_sql(ref, danger), [], True


def _safe_text_sql(ref: str, danger: str) -> str:
    # Inlined literals (a COPY statement's text is bound client-side): ' and % escaped.
    chars = ", ".join(
        "'" + ch.replace("'", "''").replace("%", "%%") + "'" for ch in danger if ch != "\0"
    )  # text in PostgreSQL never holds NUL
    return f"CASE WHEN left({ref}, 1) IN ({chars}) THEN '''' || {ref} ELSE {ref} END"
