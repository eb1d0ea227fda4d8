"""The store on both engines (a real SQLite file, a real PostgreSQL server): sessions,
paged saves, idempotent submission, deltas, and many writers at once."""

import multiprocessing
import os
import re
import signal
import sqlite3
import threading
import time
import traceback

import numpy as np
import psutil
import pytest

from survey import codes, export, questionnaire, schema, store
from survey.engine import postgres, sqlite
from survey.migrations import MIGRATIONS
from survey.scoring import score
from survey.store import DEFAULT_SESSION, Store, StoreError

# spawn: every worker imports the code afresh, like separate server processes would.
MP = multiprocessing.get_context("spawn")
WORKER_TIMEOUT_S = 120  # generous; a hung worker must fail the test, not hang the suite


def answers(q, value: int = 3) -> dict[str, int]:
    return {i: value for i in q.item_ids}


def submit(db: Store, code: str = DEFAULT_SESSION, token=None, value: int = 3):
    a = answers(db.q, value)
    return db.save_page(code, token, a, page=db.q.page_count - 1, result=score(db.q, a))


def count(db: Store, where: str = "1 = 1", params=()) -> int:
    return db.engine.one(f"SELECT COUNT(*) FROM responses WHERE {where}", params)[0]


def finished_row(token: str, overall: float, scores: dict[str, float] | None = None) -> dict:
    """A complete response as `insert_many` takes it (demo data uses the same shape)."""
    row = {
        "token": token,
        "status": store.COMPLETE,
        "started_at": f"2026-11-26T10:00:0{token[-1]}.00Z",
        "completed_at": "2026-11-26T10:03:00.00Z",
        "overall": overall,
        "class": "believer" if overall >= 60 else "spectator",
    }
    row.update({f"score_{d}": s for d, s in (scores or {}).items()})
    return row


# ---------------------------------------------------------------- connection settings


def test_the_database_uses_wal_with_normal_sync_and_a_busy_timeout(sqlite_db, isolated_db):
    db = sqlite_db
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.db.execute("PRAGMA busy_timeout").fetchone()[0] == sqlite.BUSY_TIMEOUT_S * 1000
    # WAL is a property of the file: a plain connection (a backup tool, the CLI) sees it too.
    with sqlite3.connect(isolated_db) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_store_uses_the_file_named_by_survey_db(q, isolated_db):
    s = Store(q)
    try:
        assert s.path == str(isolated_db)
        assert isolated_db.exists()
    finally:
        s.close()


# ---------------------------------------------------------------- sessions


def test_the_default_session_share_exists_and_is_open(db):
    share = db.get_session(DEFAULT_SESSION)
    assert share["is_open"] == 1
    assert share["is_default"] == 1
    assert db.default_session()["code"] == "SHARE"


def test_a_new_session_gets_a_4_character_code_from_the_unambiguous_alphabet(db):
    code = db.create_session("  Marketing   101  ")
    assert re.fullmatch(f"[{codes.ALPHABET}]{{4}}", code)
    session = db.get_session(code)
    assert session["title"] == "Marketing 101"
    assert session["is_open"] == 1
    assert session["is_default"] == 0


def test_a_custom_session_code_is_normalised(db):
    assert db.create_session("Workshop", " k7 mq ") == "K7MQ"
    assert db.get_session("K7MQ")["title"] == "Workshop"


@pytest.mark.parametrize("bad", ["O0O0", "AB", "TOOLONG7", ""])
def test_an_impossible_custom_session_code_is_refused(db, bad):
    with pytest.raises(codes.CodeError):
        db.create_session("Workshop", bad)
    assert [s["code"] for s in db.list_sessions()] == [DEFAULT_SESSION]


def test_a_session_code_already_in_use_is_refused(db):
    db.create_session("First", "K7MQ")
    with pytest.raises(StoreError, match="K7MQ is already used"):
        db.create_session("Second", "k7mq")
    assert db.get_session("K7MQ")["title"] == "First"


