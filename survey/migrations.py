"""The database's schema, written once for both engines: its migrations, in order.

Each migration is a name and its steps. A step is SQL with the few types the engines name
differently left as placeholders (`Dialect`), or a function of the open transaction for
a step that needs Python (the public ids of m004). Both engines apply the same list, in
one schema transaction, and each records what it applied in its own bookkeeping table as
it always has: SQLite in sqlite-utils' `_sqlite_migrations` (set "believer_or_spectator"),
PostgreSQL in `schema_migrations`. So a database made before this list was shared upgrades
without change, and a new migration is written here, once.

Beside these tables, each questionnaire adds its own columns to `responses` when a store
opens (`Store._add_questionnaire_columns`, by `Dialect.kind`).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """The types an engine names its own way, as the migrations' placeholders take them."""

    bigint: str  # a counter that may outgrow 32 bits: {bigint}
    real: str  # a float: {real}
    # The responses table's creation-order column, declared as the table's first line
    # ({rowid}); empty where the engine keeps one built in (SQLite's rowid).
    rowid: str

    def sql(self, template: str) -> str:
        return template.format(bigint=self.bigint, real=self.real, rowid=self.rowid)

    def kind(self, python_type: type) -> str:
        """The column type of a questionnaire's answer (int), score (float) or text (str)."""
        return {int: "INTEGER", float: self.real, str: "TEXT"}[python_type]


# FLOAT as sqlite-utils names a float, as the columns of every earlier file are declared
# (REAL and FLOAT are the same to SQLite).
SQLITE = Dialect(bigint="INTEGER", real="FLOAT", rowid="")
# PostgreSQL has no implicit rowid: this column keeps creation order under that name, so
# the store's "ORDER BY rowid" means the same on both engines (reads leave it out).
POSTGRES = Dialect(
    bigint="BIGINT",
    real="DOUBLE PRECISION",
    rowid="rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,",
)

# A step's function gets the schema transaction, which takes ? placeholders.
Step = str | Callable[[Any], None]


@dataclass(frozen=True)
class Migration:
    name: str  # as recorded in the engine's bookkeeping table: never rename one
    steps: tuple[Step, ...]

    def apply(self, tx: Any, dialect: Dialect) -> None:
        for step in self.steps:
            if isinstance(step, str):
                tx.execute(dialect.sql(step))
            else:
                step(tx)


