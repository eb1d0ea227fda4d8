"""The survey's storage: every rule about sessions, responses and the stage, written once.

Two engines run it (`survey.engine`): SQLite, one file, the default (SURVEY_DB is a path,
or unset); PostgreSQL, a server several app hosts share (SURVEY_DB=postgresql://...).
The rules below are SQL both run; what differs between them lives in the engine.

Every write is one short transaction, and writes run one at a time (SQLite's BEGIN
IMMEDIATE, an advisory lock on PostgreSQL), so a read-then-write never races.

Each session carries a `version` counter that every write to it bumps, and each
response row remembers the version of its last write. Readers use that to ask
"what changed since I last looked" cheaply (see `changes_since`).

An answer is only acknowledged once it is stored. Infrastructure failures (locked for
good, read-only, corrupt, not a database, disk full, no such folder, a server that can't
be reached) all surface as one exception, `Unavailable`, raised by the engine at every
call (`survey.engine.Engine`), so no method here has to remember it.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import logging
import numbers
import os
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from survey import codes, words
from survey import questionnaire as questionnaires
from survey.engine import Prepare, is_postgres, open_engine
from survey.errors import StoreError, Unavailable
from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.schema import (  # the statuses and a write's outcome, named here for callers too
    COMPLETE,
    DID_NOT_FINISH,
    IN_PROGRESS,
    SUPERSEDED,
    Saved,
)
from survey.scoring import Result, score

__all__ = ["Store", "StoreError", "Unavailable"]

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "survey.db"
DEFAULT_SESSION = "SHARE"


def reported_status(status: str, session_open: bool) -> str:
    """A response's status as every output reports it (see DID_NOT_FINISH)."""
    return DID_NOT_FINISH if status == IN_PROGRESS and not session_open else status


@dataclass(frozen=True)
class SigninRecord:
    """The server-wide record of facilitator sign-in tries (see auth.check)."""

    failures: int = 0  # wrong passcodes within the window, from every browser and worker
    locked_until: float = 0.0  # no passcode is evaluated before this time (epoch seconds)
    level: int = 0  # pauses in a row; each one lasts longer


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


def default_target() -> str:
    """SURVEY_DB as given: a postgresql:// URL, or a path (default data/survey.db)."""
    return os.environ.get("SURVEY_DB") or str(DEFAULT_PATH)


def data_dir() -> Path:
    """The folder for the server's own files (the generated passcode): the database
    file's folder, or data/ when the database is a PostgreSQL server."""
    target = default_target()
    return DEFAULT_PATH.parent if is_postgres(target) else Path(target).parent


