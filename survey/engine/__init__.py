"""The two storage engines behind `survey.store`: SQLite (a file, the default) and
PostgreSQL (a server, for several app hosts).

The store writes its rules once, in SQL both engines run, with `?` placeholders. What
differs lives here and only here: connecting and pooling, how a write transaction starts
(and is serialised), placeholders, the schema's DDL and its migrations, adding a
questionnaire's columns, reading the schema, and the export's fast path. Each engine has
the same small interface:

    one(sql, params) -> tuple | None        a read, the first row
    all(sql, params) -> list[tuple]         a read, every row
    dicts(sql, params) -> list[dict]        a read, rows as dicts
    table(sql, params) -> (names, rows)     a read, with the column names
    write(prepare) -> context of a Tx       one write transaction; Tx.execute(sql, params)
    ensure(prepare)                         the schema, and `prepare`'s part of it, made once
    columns(tx, table) / add_column(tx, table, name, kind)
    csv_lines(cells, danger, filters, limit) -> iterator of finished CSV lines
    reason(exc) -> str | None               plain words for a failure outside the app
    where                                   the path, or the URL without its password
    close()

`prepare` is a `Prepare`: a key (the questionnaire's fingerprint) and a function run in
the schema transaction that adds that questionnaire's columns and remembers its text.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Prepare:
    key: str  # what makes one schema differ from another: the questionnaire's fingerprint
    run: Callable[[Any], None]  # gets the engine's Tx, inside the schema transaction


def is_postgres(target: str | os.PathLike) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def open_engine(target: str | os.PathLike, prepare: Prepare):
    """The engine for SURVEY_DB's value: a postgresql:// URL, or a file path."""
    if is_postgres(target):
        from survey.engine.postgres import Postgres

        return Postgres(str(target), prepare)
    from survey.engine.sqlite import SQLite

    return SQLite(str(target), prepare)
