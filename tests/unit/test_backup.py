"""`survey.backup`: a consistent, private copy of a database in use, and a restore that
only ever adds what the database lacks. The load test with participants answering is
tests/e2e/test_backup.py."""

import os
import sqlite3
from pathlib import Path

import pytest

from survey import backup, demo, words
from survey.store import Store

ANSWERS = {"live_post": 5, "learn_new": 4, "adv_recommend": 3}


def rows(path: Path, sql: str = "SELECT token, live_post, status FROM responses") -> set:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return set(conn.execute(sql).fetchall())
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


@pytest.fixture
def room(sqlite_db, q):
    """A database in use: a session of 30 finished demo responses and one participant
    half-way, with the store's connections still open (as a running server holds them)."""
    code = sqlite_db.create_session("Hall B", "HALLB")
    sqlite_db.insert_many(code, demo.responses(q, 30, seed=4))
    sqlite_db.save_page(code, "tok-half", ANSWERS)
    return sqlite_db


# ---------------------------------------------------------------- backup


def test_a_backup_of_a_database_in_use_holds_every_committed_answer(room, isolated_db, tmp_path):
    copy = tmp_path / "backups" / "hallb.db"
    copy.parent.mkdir()

    done = backup.backup(str(isolated_db), copy)

    assert (done.sessions, done.responses) == (2, 31)  # HALLB and the default session
    assert integrity(copy) == ["ok"]
    assert rows(copy) == rows(isolated_db)
    assert ("tok-half", 5, "in_progress") in rows(copy)


def test_a_backup_is_one_private_file_whatever_the_umask(room, isolated_db, tmp_path):
    copy = tmp_path / "hallb.db"
    old = os.umask(0)
    try:
        backup.backup(str(isolated_db), copy)
    finally:
        os.umask(old)
    assert copy.stat().st_mode & 0o777 == 0o600
    assert rows(copy, "PRAGMA journal_mode") == {("delete",)}  # no -wal needed beside it
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("hallb")) == ["hallb.db"]


def test_a_later_backup_replaces_the_earlier_one_with_the_newer_answers(
    room, isolated_db, tmp_path
):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    room.save_page("HALLB", "tok-late", ANSWERS)

    backup.backup(str(isolated_db), copy)

    assert ("tok-late", 5, "in_progress") in rows(copy)


@pytest.mark.parametrize(
    "dest",
    ["the-database", "its-wal", "a-folder", "no-such-folder"],
)
def test_a_backup_that_would_overwrite_the_database_or_cannot_be_written_is_refused(
    room, isolated_db, tmp_path, dest
):
    before = rows(isolated_db)
    path = {
        "the-database": isolated_db,
        "its-wal": Path(f"{isolated_db}-wal"),
        "a-folder": tmp_path,
        "no-such-folder": tmp_path / "nowhere" / "b.db",
    }[dest]
    with pytest.raises(backup.BackupError):
        backup.backup(str(isolated_db), path)
    assert rows(isolated_db) == before
    assert integrity(isolated_db) == ["ok"]
    assert not list(tmp_path.glob(".*.tmp*"))


def test_a_backup_may_be_named_after_the_database(room, isolated_db):
    copy = isolated_db.with_name(isolated_db.name + "-1030")
    backup.backup(str(isolated_db), copy)
    assert integrity(copy) == ["ok"] and rows(copy) == rows(isolated_db)


def test_a_failed_backup_leaves_the_earlier_backup_as_it_was(room, isolated_db, tmp_path):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    earlier = copy.read_bytes()
    broken = tmp_path / "broken.db"
    broken.write_bytes(os.urandom(8192))

    with pytest.raises(backup.BackupError, match="not a SQLite database"):
        backup.backup(str(broken), copy)

    assert copy.read_bytes() == earlier
    assert not list(tmp_path.glob(".*.tmp*"))


def test_there_is_no_backup_of_a_database_that_does_not_exist(tmp_path):
    with pytest.raises(backup.BackupError, match="there is no database"):
        backup.backup(str(tmp_path / "missing.db"), tmp_path / "b.db")
    assert not (tmp_path / "missing.db").exists()  # and none was made by trying


