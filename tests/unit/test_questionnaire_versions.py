"""The questionnaire file edited during an event: each version that responses answer is
kept in the database, a participant finishes on the version they began, and the
fingerprint stored is the version answered. Real SQLite files, no mocks."""

import sqlite3

import pytest

from survey import questionnaire
from survey.scoring import score
from survey.store import COMPLETE, DEFAULT_SESSION, IN_PROGRESS, Store
from tests import versions


@pytest.fixture
def q2(tmp_path) -> questionnaire.Questionnaire:
    """The questionnaire after the edit: an item renamed, one reworded, a dimension added."""
    path = tmp_path / "questionnaire.toml"
    path.write_text(versions.edited(versions.ORIGINAL.read_text("utf-8")), "utf-8")
    return questionnaire.load(path)


@pytest.fixture
def edited_store(q2, target) -> Store:
    """The server after the edit: the same database, opened with the new version."""
    s = Store(q2, target)
    yield s
    s.close()


def finish_pages(s: Store, token: str | None, answers: dict[str, int], code=DEFAULT_SESSION):
    """Page by page through `s`'s questionnaire, as the participant's pages write."""
    q, saved = s.q, None
    for k, page in enumerate(q.pages()):
        last = k == q.page_count - 1
        page_answers = {i.id: answers[i.id] for i in page}
        saved = s.save_page(code, token, page_answers, page=k + 1, finish=last)
        token = saved.token
    if q.profile:
        saved = s.save_page(code, token, {}, {}, page=q.page_count - 1, finish=True)
    return saved


def test_a_version_used_here_is_read_back_whole_by_a_server_on_the_next_version(
    q, db, edited_store
):
    db.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1)  # q in use

    kept = edited_store.questionnaire(q.fingerprint)

    assert kept is not None and kept is not q
    assert kept.fingerprint == q.fingerprint
    assert kept.item_ids == q.item_ids and kept.dimension_ids == q.dimension_ids
    assert [i.text for i in kept.items] == [i.text for i in q.items]
    assert edited_store.questionnaire(edited_store.q.fingerprint) is edited_store.q


def test_a_version_never_used_with_this_database_is_not_known(edited_store):
    assert edited_store.questionnaire("0123456789ab") is None


def test_a_participant_who_began_before_the_edit_finishes_on_their_version(q, db, edited_store):
    answers = {i: 4 for i in q.item_ids}
    first = db.save_page(DEFAULT_SESSION, None, {i.id: 4 for i in q.pages()[0]}, page=1)

    theirs = edited_store.using(edited_store.questionnaire(q.fingerprint))
    for k in range(1, len(q.pages())):  # the rest of their pages, after the edit
        theirs.save_page(DEFAULT_SESSION, first.token, {i.id: 4 for i in q.pages()[k]}, page=k + 1)
    done = theirs.save_page(DEFAULT_SESSION, first.token, {}, {}, page=3, finish=True)

    assert done.outcome == "completed"
    row = edited_store.get_response(first.token)
    assert row["status"] == COMPLETE
    assert row["fingerprint"] == q.fingerprint  # the version answered, not the one in force
    assert row["overall"] == pytest.approx(score(q, answers).overall)
    assert row[versions.RENAMED[0]] == 4  # their answer under the item id they were asked
    assert row[f"score_{versions.NEW_DIMENSION}"] is None  # a dimension they never saw


def test_a_new_participant_after_the_edit_answers_the_new_version(q2, edited_store):
    done = finish_pages(edited_store, None, {i: 2 for i in q2.item_ids})

    row = edited_store.get_response(done.token)
    assert (done.outcome, row["fingerprint"]) == ("completed", q2.fingerprint)
    assert row[versions.NEW_ITEM] == 2 and row[f"score_{versions.NEW_DIMENSION}"] is not None


def test_answers_begun_on_one_version_are_never_continued_under_another(q, db, edited_store):
    first = db.save_page(DEFAULT_SESSION, None, {i.id: 4 for i in q.pages()[0]}, page=1)
    page = {i.id: 5 for i in edited_store.q.pages()[1]}

    refused = edited_store.save_page(DEFAULT_SESSION, first.token, page, page=2)

    assert refused.outcome == "other_version"
    row = edited_store.get_response(first.token)
    assert (row["page"], row["fingerprint"]) == (1, q.fingerprint)
    assert row[versions.RENAMED[1]] is None


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)  # a file deleted under it
def test_the_version_is_kept_again_in_a_database_file_made_anew(q, db, edited_store, isolated_db):
    for suffix in ("", "-wal", "-shm"):
        (isolated_db.parent / (isolated_db.name + suffix)).unlink(missing_ok=True)

    theirs = edited_store.using(q)  # a participant still on the earlier version
    saved = theirs.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1)

    with sqlite3.connect(isolated_db) as conn:
        kept = {fp for (fp,) in conn.execute("SELECT fingerprint FROM questionnaires")}
        stored = conn.execute(
            "SELECT fingerprint FROM responses WHERE token = ?", [saved.token]
        ).fetchone()
    assert q.fingerprint in kept and stored == (q.fingerprint,)


def test_a_session_counts_who_is_still_finishing_and_who_finished_an_earlier_version(
    q, db, edited_store
):
    for _ in range(3):
        db.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1)
    finish_pages(db, None, {i: 3 for i in q.item_ids})
    finish_pages(edited_store, None, {i: 3 for i in edited_store.q.item_ids})
    edited_store.save_page(DEFAULT_SESSION, None, {edited_store.q.item_ids[0]: 3}, page=1)

    mix = edited_store.version_mix(DEFAULT_SESSION)

    assert (mix.finishing_earlier, mix.complete_earlier, mix.changed) == (3, 1, True)
    assert mix.current_since and mix.current_since.endswith("Z")
    unchanged = db.version_mix(DEFAULT_SESSION)
    assert (unchanged.finishing_earlier, unchanged.complete_earlier) == (1, 1)


def test_a_session_on_one_version_only_reports_no_change(q, db):
    db.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}, page=1)
    assert not db.version_mix(DEFAULT_SESSION).changed


def test_demo_rows_of_an_earlier_version_are_not_counted_as_people_finishing(q, db, edited_store):
    db.insert_many(
        DEFAULT_SESSION,
        [
            {
                "token": "demo1",
                "status": IN_PROGRESS,
                "fingerprint": q.fingerprint,
                "is_demo": 1,
                "started_at": "2026-01-01T00:00:00.000Z",
            }
        ],
    )
    assert not edited_store.version_mix(DEFAULT_SESSION).changed


# ---------------------------------------------------------------- holding the comparison


def test_room_comparisons_are_not_held_unless_the_facilitator_asks(db):
    code = db.create_session("Hall B", "HALLB")
    assert db.stage_settings(code) is None  # reading it makes nothing
    assert db.stage(code)["hold_comparison"] == 0

    db.set_stage(code, hold_comparison=1)

    assert db.stage_settings(code)["hold_comparison"] == 1
    db.set_stage(code, hold_comparison=0)
    assert db.stage_settings(code)["hold_comparison"] == 0