@pytest.mark.parametrize("title", ["", "   ", "x" * 121])
def test_a_session_needs_a_short_non_empty_title(db, title):
    with pytest.raises(StoreError):
        db.create_session(title)


def test_list_sessions_counts_complete_and_in_progress_responses(db):
    code = db.create_session("Workshop", "K7MQ")
    submit(db, code)
    submit(db, code)
    db.save_page(code, None, {"live_post": 4})
    submit(db, DEFAULT_SESSION)

    listed = {s["code"]: s for s in db.list_sessions()}
    assert (listed["K7MQ"]["complete"], listed["K7MQ"]["in_progress"]) == (2, 1)
    assert (listed["SHARE"]["complete"], listed["SHARE"]["in_progress"]) == (1, 0)
    assert db.list_sessions()[0]["code"] == DEFAULT_SESSION  # the default is listed first


def test_deleting_a_session_removes_its_responses_only(db):
    code = db.create_session("Workshop", "K7MQ")
    submit(db, code)
    db.save_page(code, None, {"live_post": 4})
    kept = submit(db, DEFAULT_SESSION).token

    assert db.delete_session(code) == 2
    assert db.get_session(code) is None
    assert db.rows(code)[1] == []
    assert db.get_response(kept)["status"] == "complete"


def test_the_default_session_cannot_be_deleted(db):
    token = submit(db).token
    with pytest.raises(StoreError, match="default session cannot be deleted"):
        db.delete_session(DEFAULT_SESSION)
    assert db.get_session(DEFAULT_SESSION) is not None
    assert db.get_response(token) is not None


def test_deleting_an_unknown_session_says_so(db):
    with pytest.raises(StoreError, match="no session with the code ZZZZ"):
        db.delete_session("ZZZZ")


# ---------------------------------------------------------------- saving answers


def test_the_first_page_creates_a_response_and_later_pages_update_it(db, q):
    first, second = q.pages()[0], q.pages()[1]
    saved = db.save_page(DEFAULT_SESSION, None, {i.id: 4 for i in first}, page=1)
    assert saved.outcome == "saved"
    assert saved.token

    again = db.save_page(DEFAULT_SESSION, saved.token, {i.id: 2 for i in second}, page=2)
    assert again.token == saved.token
    assert count(db) == 1
    row = db.get_response(saved.token)
    assert row["status"] == "in_progress"
    assert row["page"] == 2
    assert row["fingerprint"] == q.fingerprint
    assert [row[i.id] for i in first] == [4] * len(first)  # page 1 is still there
    assert [row[i.id] for i in second] == [2] * len(second)


def test_submitting_twice_completes_once_and_keeps_the_first_answers(db):
    first = submit(db, value=4)
    second = submit(db, token=first.token, value=1)

    assert first.outcome == "completed"
    assert second.outcome == "already_complete"
    assert second.token == first.token
    assert count(db, "status = 'complete'") == 1
    assert db.get_response(first.token)["live_post"] == 4


def test_a_closed_session_stores_nothing(db):
    code = db.create_session("Workshop", "K7MQ")
    started = db.save_page(code, None, {"live_post": 4})
    db.set_open(code, False)

    assert submit(db, code).outcome == "closed"
    assert submit(db, code, token=started.token).outcome == "closed"
    assert count(db) == 1
    assert db.get_response(started.token)["status"] == "in_progress"


def test_a_finished_response_still_reads_complete_after_its_session_closes(db):
    code = db.create_session("Workshop", "K7MQ")
    token = submit(db, code).token
    db.set_open(code, False)
    assert submit(db, code, token=token).outcome == "already_complete"


def test_an_unknown_session_stores_nothing(db):
    saved = submit(db, "ZZZZ")
    assert saved.outcome == "unknown_session"
    assert count(db) == 0


