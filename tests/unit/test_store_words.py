"""Open answers and their moderation in the store, on both engines: answers are kept as
plain text (hostile text tidied or refused), every decision is a row every worker reads,
and a drawing of the words knows when it is out of date."""

import pytest

from survey import words
from survey.errors import StoreError
from survey.store import DEFAULT_SESSION, Store
from survey.words import APPROVED, HIDDEN


def finish(db: Store, why, code: str = DEFAULT_SESSION) -> str:
    """A finished response whose last page answered the open question with `why`."""
    answers = {i: 4 for i in db.q.item_ids}
    saved = db.save_page(code, None, answers, {"why": why}, page=db.q.page_count - 1, finish=True)
    assert saved.outcome == "completed"
    return saved.token


def test_finished_answers_are_read_back_as_given_and_unfinished_ones_wait(any_db):
    finish(any_db, "Constant learning")
    finish(any_db, None)
    any_db.save_page(DEFAULT_SESSION, None, {}, {"why": "not yet"}, page=3)
    assert any_db.open_answers(DEFAULT_SESSION, "why") == ["Constant learning"]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("rtl\u202eoverride", "rtloverride"),
        ("emoji 🎉", "emoji 🎉"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("'; DROP TABLE responses; --", "'; DROP TABLE responses; --"),
        ("ctrl\x00\x1b[31m", "ctrl[31m"),
    ],
)
def test_hostile_text_is_stored_as_inert_plain_text(any_db, typed, stored):
    finish(any_db, typed)
    assert any_db.open_answers(DEFAULT_SESSION, "why") == [stored]


@pytest.mark.parametrize("typed", ["x" * 10_000, "x" * 61, ["a list"]])
def test_an_answer_too_long_or_not_text_is_refused_plainly_and_nothing_stored(any_db, typed):
    with pytest.raises(StoreError) as exc:
        any_db.save_page(DEFAULT_SESSION, None, {}, {"why": typed}, page=3)
    assert "\n" not in str(exc.value) and (
        "keep it to 60" in str(exc.value) or "text" in str(exc.value)
    )
    assert any_db.rows(DEFAULT_SESSION)[1] == []


def test_decisions_are_stored_for_every_reader_and_the_last_one_counts(any_db, q, target):
    any_db.moderate(DEFAULT_SESSION, "why", ["learning", "odd thing"], APPROVED)
    any_db.moderate(DEFAULT_SESSION, "why", ["odd thing"], HIDDEN)
    other_worker = Store(q, target)  # another process sees the same decisions
    try:
        assert other_worker.moderation(DEFAULT_SESSION, "why") == {
            "learning": APPROVED,
            "odd thing": HIDDEN,
        }
    finally:
        other_worker.close()


def test_a_decision_that_is_not_approve_or_hide_is_refused(any_db):
    with pytest.raises(StoreError):
        any_db.moderate(DEFAULT_SESSION, "why", ["learning"], "queue")


def test_the_words_key_changes_with_answers_decisions_and_approve_automatically(any_db):
    seen = {any_db.words_key(DEFAULT_SESSION)}
    finish(any_db, "learning")
    seen.add(any_db.words_key(DEFAULT_SESSION))
    any_db.moderate(DEFAULT_SESSION, "why", ["learning"], APPROVED)
    seen.add(any_db.words_key(DEFAULT_SESSION))
    any_db.set_auto_approve(DEFAULT_SESSION, True)
    seen.add(any_db.words_key(DEFAULT_SESSION))
    assert len(seen) == 4
    assert any_db.get_session(DEFAULT_SESSION)["auto_approve"] == 1


def test_the_room_s_words_from_the_store_show_only_what_may_be_shown(any_db):
    for why in ["Learning", "learning", "Connections", "shit", "odd"]:
        finish(any_db, why)
    any_db.moderate(DEFAULT_SESSION, "why", ["connection"], APPROVED)
    any_db.moderate(DEFAULT_SESSION, "why", ["shit"], APPROVED)  # the blocklist still wins
    tallied = words.tally(
        any_db.open_answers(DEFAULT_SESSION, "why"),
        any_db.moderation(DEFAULT_SESSION, "why"),
        words.Blocklist.load(words.DEFAULT_BLOCKLIST),
    )
    assert words.on_stage(tallied) == {"learning": 2, "connection": 1}


def test_deleting_a_session_deletes_its_decisions(any_db):
    code = any_db.create_session("Workshop")
    any_db.moderate(code, "why", ["learning"], APPROVED)
    any_db.delete_session(code)
    assert any_db.moderation(code, "why") == {}


def test_moderating_an_unknown_session_says_so(any_db):
    with pytest.raises(StoreError, match="no session"):
        any_db.moderate("NOPE", "why", ["learning"], APPROVED)
