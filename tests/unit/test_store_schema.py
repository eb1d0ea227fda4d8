"""The one schema (survey/migrations.py) on both engines: a fresh database has the same
tables and columns on each, a database made before the schema was shared upgrades and keeps
its answers, a migration with a Python step runs on each, and both engines are `Engine`s.

tests/unit/data/head_*.sql are databases made by the code of commit e940611, the last
with a schema written per engine: the store opened on the shipped questionnaire, two
sessions, a finished response, an unfinished one, a retake, a deletion, stage settings,
a failed sign-in and a sign-in cookie. SQLite's is `iterdump()`; PostgreSQL's is
`pg_dump --inserts --no-owner --no-privileges`.
"""

import inspect
import re
import sqlite3
from pathlib import Path

import psycopg
import pytest

from survey import schema
from survey.engine import Engine, postgres, sqlite
from survey.engine.postgres import Postgres
from survey.engine.sqlite import SQLite
from survey.migrations import MIGRATIONS
from survey.scoring import score
from survey.store import DEFAULT_SESSION, Store

DATA = Path(__file__).parent / "data"
# Every type either engine declares, as the one schema means it.
KIND = {
    "integer": int,
    "bigint": int,
    "float": float,
    "real": float,
    "double precision": float,
    "text": str,
}


def kinds(catalogue: dict) -> dict[str, list[tuple[str, type]]]:
    """Each table's columns and what they hold, without PostgreSQL's explicit rowid (SQLite
    has it built in)."""
    return {
        table: [(name, KIND[kind.lower()]) for name, kind in columns if name != "rowid"]
        for table, columns in catalogue.items()
    }


def the_stores_own(catalogue: dict) -> dict[str, list[tuple[str, type]]]:
    """As `kinds`, leaving out the columns a questionnaire adds to responses."""
    tables = kinds(catalogue)
    tables["responses"] = [c for c in tables["responses"] if c[0] in schema.RESPONSE_COLUMNS]
    return tables


def forget_made_schemas() -> None:
    """As a new process would: look at each database's migrations again."""
    sqlite._schema_made.clear()
    postgres._schema_made.clear()


def load_head_database(engine: str, pg_cluster, tmp_path: Path) -> str:
    """A database as the code before the shared schema left it: its path or URL."""
    script = (DATA / f"head_{engine}.sql").read_text()
    if engine == "sqlite":
        path = tmp_path / "head.db"
        with sqlite3.connect(path) as conn:
            conn.executescript(script)
        return str(path)
    url = pg_cluster.new_database()
    # pg_dump's psql meta-commands (\restrict) are not SQL.
    script = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(script)
    return url


def test_both_engines_make_the_same_tables_with_the_same_columns(q, tmp_path, pg_cluster):
    lite = Store(q, tmp_path / "fresh.db")
    pg = Store(q, pg_cluster.new_database())
    try:
        lite_tables, pg_tables = lite.engine.catalogue(), pg.engine.catalogue()
        assert set(lite_tables) == {
            "sessions",
            "responses",
            "signin_failures",
            "signin_lock",
            "stage",
            "questionnaires",
            "removals",
            "facilitator_sign_ins",
            "moderation",
        }
        assert kinds(lite_tables) == kinds(pg_tables)  # same names, order and kinds
        assert ("rowid", "bigint") in pg_tables["responses"]  # SQLite's is built in
    finally:
        lite.close()
        pg.close()