def test_answers_to_questions_that_do_not_exist_are_refused(db):
    with pytest.raises(StoreError, match="Unknown answer fields: ip_address"):
        db.save_page(DEFAULT_SESSION, None, {"live_post": 3, "ip_address": 1})
    assert count(db) == 0


def test_no_column_could_hold_who_the_participant_is(db):
    columns = set(db.rows(limit=0)[0])
    words = {w for c in columns for w in c.split("_")}
    assert not columns & {"ip", "ip_address", "user_agent", "name", "email"}
    assert not words & {"ip", "agent", "name", "email", "mail", "phone", "address"}


def test_stored_values_are_plain_numbers_and_text_even_from_numpy(db, q):
    # Pages may hand over numpy numbers (from pandas); sqlite3 would store those as BLOBs,
    # and psycopg has no adapter for them.
    given = {i: np.int64(4) for i in q.item_ids}
    result = score(q, {i: 4 for i in q.item_ids})
    result = type(result)(
        {d: np.float64(s) for d, s in result.dimension_scores.items()},
        np.float64(result.overall),
        result.klass,
    )
    token = db.save_page(DEFAULT_SESSION, None, given, {"role": "Agency"}, page=4, result=result)
    row = db.get_response(token.token)
    names = ["live_post", "conv_doubt", "page", "overall", "score_living", "class", "role"]
    kinds = tuple(type(row[n]) for n in names)
    assert kinds == (int, int, int, float, float, str, str)