def test_a_sqlite_file_of_something_else_is_not_backed_up_as_a_survey(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (t TEXT)").connection.close()
    with pytest.raises(backup.BackupError, match="not a survey database"):
        backup.backup(str(other), tmp_path / "b.db")


def test_a_postgresql_database_is_backed_up_with_pg_dump_and_its_password_never_shown():
    with pytest.raises(backup.BackupError) as caught:
        backup.backup("postgresql://survey:s3cret@db.example:5432/survey", "b.db")
    line = str(caught.value)
    assert "pg_dump" in line and '--dbname="$SURVEY_DB"' in line
    assert "s3cret" not in line and "survey:***@db.example" in line


# ---------------------------------------------------------------- restore


def test_restoring_brings_back_a_deleted_session_with_its_answers_and_stage(
    room, isolated_db, tmp_path
):
    stage_token = room.stage("HALLB")["token"]
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    room.delete_session("HALLB")

    done = backup.restore(room, copy)

    assert (done.sessions, done.responses, done.kept) == (1, 31, 0)
    assert room.get_session("HALLB")["title"] == "Hall B"
    assert room.stage("HALLB")["token"] == stage_token  # the projector's link works again
    assert rows(isolated_db) == rows(copy)
    assert room.get_response("tok-half")["live_post"] == 5


def test_restoring_never_changes_an_answer_given_since_the_backup(room, isolated_db, tmp_path):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    room.save_page("HALLB", "tok-half", {"live_post": 1})  # changed since
    room.save_page("HALLB", "tok-late", ANSWERS)  # begun since

    done = backup.restore(room, copy)

    assert (done.sessions, done.responses, done.kept) == (0, 0, 31)
    assert room.get_response("tok-half")["live_post"] == 1
    assert room.get_response("tok-late")["live_post"] == 5


def test_restoring_into_an_empty_database_adds_everything_and_twice_adds_nothing(
    room, isolated_db, tmp_path, q
):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    fresh = Store(q, tmp_path / "new" / "survey.db")
    try:
        first = backup.restore(fresh, copy)
        second = backup.restore(fresh, copy)
        assert (first.sessions, first.responses) == (1, 31)
        assert (second.sessions, second.responses, second.kept) == (0, 0, 31)
        assert rows(tmp_path / "new" / "survey.db") == rows(copy)
    finally:
        fresh.close()


def test_a_restored_row_is_news_to_every_cached_room(room, isolated_db, tmp_path):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    room.delete_response("tok-half")
    before = room.room_key("HALLB")

    backup.restore(room, copy)

    version, removed = room.room_key("HALLB")
    assert version > before[0] and removed > before[1]  # a cached room reads it again
    assert room.get_response("tok-half")["version"] == version


def test_restoring_keeps_the_answers_of_a_questionnaire_version_the_database_never_saw(
    room, isolated_db, tmp_path, q
):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    conn = sqlite3.connect(copy)
    conn.execute('ALTER TABLE responses ADD COLUMN "old_item" INTEGER')
    conn.execute("UPDATE responses SET old_item = 4 WHERE token = 'tok-half'")
    conn.commit()
    conn.close()
    fresh = Store(q, tmp_path / "new.db")
    try:
        backup.restore(fresh, copy)
        assert fresh.get_response("tok-half")["old_item"] == 4
    finally:
        fresh.close()


def test_a_damaged_backup_is_refused_and_nothing_is_restored(room, isolated_db, tmp_path):
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    room.delete_session("HALLB")
    data = bytearray(copy.read_bytes())
    data[4096 * 2 : 4096 * 2 + 512] = os.urandom(512)  # a page of the tables, not the header
    copy.write_bytes(bytes(data))

    with pytest.raises(backup.BackupError, match="damaged|malformed"):
        backup.restore(room, copy)

    assert room.get_session("HALLB") is None


def test_the_database_itself_is_not_a_backup_to_restore(room, isolated_db):
    with pytest.raises(backup.BackupError, match="the database itself"):
        backup.restore(room, isolated_db)


def test_restoring_brings_back_the_facilitators_decisions_on_the_rooms_words(
    room, isolated_db, tmp_path, q
):
    said = ["learning", "new friends", "news", "learning, news", "rude word", "memes"]
    talk = room.create_session("Keynote", "TALKS")
    auto = room.create_session("Hall C", "HALLC")  # "approve automatically" is on there
    for code, answers in ((talk, said), (auto, ["inspiration", "family"])):
        people = demo.responses(q, len(answers), seed=5)
        for person, why in zip(people, answers, strict=True):
            person["why"] = why
        room.insert_many(code, people)
    room.moderate(talk, "why", ["new friend"], words.APPROVED)
    room.moderate(talk, "why", ["rude word"], words.HIDDEN)
    room.set_auto_approve(auto, True)
    blocklist = words.Blocklist([])

    def looks(store, code):
        phrases = words.room(store, code, "why", blocklist)
        queue = [p.text for p in phrases if not p.shown and p.state == words.QUEUE]
        return words.on_stage(phrases), queue, phrases

    before = looks(room, talk), looks(room, auto)
    copy = tmp_path / "hallb.db"
    backup.backup(str(isolated_db), copy)
    fresh = Store(q, tmp_path / "new" / "survey.db")
    try:
        backup.restore(fresh, copy)
        backup.restore(fresh, copy)  # a second time adds no decision twice

        assert (looks(fresh, talk), looks(fresh, auto)) == before
        (stage, queue, _), (auto_stage, _, _) = before
        assert stage == {"learning": 2, "news": 2, "new friend": 1} and queue == ["meme"]
        assert auto_stage == {"family": 1, "inspiration": 1}
        assert fresh.moderation(talk, "why") == room.moderation(talk, "why")
    finally:
        fresh.close()