def _give_public_ids(tx: Any) -> None:
    """Every response gets a public id, so the export never carries the private token
    (which opens the participant's result and their unfinished answers)."""
    tokens = [row[0] for row in tx.execute("SELECT token FROM responses").fetchall()]
    for token in tokens:  # as store.new_public_id makes them
        tx.execute(
            "UPDATE responses SET public_id = ? WHERE token = ?",
            ["r" + secrets.token_hex(8), token],
        )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "m001_sessions_and_responses",
        (
            """CREATE TABLE sessions (
                code TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                is_open INTEGER NOT NULL DEFAULT 1,
                is_default INTEGER NOT NULL DEFAULT 0,
                revealed INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                version {bigint} NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE responses (
                {rowid}
                token TEXT PRIMARY KEY,
                session_code TEXT NOT NULL REFERENCES sessions(code),
                status TEXT NOT NULL,
                page INTEGER NOT NULL DEFAULT 0,
                fingerprint TEXT,
                is_demo INTEGER NOT NULL DEFAULT 0,
                started_at TEXT NOT NULL,
                updated_at TEXT,
                completed_at TEXT,
                overall {real},
                "class" TEXT,
                version {bigint} NOT NULL DEFAULT 0
            )""",
            # The index names are sqlite-utils' (idx_<table>_<columns>), as every SQLite
            # file has them; a PostgreSQL database from before the shared list keeps
            # shorter names for the same indexes.
            "CREATE INDEX idx_responses_session_code_version ON responses (session_code, version)",
            "CREATE INDEX idx_responses_session_code_status_overall"
            " ON responses (session_code, status, overall)",
        ),
    ),
    Migration(
        # The facilitator sign-in throttle is server-wide, so it lives here rather than in
        # any one browser session or worker process (see auth.check).
        "m002_signin_failures",
        (
            "CREATE TABLE signin_failures (at {real} NOT NULL)",
            """CREATE TABLE signin_lock (
                id INTEGER PRIMARY KEY,
                locked_until {real} NOT NULL,
                level INTEGER NOT NULL
            )""",
        ),
    ),
    Migration(
        # A participant may take the survey again (the earlier response is marked
        # superseded and points at its replacement) or delete their answers. Both take a
        # complete response out of the room, which `Room` only ever appends to, so each
        # session also counts its removals: a reader whose count differs re-reads the room.
        "m003_participant_choices",
        (
            "ALTER TABLE responses ADD COLUMN superseded_by TEXT",
            "ALTER TABLE sessions ADD COLUMN removed {bigint} NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        "m004_public_ids",
        (
            "ALTER TABLE responses ADD COLUMN public_id TEXT",
            _give_public_ids,
            "CREATE UNIQUE INDEX idx_responses_public_id ON responses (public_id)",
        ),
    ),
    Migration(
        # The projector's settings, one row per session, apart from `sessions` so the stage
        # token (a read-only capability) never travels with a session row or an export.
        # ON DELETE CASCADE: deleting a session takes its stage link with it.
        "m005_stage_settings",
        (
            """CREATE TABLE stage (
                session_code TEXT PRIMARY KEY REFERENCES sessions(code) ON DELETE CASCADE,
                token TEXT NOT NULL,
                view TEXT NOT NULL DEFAULT 'join',
                view_seq INTEGER NOT NULL DEFAULT 0,
                threshold {real},
                segment_id TEXT,
                segment_value TEXT,
                closes_at TEXT,
                epoch INTEGER NOT NULL DEFAULT 0
            )""",
        ),
    ),
    Migration(
        # Every version of the questionnaire file that this database has been used with, by
        # fingerprint: a participant who started before the file was edited finishes on the
        # version they started, and a finished result is drawn with the dimensions answered.
        "m006_questionnaire_versions",
        (
            """CREATE TABLE questionnaires (
                fingerprint TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                path TEXT NOT NULL,
                first_used_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        # 1: participants' results leave out the room comparison until results are revealed.
        "m007_hold_comparison",
        ("ALTER TABLE stage ADD COLUMN hold_comparison INTEGER NOT NULL DEFAULT 0",),
    ),
    Migration(
        # Public ids were 16 bare hex digits, and about 1 in 400 of those reads as a number
        # in a spreadsheet. Every id gains the letter store.new_public_id now starts with,
        # so one format holds everywhere and an id from an earlier export is recognisable.
        "m008_text_public_ids",
        ("UPDATE responses SET public_id = 'r' || public_id WHERE public_id NOT LIKE 'r%'",),
    ),
    Migration(
        # When each finished response that was later deleted or retaken had finished and
        # left, and nothing else: the stage steps its figures past a removal with these
        # (publishing.publication), so no one's answers show as the difference of two looks.
        "m009_removals",
        (
            """CREATE TABLE removals (
                session_code TEXT NOT NULL,
                completed_version {bigint} NOT NULL,
                removed_version {bigint} NOT NULL
            )""",
            "CREATE INDEX idx_removals_session_code ON removals (session_code)",
        ),
    ),
    Migration(
        # A signed-in facilitator's browser keeps a secret in an HttpOnly cookie, and the
        # page a one-use ticket to fetch it with (survey.auth): only their SHA-256 digests
        # are kept here, with an expiry, so every worker honours them and a copy of the
        # database signs nobody in.
        "m010_facilitator_sign_ins",
        (
            """CREATE TABLE facilitator_sign_ins (
                digest TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                expires_at {real} NOT NULL
            )""",
        ),
    ),
    Migration(
        # The facilitator's decisions on the room's own words (survey/words.py), per
        # session, open question and normalised phrase: 'approved' or 'hidden' (no row: in
        # the queue). Kept here, not in a browser session, so every stage and every worker
        # shows the same words. `auto_approve`: the console's "approve automatically";
        # `moderation_seq` goes up with every decision, so a stage knows to draw again.
        "m011_open_answer_moderation",
        (
            """CREATE TABLE moderation (
                session_code TEXT NOT NULL,
                question_id TEXT NOT NULL,
                phrase TEXT NOT NULL,
                state TEXT NOT NULL,
                decided_at TEXT NOT NULL,
                PRIMARY KEY (session_code, question_id, phrase)
            )""",
            "ALTER TABLE sessions ADD COLUMN auto_approve INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE sessions ADD COLUMN moderation_seq {bigint} NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        # Languages (survey/i18n.py, the questionnaire's translations): the one a response
        # was last sent in; the facilitator's, for the session's stage and console; and a
        # second one for the stage's join instructions ('' for none). Responses and
        # sessions made before spoke English.
        "m012_languages",
        (
            "ALTER TABLE responses ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
            "ALTER TABLE sessions ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
            "ALTER TABLE sessions ADD COLUMN join_language TEXT NOT NULL DEFAULT ''",
        ),
    ),
)


class SchemaMade:
    """Which databases this process has made the schema of, so each is made once: a key
    names the database and the questionnaire version (`Prepare.key`), and the first
    element of every key is where the database is."""

    def __init__(self) -> None:
        self._keys: set[tuple] = set()
        self._lock = threading.Lock()

    def once(self, key: tuple[Hashable, ...], make: Callable[[], None]) -> None:
        """Run `make` unless `key` is made already; one thread at a time makes one."""
        if key in self._keys:
            return
        with self._lock:
            if key in self._keys:
                return
            make()
            self._keys.add(key)

    def forget(self, where: str) -> None:
        """The database at `where` is not the one its schema was made in: make it again."""
        with self._lock:
            self._keys.difference_update({k for k in self._keys if k[0] == where})

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