def test_resume_tokens_never_start_with_a_character_a_spreadsheet_or_shell_treats_specially():
    tokens = {store.new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(t[0].isalnum() and len(t) == 16 for t in tokens)


# ---------------------------------------------------------------- change tracking


def test_every_write_to_a_session_bumps_its_version(db):
    code = db.create_session("Workshop", "K7MQ")
    seen = [db.session_version(code)]

    token = db.save_page(code, None, {"live_post": 4}).token
    seen.append(db.session_version(code))
    db.save_page(code, token, {"live_chat": 2}, page=1)
    seen.append(db.session_version(code))
    submit(db, code, token=token)
    seen.append(db.session_version(code))
    db.set_revealed(code, True)
    seen.append(db.session_version(code))
    db.insert_many(code, [finished_row("demo1", 70.0)])
    seen.append(db.session_version(code))
    db.set_open(code, False)
    seen.append(db.session_version(code))

    assert seen == sorted(set(seen)), seen  # strictly increasing
    assert db.session_version(DEFAULT_SESSION) == 0  # other sessions are untouched
    assert db.session_version("ZZZZ") is None


def test_rows_since_a_version_returns_only_the_rows_changed_after_it(db):
    a = db.save_page(DEFAULT_SESSION, None, {"live_post": 1}).token
    b = db.save_page(DEFAULT_SESSION, None, {"live_post": 2}).token
    seen = db.session_version(DEFAULT_SESSION)

    db.save_page(DEFAULT_SESSION, a, {"live_chat": 5}, page=1)
    c = submit(db).token

    columns, changed = db.rows(DEFAULT_SESSION, since_version=seen)
    tokens = [r[columns.index("token")] for r in changed]
    assert sorted(tokens) == sorted([a, c])
    assert b not in tokens
    assert len(db.rows(DEFAULT_SESSION)[1]) == 3
    assert db.rows(DEFAULT_SESSION, since_version=db.session_version(DEFAULT_SESSION))[1] == []


def test_rows_can_leave_out_unfinished_responses_and_other_sessions(db):
    code = db.create_session("Workshop", "K7MQ")
    done = submit(db, code).token
    db.save_page(code, None, {"live_post": 2})
    submit(db, DEFAULT_SESSION)

    columns, rows = db.rows(code, include_incomplete=False)
    assert [r[columns.index("token")] for r in rows] == [done]
    assert len(db.rows(code)[1]) == 2
    assert len(db.rows()[1]) == 3


# ---------------------------------------------------------------- several processes


def _open_store_at_once(path: str, barrier, results) -> None:
    try:
        q = questionnaire.load(questionnaire.DEFAULT_PATH)
        barrier.wait(timeout=WORKER_TIMEOUT_S)
        s = Store(q, path)
        saved = s.save_page(DEFAULT_SESSION, None, {"live_post": 3})
        s.close()
        results.put(("ok", saved.outcome))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _submit_many(path: str, n: int, barrier, results) -> None:
    try:
        q = questionnaire.load(questionnaire.DEFAULT_PATH)
        a = {i: 1 + k % 5 for k, i in enumerate(q.item_ids)}
        result = score(q, a)
        barrier.wait(timeout=WORKER_TIMEOUT_S)
        s = Store(q, path)
        outcomes = [
            s.save_page(DEFAULT_SESSION, store.new_token(), a, page=4, result=result).outcome
            for _ in range(n)
        ]
        s.close()
        results.put(("ok", outcomes.count("completed")))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def run_workers(target, n_procs: int, *args) -> list:
    barrier, results = MP.Barrier(n_procs), MP.Queue()
    procs = [MP.Process(target=target, args=(*args, barrier, results)) for _ in range(n_procs)]
    for p in procs:
        p.start()
    try:
        out = [results.get(timeout=WORKER_TIMEOUT_S) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=WORKER_TIMEOUT_S)
            if p.is_alive():
                p.terminate()
    errors = [detail for kind, detail in out if kind == "error"]
    assert not errors, "\n".join(errors)
    assert [p.exitcode for p in procs] == [0] * n_procs
    return [detail for _, detail in out]


def test_six_processes_creating_the_schema_at_once_all_succeed(q, target):
    # The file does not exist yet, or the database is empty: every worker races to make it.
    outcomes = run_workers(_open_store_at_once, 6, target)

    assert outcomes == ["saved"] * 6
    s = Store(q, target)
    try:
        assert s.engine.applied() == [m.name for m in MIGRATIONS]  # each exactly once
        assert s.engine.all("SELECT code FROM sessions") == [(DEFAULT_SESSION,)]
        assert count(s) == 6
    finally:
        s.close()


def test_eight_processes_submitting_200_each_lose_nothing(q, target):
    completed = run_workers(_submit_many, 8, target, 200)

    assert completed == [200] * 8
    s = Store(q, target)
    try:
        assert count(s, "status = 'complete'") == 1600
        assert s.engine.one("SELECT COUNT(DISTINCT token) FROM responses")[0] == 1600
        # One version per write: the change counter saw every submission.
        assert s.session_version(DEFAULT_SESSION) == 1600
        if s.engine.name == "sqlite":
            assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        s.close()


def _submit_until_killed(path: str, acked) -> None:
    """Submit finished responses one after another, telling the parent each token once
    the store has acknowledged it, until the parent kills this process."""
    q = questionnaire.load(questionnaire.DEFAULT_PATH)
    a = {i: 1 + k % 5 for k, i in enumerate(q.item_ids)}
    result = score(q, a)
    s = Store(q, path)
    while True:
        saved = s.save_page(DEFAULT_SESSION, store.new_token(), a, page=4, result=result)
        if saved.outcome == "completed":
            acked.put(saved.token)


def test_a_process_killed_mid_burst_loses_no_acknowledged_answer(q, target):
    acked = MP.Queue()
    procs = [MP.Process(target=_submit_until_killed, args=(target, acked)) for _ in range(3)]
    for p in procs:
        p.start()
    tokens = []
    try:
        while len(tokens) < 150:
            tokens.append(acked.get(timeout=WORKER_TIMEOUT_S))
    finally:
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)  # mid-write, as a crashed server would stop
            p.join(timeout=WORKER_TIMEOUT_S)
    while not acked.empty():  # acknowledged before the kill, read after it
        tokens.append(acked.get(timeout=1))

    s = Store(q, target)
    try:
        stored = {r["token"]: r["status"] for r in map(s.get_response, tokens) if r}
        assert len(stored) == len(tokens) and set(stored.values()) == {"complete"}
        # And the database still takes answers: no lock was left behind by the dead.
        assert submit(s).outcome == "completed"
    finally:
        s.close()