class Store:
    """The survey database. Cheap to construct; connections are the engine's."""

    def __init__(self, questionnaire: Questionnaire, path: str | os.PathLike | None = None):
        target = str(path) if path is not None else default_target()
        self.q = questionnaire
        self._versions: dict[str, Store] = {}  # fingerprint -> a view on another version
        self._known: dict[str, Questionnaire | None] = {}  # fingerprint -> version read back
        self._schema = Prepare(self.q.fingerprint, self._prepare)
        self.engine = open_engine(target, self._schema)
        self.path = self.engine.where  # a URL's password is never shown
        self.engine.ensure(self._schema)  # the schema now, not on first use

    @property
    def db(self):
        """SQLite only: this thread's sqlite-utils connection (for maintenance and tests)."""
        return self.engine.db

    def close(self) -> None:
        """Close this thread's connection and every idle one."""
        self.engine.close()

    @contextlib.contextmanager
    def _write(self):
        """One write transaction, serialised with every other writer of the database."""
        with self.engine.write(self._schema) as conn:
            yield conn

    def _prepare(self, conn) -> None:
        """This questionnaire version's part of the schema, in the schema transaction."""
        self._add_questionnaire_columns(conn)
        self._remember_version(conn)
        conn.execute(
            "INSERT INTO sessions (code, title, is_open, is_default, revealed, created_at,"
            " version) VALUES (?, 'Open session', 1, 1, 1, ?, 0) ON CONFLICT DO NOTHING",
            [DEFAULT_SESSION, now_iso()],
        )

    def _remember_version(self, conn) -> None:
        """Keep this questionnaire version's text, the first time this database sees it."""
        if not self.q.text or not self.q.fingerprint:
            return
        conn.execute(
            "INSERT INTO questionnaires (fingerprint, text, path, first_used_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
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
            view._schema = Prepare(q.fingerprint, view._prepare)
            self._versions[q.fingerprint] = view
        view.engine.ensure(view._schema)  # its columns, also in a file recreated since
        return view

    def questionnaire(self, fingerprint: str) -> Questionnaire | None:
        """The questionnaire version with this fingerprint, as kept when it was first
        used here; None if this database never kept it (or it no longer validates)."""
        if fingerprint == self.q.fingerprint:
            return self.q
        if fingerprint in self._known:
            return self._known[fingerprint]
        row = self.engine.one(
            "SELECT text, path FROM questionnaires WHERE fingerprint = ?", [fingerprint]
        )
        found = None
        if row is not None:
            try:
                found = questionnaires.from_text(row[0], row[1], fingerprint)
            except questionnaires.QuestionnaireError as exc:
                log.warning("Questionnaire version %s no longer loads: %s", fingerprint, exc)
        self._known[fingerprint] = found
        return found

    def version_mix(self, code: str) -> VersionMix:
        """A session's real responses on earlier versions of the questionnaire than `q`."""
        since = self.engine.one(
            "SELECT first_used_at FROM questionnaires WHERE fingerprint = ?", [self.q.fingerprint]
        )
        counts = dict(
            self.engine.all(
                "SELECT status, COUNT(*) FROM responses WHERE session_code = ? AND is_demo = 0"
                " AND fingerprint IS DISTINCT FROM ? AND status IN (?, ?) GROUP BY status",
                [code, self.q.fingerprint, IN_PROGRESS, COMPLETE],
            )
        )
        return VersionMix(
            since[0] if since else None, counts.get(IN_PROGRESS, 0), counts.get(COMPLETE, 0)
        )

    def _add_questionnaire_columns(self, conn) -> None:
        """Answers, scores and profile answers are plain columns, named by questionnaire ids."""
        have = self.engine.columns(conn, "responses")
        wanted = [(i.id, int) for i in self.q.items]
        wanted += [(f"score_{d.id}", float) for d in self.q.dimensions]
        wanted += [(p.id, str) for p in self.q.profile]
        wanted += [(o.id, str) for o in self.q.open]
        for name, kind in wanted:
            if name not in have:
                self.engine.add_column(conn, "responses", name, kind)

    # ------------------------------------------------------------ facilitator sign-in

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

    def add_sign_in(self, digest: str, kind: str, expires_at: float, now: float) -> None:
        """Keep the digest of a facilitator's sign-in secret (a one-use "ticket", or the
        "cookie" a browser keeps) until `expires_at` (epoch seconds); expired ones go."""
        with self._write() as conn:
            conn.execute("DELETE FROM facilitator_sign_ins WHERE expires_at <= ?", [now])
            conn.execute(
                "INSERT INTO facilitator_sign_ins (digest, kind, expires_at) VALUES (?, ?, ?)",
                [digest, kind, expires_at],
            )

    def take_sign_in(self, digest: str, kind: str, now: float) -> bool:
        """Use up a sign-in secret: whether it was there and unexpired. Once only: it is
        deleted in the same transaction, so two workers can't both take it."""
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM facilitator_sign_ins WHERE digest = ? AND kind = ? AND expires_at > ?",
                [digest, kind, now],
            )
            return cur.rowcount == 1

    def has_sign_in(self, digest: str, kind: str, now: float) -> bool:
        """Whether a sign-in secret is kept and unexpired (it stays)."""
        row = self.engine.one(
            "SELECT 1 FROM facilitator_sign_ins WHERE digest = ? AND kind = ? AND expires_at > ?",
            [digest, kind, now],
        )
        return row is not None

    def end_sign_in(self, digest: str) -> None:
        """Forget a sign-in secret (signing out)."""
        with self._write() as conn:
            conn.execute("DELETE FROM facilitator_sign_ins WHERE digest = ?", [digest])

    # ------------------------------------------------------------ sessions

    def get_session(self, code: str) -> dict | None:
        rows = self.engine.dicts("SELECT * FROM sessions WHERE code = ?", [code])
        return rows[0] if rows else None

    def default_session(self) -> dict:
        rows = self.engine.dicts("SELECT * FROM sessions WHERE is_default = 1 LIMIT 1")
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
                   COUNT(r.token) FILTER (WHERE r.status = 'complete') AS complete,
                   COUNT(r.token) FILTER (WHERE r.status = 'in_progress') AS in_progress
            FROM sessions s LEFT JOIN responses r ON r.session_code = s.code
            GROUP BY s.code ORDER BY s.is_default DESC, s.created_at DESC
        """
        return self.engine.dicts(sql)

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

    def set_languages(self, code: str, language: str, join_language: str = "") -> None:
        """The facilitator's language for the session's stage and console, and a second one
        for the stage's join instructions ("" for none)."""
        self._update_session(
            code,
            "UPDATE sessions SET language = ?, join_language = ?, version = version + 1"
            " WHERE code = ?",
            [language, join_language if join_language != language else ""],
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
            conn.execute("DELETE FROM removals WHERE session_code = ?", [code])
            conn.execute("DELETE FROM moderation WHERE session_code = ?", [code])
            conn.execute("DELETE FROM sessions WHERE code = ?", [code])
        return n

    def session_version(self, code: str) -> int | None:
        row = self.engine.one("SELECT version FROM sessions WHERE code = ?", [code])
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
                "INSERT INTO stage (session_code, token)"
                " SELECT code, ? FROM sessions WHERE code = ? ON CONFLICT DO NOTHING",
                [stage_token(), code],
            )
        return self._stage_row(code)

    def stage_settings(self, code: str) -> dict | None:
        """The session's stage settings as they are, without making any (a read only:
        a participant's result page asks it)."""
        return self._stage_row(code)

    def _stage_row(self, code: str) -> dict | None:
        rows = self.engine.dicts("SELECT * FROM stage WHERE session_code = ?", [code])
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

    def step_view(self, code: str, decide: Callable[[str, int], str | None]) -> tuple[str, int]:
        """The console's next or previous, decided against the view the stage shows now.

        `decide` gets the stored (view, view_seq) inside one write transaction, so no
        other press comes between reading and writing, and returns the view to show or
        None to leave it (see survey.stage.follow). Returns (view, view_seq) after it."""
        if self.stage(code) is None:
            raise StoreError(f"There is no session with the code {code}.")
        return self._step_view(code, None, decide)

    def step_view_by_link(
        self, code: str, token: str, decide: Callable[[str, int], str | None]
    ) -> tuple[str, int] | None:
        """A key press on the stage link (the clicker): as `step_view`, but only with the
        session's current stage token, compared in constant time, and it changes the view
        and nothing else. None, with nothing changed, if the token is not the current one."""
        if not code or not token:
            return None
        return self._step_view(code, str(token), decide)

    def _step_view(self, code: str, token: str | None, decide) -> tuple[str, int] | None:
        with self._write() as conn:
            row = conn.execute(
                "SELECT view, view_seq, token FROM stage WHERE session_code = ?", [code]
            ).fetchone()
            if row is None or (
                token is not None and not secrets.compare_digest(row[2].encode(), token.encode())
            ):
                return None  # bytes: a forged token may hold any character
            target = decide(row[0], row[1])
            if target is None:
                return row[0], row[1]
            # Compare-and-set on view_seq: the write holds only if nothing moved meanwhile.
            conn.execute(
                "UPDATE stage SET view = ?, view_seq = view_seq + 1"
                " WHERE session_code = ? AND view_seq = ?",
                [target, code, row[1]],
            )
        return target, row[1] + 1

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
        row = self.engine.one("SELECT epoch FROM stage WHERE session_code = ?", [code])
        return row[0] if row else 0

    # ------------------------------------------------------------ responses

    def get_response(self, token: str) -> dict | None:
        rows = self.engine.dicts("SELECT * FROM responses WHERE token = ?", [token])
        return rows[0] if rows else None

    def save_page(
        self,
        session_code: str,
        token: str | None,
        answers: Mapping[str, int],
        profile: Mapping[str, str | None] | None = None,
        page: int = 0,
        result: Result | None = None,
        finish: bool = False,
        language: str | None = None,
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
        "already_complete". A closed or unknown session stores nothing. `language` (a
        code, "fr") is the one the page was answered in; None keeps the stored one.
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
            if language:
                row["language"] = language
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

    def _score_stored(self, conn, token: str | None, given: Mapping[str, object]) -> Result | None:
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
            set(profile) - {p.id for p in self.q.profile} - {o.id for o in self.q.open}
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
        for o in self.q.open:
            if o.id in profile:
                try:  # tidied and within its limit, or refused with a plain message
                    values[o.id] = words.check(profile[o.id], o.max_chars)
                except words.AnswerRefused as exc:
                    raise StoreError(str(exc)) from None
        return values

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
            stamped = ({**row, "session_code": session_code, "version": version[0]} for row in rows)
            for _, same in itertools.groupby(stamped, key=lambda row: tuple(row)):
                _insert(conn, *same)
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
        return self.engine.table(sql, params)

    # ------------------------------------------------------------ the export's fast path

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

        The database renders the line (SQLite's printf, PostgreSQL's COPY), so Python
        never handles the millions of cells one by one: a 100k-response export stays
        under a second (BENCHMARKS.md). A text cell
        that starts with a character in `danger` gets a leading apostrophe, and is quoted
        with inner quotes doubled (RFC 4180); NULL is an empty cell.
        """
        filters: list[tuple[str, str, object]] = []
        if session_code is not None:
            filters.append(("session_code", "=", session_code))
        if not include_incomplete:
            filters.append(("status", "=", COMPLETE))
        if not include_demo:
            filters.append(("is_demo", "=", 0))
        if include_incomplete:  # a superseded response is a person's earlier try: it never counts
            filters.append(("status", "!=", SUPERSEDED))
        return self.engine.csv_lines(cells, danger, filters, limit)

    # ------------------------------------------------------------ the room's words
    # Open answers are columns of `responses` like any answer; the facilitator's decisions
    # on their phrases are rows of `moderation` (survey/words.py decides what shows).

    def open_answers(self, code: str, question_id: str, include_demo: bool = True) -> list[str]:
        """The non-empty answers to an open question of a session's finished responses
        (the stage shows demo rows, a rehearsal; the report leaves them out)."""
        if question_id not in {o.id for o in self.q.open}:
            raise StoreError(f"There is no open question '{question_id}'.")
        demo = "" if include_demo else " AND is_demo = 0"
        rows = self.engine.all(
            f'SELECT "{question_id}" FROM responses WHERE session_code = ? AND status = ?'
            f' AND "{question_id}" IS NOT NULL{demo} ORDER BY rowid',
            [code, COMPLETE],
        )
        return [r[0] for r in rows if r[0]]

    def moderation(self, code: str, question_id: str) -> dict[str, str]:
        """The facilitator's decisions on an open question's phrases: phrase -> state."""
        return dict(
            self.engine.all(
                "SELECT phrase, state FROM moderation WHERE session_code = ? AND question_id = ?",
                [code, question_id],
            )
        )

    def moderate(self, code: str, question_id: str, phrases: Iterable[str], state: str) -> int:
        """Approve or hide phrases (as `words.normalise` makes them); returns how many."""
        if state not in words.DECISIONS:
            raise StoreError(f"'{state}' is not a decision ({', '.join(words.DECISIONS)}).")
        phrases = sorted({p for p in phrases if p})
        stamp = now_iso()
        with self._write() as conn:
            self._bump_moderation(conn, code)
            for phrase in phrases:
                conn.execute(
                    "INSERT INTO moderation (session_code, question_id, phrase, state, decided_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_code, question_id, phrase)"
                    " DO UPDATE SET state = excluded.state, decided_at = excluded.decided_at",
                    [code, question_id, phrase, state, stamp],
                )
        return len(phrases)

    def set_auto_approve(self, code: str, on: bool) -> None:
        """The console's "approve automatically" for a session's open answers."""
        with self._write() as conn:
            self._bump_moderation(conn, code)
            conn.execute("UPDATE sessions SET auto_approve = ? WHERE code = ?", [int(on), code])

    def words_key(self, code: str) -> tuple[int, int, int, int] | None:
        """What a drawing of a session's words must match to be current: its version,
        removals, moderation decisions and "approve automatically"."""
        row = self.engine.one(
            "SELECT version, removed, moderation_seq, auto_approve FROM sessions WHERE code = ?",
            [code],
        )
        return tuple(row) if row else None

    @staticmethod
    def _bump_moderation(conn, code: str) -> None:
        cur = conn.execute(
            "UPDATE sessions SET moderation_seq = moderation_seq + 1 WHERE code = ?", [code]
        )
        if cur.rowcount == 0:
            raise StoreError(f"There is no session with the code {code}.")

    # ------------------------------------------------------------ the participant's choices
    # Taking the survey again and deleting one's answers. Each bumps the session's
    # version (so counts and the dashboard see it) and its `removed` counter (so a
    # room, which only appends, knows to read the session again).

    def room_key(self, code: str) -> tuple[int, int] | None:
        """(version, removed) of a session: what a cached room must match to be current."""
        row = self.engine.one("SELECT version, removed FROM sessions WHERE code = ?", [code])
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
            self._leave_tombstones(conn, [old_token], version)
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
                    "WITH RECURSIVE earlier(token) AS (SELECT CAST(? AS TEXT)"
                    " UNION SELECT r.token FROM responses r JOIN earlier e"
                    " ON r.superseded_by = e.token) SELECT token FROM earlier",
                    [token],
                )
            ]
            self._leave_tombstones(conn, chain, self._removed_one(conn, row[0]))
            conn.execute(
                f"DELETE FROM responses WHERE token IN ({', '.join('?' * len(chain))})", chain
            )
        return len(chain)

    @staticmethod
    def _removed_one(conn, code: str) -> int:
        return conn.execute(
            "UPDATE sessions SET version = version + 1, removed = removed + 1"
            " WHERE code = ? RETURNING version",
            [code],
        ).fetchone()[0]

    def count_begun_before(self, before: str) -> int:
        """How many responses, in any session and state, were begun before `before` (ISO)."""
        row = self.engine.one("SELECT COUNT(*) FROM responses WHERE started_at < ?", [before])
        return int(row[0])

    def purge(self, before: str) -> int:
        """Delete every response begun before `before` (ISO 8601, UTC): the retention
        period's end. Sessions stay (they hold no answers). Like a participant's own
        deletion, each finished one leaves its two counters (`_leave_tombstones`), so the
        stage steps past it. Returns how many responses went."""
        with self._write() as conn:
            found = conn.execute(
                "SELECT token, session_code FROM responses WHERE started_at < ?", [before]
            ).fetchall()
            by_session: dict[str, list[str]] = {}
            for token, code in found:
                by_session.setdefault(code, []).append(token)
            for code, tokens in by_session.items():
                version = self._removed_one(conn, code)
                for at in range(0, len(tokens), 500):
                    chunk = tokens[at : at + 500]
                    self._leave_tombstones(conn, chunk, version)
                    marks = ", ".join("?" * len(chunk))
                    conn.execute(f"DELETE FROM responses WHERE token IN ({marks})", chunk)
        return len(found)

    @staticmethod
    def _leave_tombstones(conn, tokens: list[str], removed_version: int) -> None:
        """Note when each complete, real response among `tokens` finished and the session
        version at which it left (before its row changes): no answers, no token, no id.
        The stage needs only that much to keep what it published unrecoverable
        (publishing.publication)."""
        marks = ", ".join("?" * len(tokens))
        conn.execute(
            "INSERT INTO removals (session_code, completed_version, removed_version)"
            " SELECT session_code, version, ? FROM responses"
            f" WHERE token IN ({marks}) AND status = ? AND is_demo = 0",
            [removed_version, *tokens, COMPLETE],
        )

    def removals(self, code: str) -> list[tuple[int, int]]:
        """(completed version, removed version) of each real response that finished in the
        session and was later deleted or replaced by a retake, in the order they left."""
        rows = self.engine.all(
            "SELECT completed_version, removed_version FROM removals WHERE session_code = ?"
            " ORDER BY removed_version, completed_version",
            [code],
        )
        return [(int(r[0]), int(r[1])) for r in rows]


@dataclass(frozen=True)
class CsvCell:
    """One column of the export as the store renders it."""

    source: str  # a responses column, or "session_title" for the session's title
    # "text" (neutralised, quoted), "bare" (written as is), "option", or "status" (the
    # stored status, with DID_NOT_FINISH for an unfinished response of a closed session)
    kind: str = "text"
    option: str | None = None  # for "option": 1 if this choice is among the '; '-joined ones


def _insert(conn, *rows: Mapping) -> None:
    """Insert responses that all have the same columns, in one executemany (a server
    database gets them in one pipeline instead of a round trip each)."""
    rows = [{"public_id": new_public_id(), **row} for row in rows]
    cols = ", ".join(f'"{c}"' for c in rows[0])
    conn.executemany(
        f"INSERT INTO responses ({cols}) VALUES ({', '.join('?' * len(rows[0]))})",
        [list(row.values()) for row in rows],
    )


def _update(conn, token: str, row: Mapping) -> None:
    sets = ", ".join(f'"{c}" = ?' for c in row)
    conn.execute(f"UPDATE responses SET {sets} WHERE token = ?", [*row.values(), token])


def new_token() -> str:
    """A participant's secret resume token. Starts with a letter or digit, so it can
    never look like a formula or an option when it lands in a CSV or a shell."""
    while True:
        token = secrets.token_urlsafe(12)
        if token[0].isalnum():
            return token


PUBLIC_ID_PREFIX = "r"


def new_public_id() -> str:
    """A response's public id, the one an export shows: random, and unrelated to its token.

    "r" and 16 hex digits (64 random bits), e.g. r3f09a1c27be4d856. The letter keeps it
    text in every spreadsheet: a bare hex id can be all digits or digits-e-digits
    (1556389859875737, 6025778931e21487), which Excel and LibreOffice read as numbers.
    It never starts with a character a spreadsheet runs as a formula either."""
    return PUBLIC_ID_PREFIX + secrets.token_hex(8)


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