def test_the_reserved_columns_are_the_ones_every_engine_makes(any_db, q):
    columns = {name for name, _ in any_db.engine.catalogue()["responses"]} | {"rowid"}
    questionnaire_columns = {*q.item_ids, *(f"score_{d}" for d in q.dimension_ids)}
    questionnaire_columns |= {p.id for p in q.profile}
    questionnaire_columns |= {o.id for o in q.open}
    assert columns - questionnaire_columns == set(schema.RESPONSE_COLUMNS)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_database_made_before_the_shared_schema_opens_and_keeps_working(
    engine, q, tmp_path, pg_cluster
):
    target = load_head_database(engine, pg_cluster, tmp_path)
    forget_made_schemas()
    old = Store(q, target)
    fresh_target = str(tmp_path / "fresh.db") if engine == "sqlite" else pg_cluster.new_database()
    fresh = Store(q, fresh_target)
    try:
        # Every migration counted as applied once, none run again; the same schema as new.
        assert old.engine.applied() == [m.name for m in MIGRATIONS]
        assert the_stores_own(old.engine.catalogue()) == the_stores_own(fresh.engine.catalogue())

        # What was stored is still there, as the app reads it.
        done = old.get_response("tok-complete")
        assert done["status"] == "complete" and re.fullmatch(r"r[0-9a-f]{16}", done["public_id"])
        assert old.current_response("tok-first")["token"] == "tok-retake"
        assert old.get_response("tok-gone") is None
        assert old.removals("HEADS") == [(1, 3), (4, 5)]  # the retaken one, the deleted one
        assert old.stage_settings("HEADS")["threshold"] == 55.5
        assert old.has_sign_in("d" * 64, "cookie", now=200.0)
        assert [s["code"] for s in old.list_sessions()] == [DEFAULT_SESSION, "HEADS"]

        # And it takes new answers: the unfinished response finishes, a new one starts.
        # (It began on the questionnaire of its day, kept in the database: it finishes on it.)
        then = old.questionnaire(old.get_response("tok-started")["fingerprint"])
        answers = {i: 5 for i in then.item_ids}
        result = score(then, answers)
        finished = old.using(then).save_page(DEFAULT_SESSION, "tok-started", answers, result=result)
        assert finished.outcome == "completed"
        assert old.save_page("HEADS", None, {q.item_ids[0]: 1}).outcome == "saved"
        lines = list(old.csv_lines([_cell("token")], "=", session_code=DEFAULT_SESSION))
        assert sorted(lines) == ['"tok-complete"', '"tok-started"']
    finally:
        old.close()
        fresh.close()


def _cell(source: str):
    from survey.store import CsvCell

    return CsvCell(source)


def _record_removed(s: Store, name: str) -> None:
    """As a database from before migration `name`: forget that it ran."""
    table = "schema_migrations" if s.engine.name == "postgresql" else "_sqlite_migrations"
    with s._write() as tx:
        tx.execute(f"DELETE FROM {table} WHERE name = ?", [name])


def test_a_migration_with_a_python_step_gives_old_responses_public_ids_on_each_engine(q, target):
    first = Store(q, target)
    token = first.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}).token
    _record_removed(first, "m004_public_ids")
    with first._write() as tx:  # as responses stored before public ids existed
        tx.execute("DROP INDEX idx_responses_public_id")
        tx.execute("ALTER TABLE responses DROP COLUMN public_id")
    first.close()
    forget_made_schemas()

    again = Store(q, target)
    try:
        assert re.fullmatch(r"r[0-9a-f]{16}", again.get_response(token)["public_id"])
        assert again.engine.applied()[-1] == "m004_public_ids"  # recorded once more
    finally:
        again.close()


def test_a_data_migration_turns_old_bare_hex_ids_into_text_on_each_engine(q, target):
    first = Store(q, target)
    token = first.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}).token
    _record_removed(first, "m008_text_public_ids")
    with first._write() as tx:
        tx.execute(
            "UPDATE responses SET public_id = ? WHERE token = ?", ["6025778931e21487", token]
        )
    first.close()
    forget_made_schemas()

    again = Store(q, target)
    try:
        assert again.get_response(token)["public_id"] == "r6025778931e21487"
    finally:
        again.close()


# ---------------------------------------------------------------- the engine interface


@pytest.mark.parametrize("cls", [SQLite, Postgres])
def test_each_engine_has_every_method_of_the_interface_with_its_parameters(cls):
    for name, member in vars(Engine).items():
        if name.startswith("_") or not callable(member):
            continue
        wanted = list(inspect.signature(member).parameters)
        assert list(inspect.signature(getattr(cls, name)).parameters) == wanted, name


def test_a_store_on_either_engine_holds_an_engine(any_db):
    assert isinstance(any_db.engine, Engine)
    assert any_db.engine.name in ("sqlite", "postgresql")