def test_opening_a_brand_new_file_waits_while_another_process_holds_the_write_lock(q, tmp_path):
    # What a second server process meets when the first is still setting the file up.
    path = tmp_path / "fresh.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, other.execute, ["COMMIT"])
    release.start()
    started = time.monotonic()
    try:
        s = Store(q, path)
    finally:
        release.join()
        other.close()
    try:
        assert time.monotonic() - started < sqlite.BUSY_TIMEOUT_S
        assert s.get_session(DEFAULT_SESSION)["is_open"] == 1
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        s.close()


def test_a_title_with_control_characters_is_kept_on_one_clean_line(db):
    code = db.create_session("Hall\x00 B\t10:30\n\x1b[31mred")
    assert db.get_session(code)["title"] == "Hall B 10:30 [31mred"


def test_threads_never_share_a_live_connection_but_reuse_those_of_ended_threads(sqlite_db):
    db = sqlite_db
    # Streamlit runs each rerun in a new thread: opening a connection per rerun was ~0.6 ms.
    both_holding = threading.Barrier(2)
    live: list[sqlite3.Connection] = []  # held, so no id is ever reused

    def hold() -> None:
        live.append(db.db.conn)
        assert db.get_session("SHARE")
        both_holding.wait(timeout=10)

    pair = [threading.Thread(target=hold) for _ in range(2)]
    for t in pair:
        t.start()
    for t in pair:
        t.join()
    assert live[0] is not live[1]

    later: list[sqlite3.Connection] = []
    for _ in range(3):
        t = threading.Thread(target=lambda: later.append(db.db.conn))
        t.start()
        t.join()
    assert all(any(c is held for held in live) for c in later)


