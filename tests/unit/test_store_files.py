"""The database file itself: who may read it, a file deleted or replaced while the server
runs, and the file's or the disk's failures reported as one plain `Unavailable`."""

import os
import sqlite3
import stat
import threading

import pytest

from survey import store
from survey.scoring import score
from survey.store import DEFAULT_SESSION, Store, Unavailable


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def submit(s: Store, code: str = DEFAULT_SESSION, value: int = 3):
    answers = {i: value for i in s.q.item_ids}
    return s.save_page(code, None, answers, page=s.q.page_count - 1, result=score(s.q, answers))


def tokens_in_file(path) -> set[str]:
    """What a restarted server would find: read with a fresh connection of its own."""
    with sqlite3.connect(path) as conn:
        return {t for (t,) in conn.execute("SELECT token FROM responses")}


# ---------------------------------------------------------------- file modes


@pytest.fixture
def db(sqlite_db):
    """These tests are about SQLite's file: deleted, replaced, damaged, on a full disk."""
    return sqlite_db


def test_the_database_and_its_wal_and_shm_files_are_readable_only_by_the_app_user(q, tmp_path):
    path = tmp_path / "data" / "survey.db"
    s = Store(q, path)
    submit(s)
    try:
        for name in ("survey.db", "survey.db-wal", "survey.db-shm"):
            assert mode(path.parent / name) == 0o600, name
        assert mode(path.parent) == 0o700  # the app made the folder
    finally:
        s.close()


