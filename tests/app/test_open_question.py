"""The open question on the participant's last page: a visible limit, what was typed kept
over Back and a reload, stored tidied, refused plainly when forged too long, and "what the
room said" on the result once approved."""

from survey import words
from survey.store import DEFAULT_SESSION
from tests.app.test_participant import (
    believer_answers,
    complete_item_pages,
    next_button,
    only_response,
    page_number,
    see_my_result,
)


def last_page(open_app, q):
    return complete_item_pages(open_app(s="share"), q, believer_answers(q))


def why_field(at):
    return at.text_input(key="pr_why")


def test_the_last_page_asks_the_open_question_with_its_limit(open_app, q):
    at = last_page(open_app, q)
    field = why_field(at)
    assert field.label == "In a few words: what do you get out of social media?"
    assert field.max_chars == 60  # the browser counts 0/60 as one types
    assert any("word cloud" in c.value for c in at.caption)


def test_going_back_and_reloading_keep_what_was_typed(open_app, q, db):
    at = last_page(open_app, q)
    why_field(at).input("Constant learning")
    last = q.page_count - 1
    next_button(at, last, "Back").click().run()
    assert page_number(at) == f"Page {last} of {q.page_count}"
    next_button(at, last - 1).click().run()
    assert why_field(at).value == "Constant learning"
    # A reload of the link resumes on the last page with the answer stored by Back.
    token = only_response(db)["token"]
    again = open_app(s=DEFAULT_SESSION, p=token)
    assert why_field(again).value == "Constant learning"


def test_the_answer_is_stored_tidied_with_the_result(open_app, q, db):
    at = last_page(open_app, q)
    why_field(at).input("  new\u202e  friends ")
    see_my_result(at, q).click().run()
    assert not at.exception
    row = only_response(db)
    assert row["status"] == "complete" and row["why"] == "new friends"


def test_the_result_shows_what_the_room_said_once_approved_and_never_the_rest(open_app, q, db):
    at = last_page(open_app, q)
    why_field(at).input("Constant learning")
    see_my_result(at, q).click().run()
    said = [m.value for m in at.markdown if "learning" in m.value]
    assert said == []  # one person's words wait for the facilitator
    db.moderate(DEFAULT_SESSION, "why", ["constant learning"], words.APPROVED)
    at.run()
    assert [m.value for m in at.markdown if "learning" in m.value] == ["**constant learning**"]
    assert any(s.value == "What the room said" for s in at.subheader)