def test_bursts_of_threads_do_not_pile_up_open_files(db):
    # Open files are what a long, busy event runs out of: each rerun is a new thread, and a
    # burst of 40 at once must leave no more behind the tenth time than the first.
    me = psutil.Process()

    def burst() -> int:
        together = threading.Barrier(40)

        def rerun() -> None:
            assert db.get_session("SHARE")
            together.wait(timeout=10)  # all 40 hold a connection at once

        threads = [threading.Thread(target=rerun) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return me.num_fds()

    after_first = burst()
    for _ in range(9):
        after = burst()
    # PostgreSQL's pool grows as bursts need it, up to its size, and no further.
    grows = postgres.pool_size() if db.engine.name == "postgresql" else 0
    assert after <= after_first + grows


# ---------------------------------------------------------------- public ids


def test_the_export_shows_a_public_id_and_never_the_private_resume_token(db, q):
    tokens = [submit(db).token for _ in range(3)]
    tokens.append(db.save_page(DEFAULT_SESSION, None, {"live_post": 2}).token)
    data = export.responses_csv(db, None, include_incomplete=True).decode("utf-8-sig")
    for token in tokens:
        assert token not in data
    ids = [line.split(",")[0] for line in data.splitlines()[1:]]
    assert len(set(ids)) == 4 and all(re.fullmatch(r"r[0-9a-f]{16}", i) for i in ids)


def test_no_public_id_in_10000_reads_as_a_number_in_a_spreadsheet():
    # Bare hex ids were all digits, or digits-e-digits, about 1 in 400 times.
    ids = [store.new_public_id() for _ in range(10_000)]
    assert len(set(ids)) == 10_000
    for public in ids:
        with pytest.raises(ValueError):
            float(public)
        assert not public.startswith(export.DANGEROUS_FIRST)


def test_public_ids_of_an_earlier_version_gain_the_letter_and_keep_their_digits(q, tmp_path):
    path = tmp_path / "old.db"
    first = store.Store(q, path)
    tokens = [submit(first).token for _ in range(2)]
    first.close()
    with sqlite3.connect(path) as conn:  # as a database from before ids began with a letter
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_text_public_ids'")
        conn.execute(
            "UPDATE responses SET public_id = ? WHERE token = ?", ["1556389859875737", tokens[0]]
        )
        conn.execute(
            "UPDATE responses SET public_id = ? WHERE token = ?", ["6025778931e21487", tokens[1]]
        )
    sqlite._schema_made.clear()
    again = store.Store(q, path)
    assert again.get_response(tokens[0])["public_id"] == "r1556389859875737"
    assert again.get_response(tokens[1])["public_id"] == "r6025778931e21487"
    again.close()


def test_responses_stored_before_public_ids_existed_get_one_when_the_store_opens(q, tmp_path):
    path = tmp_path / "old.db"
    first = store.Store(q, path)
    token = submit(first).token
    first.close()
    with sqlite3.connect(path) as conn:  # as a database from before the migration was
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_public_ids'")
        conn.execute("DROP INDEX idx_responses_public_id")
        conn.execute("ALTER TABLE responses DROP COLUMN public_id")
    sqlite._schema_made.clear()
    again = store.Store(q, path)
    public = again.get_response(token)["public_id"]
    assert re.fullmatch(r"r[0-9a-f]{16}", public)
    again.close()


# ---------------------------------------------------------------- forged answers


@pytest.mark.parametrize(
    "answers,profile",
    [
        pytest.param({"live_post": 7}, {}, id="above the scale"),
        pytest.param({"live_post": -1}, {}, id="below the scale"),
        pytest.param({"live_post": 0}, {}, id="zero"),
        pytest.param({"live_post": 2.5}, {}, id="a fraction"),
        pytest.param({"live_post": "3"}, {}, id="text"),
        pytest.param({"live_post": True}, {}, id="a boolean"),
        pytest.param({}, {"role": "Astronaut"}, id="an option not listed"),
        pytest.param({}, {"role": 3}, id="a number for an option"),
        pytest.param({}, {"platforms": "TikTok; MySpace"}, id="a multi choice not listed"),
    ],
)
def test_an_answer_outside_the_questionnaire_is_refused_plainly_and_nothing_is_stored(
    db, answers, profile
):
    with pytest.raises(store.StoreError, match="not one of the choices"):
        db.save_page(DEFAULT_SESSION, None, answers, profile)
    assert count(db) == 0


def test_every_point_of_the_scale_and_every_listed_option_is_accepted(db):
    for value in range(1, 6):
        saved = db.save_page(DEFAULT_SESSION, None, {"live_post": value}, {"role": "Agency"})
        assert db.get_response(saved.token)["live_post"] == value
    saved = db.save_page(DEFAULT_SESSION, None, {}, {"platforms": "Instagram; TikTok"})
    assert db.get_response(saved.token)["platforms"] == "Instagram; TikTok"


# ---------------------------------------------------------------- one response per browser


def test_finishing_scores_the_stored_answers_with_the_last_page_on_top(db, q):
    token = store.new_token()
    first, rest = q.pages()[0], [i for page in q.pages()[1:] for i in page]
    db.save_page(DEFAULT_SESSION, token, {i.id: 5 for i in first}, page=1)
    done = db.save_page(DEFAULT_SESSION, token, {i.id: 1 for i in rest}, page=3, finish=True)

    assert done.outcome == "completed"
    expected = score(q, {i.id: 5 for i in first} | {i.id: 1 for i in rest})
    assert db.get_response(token)["overall"] == pytest.approx(expected.overall)


def test_finishing_with_an_item_never_stored_is_refused_and_stores_nothing(db, q):
    token = store.new_token()
    db.save_page(DEFAULT_SESSION, token, {i.id: 3 for i in q.pages()[0]}, page=1)
    saved = db.save_page(DEFAULT_SESSION, token, {}, page=3, finish=True)
    assert saved.outcome == "incomplete"
    assert db.get_response(token)["status"] == "in_progress"


def test_a_stale_tab_saving_its_page_leaves_the_other_pages_answers_alone(db, q):
    token = store.new_token()
    page1, page2 = q.pages()[0], q.pages()[1]
    db.save_page(DEFAULT_SESSION, token, {i.id: 4 for i in page1}, page=1)  # tab A, newer
    db.save_page(DEFAULT_SESSION, token, {i.id: 2 for i in page2}, page=2)  # tab B, its page
    row = db.get_response(token)
    assert [row[i.id] for i in page1] == [4] * len(page1)
    assert [row[i.id] for i in page2] == [2] * len(page2)


def test_racing_first_saves_with_the_token_chosen_on_joining_make_one_response(db, q):
    token, page1 = store.new_token(), q.pages()[0]
    barrier = threading.Barrier(8)

    def click():
        barrier.wait()
        return db.save_page(DEFAULT_SESSION, token, {i.id: 3 for i in page1}, page=1)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(db) == 1


# ---------------------------------------------------------------- the participant's choices


def finished(db, code="SHARE", value=3) -> str:
    answers = dict.fromkeys(db.q.item_ids, value)
    return db.save_page(code, None, answers, page=3, result=score(db.q, answers)).token


def test_a_retake_supersedes_the_earlier_response_so_the_person_counts_once(db):
    first = finished(db)
    second = db.save_page("SHARE", None, {db.q.item_ids[0]: 4}, page=1).token
    version, removed = db.room_key("SHARE")

    assert db.supersede(first, second)

    assert db.get_response(first)["status"] == "superseded"
    assert db.get_response(first)["superseded_by"] == second
    share = next(s for s in db.list_sessions() if s["code"] == "SHARE")
    assert (share["complete"], share["in_progress"]) == (0, 1)
    assert db.room_key("SHARE") == (version + 1, removed + 1)
    assert db.current_response(first)["token"] == second


@pytest.mark.parametrize("case", ["unfinished", "same", "other session", "unknown"])
def test_only_a_finished_response_of_the_same_session_can_be_superseded(db, case):
    other = db.create_session("Elsewhere")
    first = finished(db) if case != "unfinished" else db.save_page("SHARE", None, {}).token
    new = {
        "unfinished": lambda: finished(db),
        "same": lambda: first,
        "other session": lambda: finished(db, other),
        "unknown": lambda: "no-such-token",
    }[case]()
    assert not db.supersede(first, new)
    assert db.get_response(first)["status"] != "superseded"


def test_deleting_a_response_removes_it_and_the_ones_it_replaced(db):
    first = finished(db)
    second = finished(db, value=4)
    db.supersede(first, second)
    keep = finished(db, value=2)
    removed = db.room_key("SHARE")[1]

    assert db.delete_response(second) == 2

    assert db.get_response(first) is None and db.get_response(second) is None
    assert [r[0] for r in db.rows("SHARE", columns=["token"])[1]] == [keep]
    assert db.room_key("SHARE")[1] == removed + 1
    assert db.delete_response(second) == 0  # a second click deletes nothing more


# ---------------------------------------------------------------- the schema and the ids


def test_every_engine_has_exactly_the_response_columns_questionnaire_ids_may_not_take(db, q):
    with db._write() as conn:
        have = db.engine.columns(conn, "responses")
    from_questionnaire = {*q.item_ids, *(f"score_{d}" for d in q.dimension_ids)}
    from_questionnaire |= {p.id for p in q.profile} | {o.id for o in q.open}
    # SQLite's rowid is built in, not listed; PostgreSQL's is a column of its own.
    assert (have | {"rowid"}) - from_questionnaire == set(schema.RESPONSE_COLUMNS)
