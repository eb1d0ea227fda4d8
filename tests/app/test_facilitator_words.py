"""Moderating the room's words from the console: the queue, approve or hide one, the
ticked ones or all, "approve automatically", and the blocklist's count; every decision is
stored, so what the console shows is what the database holds."""

import pytest

from survey import demo, words
from survey.ui import console as console_glue

from .test_facilitator import button, console

ANSWERS = ["Constant learning", "constant learning", "Discoveries", "my odd phrase", "shit"]


@pytest.fixture
def db(any_db):
    return any_db


@pytest.fixture
def room(db, q) -> str:
    code = db.create_session("Words", "WQRDS")
    rows = demo.responses(q, len(ANSWERS), seed=3)
    db.insert_many(
        code, [{**r, "is_demo": 0, "why": why} for r, why in zip(rows, ANSWERS, strict=True)]
    )
    return code


def queue_texts(at) -> list[str]:
    """The phrases as the console lists them: the queue, then what the stage shows and
    what is hidden."""
    return [t.value for t in at.text]


def test_the_queue_lists_new_phrases_with_their_counts_and_the_blocked_ones_only_counted(
    facilitator, room
):
    at = console(facilitator, room)
    assert queue_texts(at) == [
        "constant learning  (on the stage: 2 people)",
        "discovery",
        "my odd phrase",
        "constant learning",  # the room gave it twice: on the stage, with Hide
    ]
    assert any("hidden by the blocklist: 1" in c.value for c in at.caption)
    assert not any("shit" in t for t in queue_texts(at))


def test_approving_and_hiding_one_phrase_is_stored_for_the_stage(facilitator, db, room):
    at = console(facilitator, room)
    approve = at.button(key=f"Approve-{room}-why-{console_glue.phrase_tag('discovery')}")
    approve.click().run()
    hide = at.button(key=f"Hide-{room}-why-{console_glue.phrase_tag('my odd phrase')}")
    hide.click().run()
    assert db.moderation(room, "why") == {
        "discovery": words.APPROVED,
        "my odd phrase": words.HIDDEN,
    }
    assert queue_texts(at)[0] == "constant learning  (on the stage: 2 people)"
    assert "discovery" in queue_texts(at)  # now under "shown on the stage", with Hide


def test_ticked_phrases_are_approved_together_and_all_at_once_works_too(facilitator, db, room):
    at = console(facilitator, room)
    for phrase in ("discovery", "my odd phrase"):
        at.checkbox(key=console_glue.pick_key(room, "why", phrase)).check()
    button(at, "Approve ticked").click().run()
    assert db.moderation(room, "why") == {
        "discovery": words.APPROVED,
        "my odd phrase": words.APPROVED,
    }
    button(at, "Approve all 1").click().run()
    assert db.moderation(room, "why")["constant learning"] == words.APPROVED
    assert any(c.value == "No new answers waiting." for c in at.caption)


def test_approve_automatically_is_stored_and_can_be_stopped(facilitator, db, room):
    at = console(facilitator, room)
    button(at, "Approve automatically").click().run()
    assert db.get_session(room)["auto_approve"] == 1
    assert any("Approving automatically" in c.value for c in at.caption)
    button(at, "Stop approving automatically").click().run()
    assert db.get_session(room)["auto_approve"] == 0
    # what the room saw meanwhile stays on the stage; the blocked word never was
    assert db.moderation(room, "why") == {
        "constant learning": words.APPROVED,
        "discovery": words.APPROVED,
        "my odd phrase": words.APPROVED,
    }
