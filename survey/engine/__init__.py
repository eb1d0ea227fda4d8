"""The two storage engines behind `survey.store`: SQLite (a file, the default) and
PostgreSQL (a server, for several app hosts).

The store writes its rules once, in SQL both engines run, with `?` placeholders, and the
schema is written once too (`survey.migrations`). What differs lives here and only here:
connecting and pooling, how a write transaction starts (and is serialised), placeholders,
the names of a few types, the migrations' bookkeeping, reading the catalogue, and the
export's fast path. Each engine is an `Engine`.

Every call into an engine raises the store's own errors for a failure outside the app:
`Unavailable` (a locked, read-only, damaged or missing file, a full disk, a server that
can't be reached), with the reason in plain words and where the database is. An error of
the app's own making (a constraint, bad SQL) stays what it is: it is a bug to fix, not
something a participant can wait out.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from survey.errors import StoreError, Unavailable

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Prepare:
    """A questionnaire version's part of the schema, made once per database."""

    key: str  # what makes one schema differ from another: the questionnaire's fingerprint
    run: Callable[[Any], None]  # gets the engine's Tx, inside the schema transaction


class Tx(Protocol):
    """A write transaction's connection: the store's SQL with ? placeholders."""

    def execute(self, sql: str, params: Sequence = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Sequence[Sequence], /) -> Any: ...


@runtime_checkable
class Engine(Protocol):
    """What the store needs of a database. Every method raises `Unavailable` for a failure
    outside the app (see the module's docstring)."""

    name: str  # "sqlite" or "postgresql"
    where: str  # the path, or the URL without its password

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        """A read: its first row."""
        ...

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """A read: every row."""
        ...

    def dicts(self, sql: str, params: Sequence = ()) -> list[dict]:
        """A read: every row as a dict."""
        ...

    def table(self, sql: str, params: Sequence = ()) -> tuple[list[str], list[tuple]]:
        """A read: the column names and every row."""
        ...

    def write(self, prepare: Prepare) -> AbstractContextManager[Tx]:
        """One write transaction, serialised with every other writer of the database; the
        schema and `prepare`'s part of it are made first if they are not yet."""
        ...

    def ensure(self, prepare: Prepare) -> None:
        """The schema (every migration) and `prepare`'s part of it, made once."""
        ...

    def columns(self, tx: Tx, table: str) -> set[str]: ...

    def add_column(self, tx: Tx, table: str, name: str, kind: type) -> None:
        """A questionnaire's column: `kind` is int, float or str."""
        ...

    def catalogue(self) -> dict[str, list[tuple[str, str]]]:
        """Every table of the schema (not the migrations' bookkeeping) and its columns in
        order, (name, declared type), as the engine's own catalogue reports them."""
        ...

    def applied(self) -> list[str]:
        """The names of the migrations this database has recorded, in the order applied."""
        ...

    def csv_lines(
        self, cells: Sequence, danger: str, filters: Sequence[tuple], limit: int | None
    ) -> Iterator[str]:
        """Each response as one finished CSV line (the export's fast path), read lazily:
        a failure while reading is `Unavailable` too."""
        ...

    def close(self) -> None: ...


def is_postgres(target: str | os.PathLike) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def open_engine(target: str | os.PathLike, prepare: Prepare) -> Engine:
    """The engine for SURVEY_DB's value: a postgresql:// URL, or a file path."""
    if is_postgres(target):
        from survey.engine.postgres import Postgres

        return Postgres(str(target), prepare)
    from survey.engine.sqlite import SQLite

    return SQLite(str(target), prepare)


@contextlib.contextmanager
def unavailable_on_failure(
    reason: Callable[[BaseException], str | None], where: str
) -> Iterator[None]:
    """Turn a failure outside the app (one `reason` has plain words for) into `Unavailable`."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        words = reason(exc)
        if words is None:
            raise
        raise Unavailable(words, where) from exc


def read_lazily(
    lines: Iterator[str],
    reason: Callable[[BaseException], str | None],
    error: type[BaseException],
    where: str,
) -> Iterator[str]:
    """An export's lines, read as they are consumed: a failure while reading is
    `Unavailable`, and so is any other error of the database's own (`error`): never a
    traceback for the analyst."""
    with unavailable_on_failure(reason, where):
        try:
            yield from lines
        except error as exc:
            if reason(exc) is not None:
                raise
            raise Unavailable(f"the database can't be read: {exc}", where) from exc