def test_an_existing_data_folder_keeps_its_mode(q, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    s = Store(q, folder / "survey.db")
    s.close()
    assert mode(folder) == 0o755
    assert mode(folder / "survey.db") == 0o600


# ---------------------------------------------------------------- deleted or replaced


def delete_database(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        os.unlink(f"{path}{suffix}")


def test_an_answer_saved_after_the_file_was_deleted_is_in_the_new_file(db, isolated_db):
    before = submit(db).token
    delete_database(isolated_db)

    after = submit(db)

    assert after.outcome == "completed"
    assert tokens_in_file(isolated_db) == {after.token}  # the deleted file's answers are gone
    assert before not in tokens_in_file(isolated_db)
    assert db.get_session(DEFAULT_SESSION)["is_open"] == 1  # the schema was made again


def test_a_session_lost_with_a_deleted_file_answers_unknown_session(db, isolated_db):
    code = db.create_session("Hall B", "HALLB")
    delete_database(isolated_db)
    assert submit(db, code).outcome == "unknown_session"
    assert tokens_in_file(isolated_db) == set()


def test_an_answer_saved_after_only_the_main_file_was_deleted_is_in_the_new_file(db, isolated_db):
    submit(db)
    os.unlink(isolated_db)  # the -wal and -shm of the deleted file stay behind
    after = submit(db).token
    assert tokens_in_file(isolated_db) == {after}
    with sqlite3.connect(isolated_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_answer_saved_after_the_file_was_replaced_by_a_backup_is_in_the_backup(
    db, isolated_db, tmp_path
):
    kept = submit(db).token
    backup = tmp_path / "backup.db"
    copy = sqlite3.connect(backup)
    db.db.conn.backup(copy)
    copy.close()
    submit(db)  # only in the file about to be replaced
    # Restoring: the old file's -wal and -shm go with it (SQLite would apply a stale -wal).
    for suffix in ("-wal", "-shm"):
        os.unlink(f"{isolated_db}{suffix}")
    os.replace(backup, isolated_db)

    after = submit(db).token

    assert tokens_in_file(isolated_db) == {kept, after}


def test_a_thread_holding_a_connection_to_the_deleted_file_writes_to_the_new_one(db, isolated_db):
    holding, deleted = threading.Event(), threading.Event()
    saved = []

    def rerun() -> None:
        assert db.get_session(DEFAULT_SESSION)  # leases a connection to the old file
        holding.set()
        deleted.wait(timeout=10)
        saved.append(submit(db).token)

    t = threading.Thread(target=rerun)
    t.start()
    holding.wait(timeout=10)
    delete_database(isolated_db)
    first = submit(db).token
    deleted.set()
    t.join(timeout=10)

    assert tokens_in_file(isolated_db) == {first, *saved}


def test_reads_after_the_file_was_deleted_see_the_new_file(db, isolated_db):
    code = db.create_session("Hall B", "HALLB")
    delete_database(isolated_db)
    submit(db)  # notices, and reopens
    got = []
    t = threading.Thread(target=lambda: got.append(db.get_session(code)))
    t.start()
    t.join()
    assert got == [None]


# ---------------------------------------------------------------- Unavailable


def test_a_text_file_is_not_a_database(q, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, eggs\n" * 100)
    with pytest.raises(Unavailable, match=r"not a SQLite database \(.*notes\.db\)"):
        Store(q, path)
    assert path.read_text().startswith("shopping list")  # left alone


def test_random_bytes_are_not_a_database(q, tmp_path):
    path = tmp_path / "noise.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(Unavailable, match="answers can't be saved right now"):
        Store(q, path)


def test_a_damaged_database_is_unavailable(q, tmp_path):
    path = tmp_path / "damaged.db"
    s = Store(q, path)
    rows = [{"token": f"t{n}", "status": "in_progress", "started_at": "x"} for n in range(500)]
    s.insert_many(DEFAULT_SESSION, rows)
    s.close()
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # keep the first page (the header), scribble over the rest
        fh.seek(4096)
        fh.write(os.urandom(size - 4096))
    with pytest.raises(Unavailable, match="damaged|not a SQLite database"):
        Store(q, path).rows()


@pytest.mark.parametrize("where", ["folder", "under-a-file", "dev-null"])
def test_a_path_that_cannot_hold_a_database_is_unavailable(q, tmp_path, where):
    path = {
        "folder": tmp_path,
        "under-a-file": tmp_path / "plain.txt" / "survey.db",
        "dev-null": "/dev/null",
    }[where]
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(Unavailable, match="answers can't be saved right now: "):
        Store(q, path)
    assert not os.path.exists("/dev/null-wal")  # nothing was "stored" next to /dev/null


def test_a_read_only_database_is_unavailable_for_writing(q, read_only_db):
    with pytest.raises(Unavailable, match="read-only|cannot be opened"):
        s = Store(q, read_only_db)
        s.create_session("Another hall")


def test_a_full_disk_is_unavailable_keeps_earlier_answers_and_leaves_no_big_wal(q, small_disk):
    path = small_disk.path / "survey.db"
    first = Store(q, path)
    kept = submit(first).token
    first.close()
    s = Store(q, path)  # like `python -m survey demo` on the morning of the event
    many = [
        {"token": f"demo{n:05}", "status": "complete", "started_at": "2026-12-02T10:00:00Z"}
        | {i: 3 for i in q.item_ids}
        for n in range(20_000)
    ]
    with small_disk.limits(), pytest.raises(Unavailable, match="disk"):
        s.insert_many(DEFAULT_SESSION, many)
    wal = os.path.getsize(f"{path}-wal") if os.path.exists(f"{path}-wal") else 0
    after = submit(s)  # one answer still fits once the failed insert is rolled back
    s.close()
    assert wal < 64 * 1024
    assert after.outcome == "completed"
    assert tokens_in_file(path) == {kept, after.token}


def test_the_plain_message_for_participants_names_no_path():
    assert Unavailable.PLAIN == "Answers can't be saved right now."
    assert "/" not in Unavailable.PLAIN


def test_a_bug_is_not_mistaken_for_an_unavailable_database(db):
    row = {"token": "same", "status": "complete", "started_at": "2026-12-02T10:00:00Z"}
    with pytest.raises(sqlite3.IntegrityError):
        db.insert_many(DEFAULT_SESSION, [row, row])
    assert issubclass(store.Unavailable, store.StoreError)  # callers that catch StoreError


# The reads a page makes without writing: each once forgot to report a failure as
# `Unavailable` (a participant saw a traceback); the engine now does it for every call.
READS = {
    "room_key": lambda s: s.room_key(DEFAULT_SESSION),
    "room_epoch": lambda s: s.room_epoch(DEFAULT_SESSION),
    "stage": lambda s: s.stage(DEFAULT_SESSION),
    "stage_for_link": lambda s: s.stage_for_link(DEFAULT_SESSION, "a-token"),
    "settle_countdown": lambda s: s.settle_countdown(DEFAULT_SESSION, "2030-01-01T00:00:00Z"),
    "rows": lambda s: s.rows(),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_every_read_after_the_file_is_replaced_by_a_non_database_is_unavailable(q, tmp_path, read):
    path = tmp_path / "survey.db"
    s = Store(q, path)
    try:
        s.stage(DEFAULT_SESSION)
        notes = tmp_path / "notes.txt"
        notes.write_text("shopping list: milk, eggs\n" * 100)
        os.replace(notes, path)  # someone copies the wrong file over the database
        for journal in ("-wal", "-shm"):  # and its journal away (it would still serve reads)
            path.with_name(path.name + journal).unlink(missing_ok=True)
        got = []

        def rerun() -> None:  # Streamlit runs every rerun in a new thread
            try:
                read(s)
            except Exception as exc:
                got.append(exc)

        t = threading.Thread(target=rerun)
        t.start()
        t.join()
        assert len(got) == 1 and isinstance(got[0], Unavailable), got
        assert "not a SQLite database" in str(got[0])
    finally:
        s.close()
