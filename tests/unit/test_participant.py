"""The participant's journey: join a session by code, answer, resume, finish once."""

import pytest

from survey import participant, questionnaire
from survey.participant import finish, join, profile_from_row, profile_to_row
from survey.scoring import Result, score
from survey.store import DEFAULT_SESSION


@pytest.fixture
def workshop(db) -> str:
    return db.create_session("Workshop", "K7MQ")


# ---------------------------------------------------------------- joining


@pytest.mark.parametrize("typed", ["k7mq", "K7MQ", "  k7 mq  ", "\nK7mq\t"])
def test_joining_with_the_code_as_typed_finds_the_session(db, workshop, typed):
    joined = join(db, typed)
    assert joined.session["code"] == "K7MQ"
    assert joined.session["title"] == "Workshop"
    assert joined.message == ""


def test_joining_the_open_share_session_works_from_a_link(db):
    assert join(db, "share").session["code"] == DEFAULT_SESSION


def test_joining_an_unknown_code_says_there_is_no_such_session(db):
    joined = join(db, "zzzz")
    assert joined.session is None
    assert joined.message == "There is no session with the code ZZZZ. Check the code on the screen."


def test_joining_a_closed_session_says_it_is_closed(db, workshop):
    db.set_open(workshop, False)
    joined = join(db, "k7mq")
    assert joined.session is None
    assert joined.message == "The session K7MQ is closed and no longer takes answers."


@pytest.mark.parametrize(
    "typed,words",
    [
        ("", "Enter the session code"),
        ("  ", "Enter the session code"),
        ("K7", "4 to 6 characters"),
        ("K7MQ-PLEASE", "4 to 6 characters"),
        ("K0MQ", "never use 0, O, 1 or I"),
        ("<b>!", "only letters and digits"),
        ("'; DROP", "only letters and digits"),
    ],
)
def test_joining_with_garbage_explains_in_plain_words(db, typed, words):
    joined = join(db, typed)
    assert joined.session is None
    assert words in joined.message
    assert joined.message.endswith(".")


# ---------------------------------------------------------------- profile answers


def test_profile_answers_keep_only_known_choices(q):
    row = profile_to_row(q, {"role": "Astronaut", "years": "2 to 5", "platforms": ["MySpace"]})
    assert row == {"role": None, "years": "2 to 5", "platforms": None}


def test_multi_select_answers_are_joined_with_semicolons_in_option_order(q):
    row = profile_to_row(q, {"platforms": ["TikTok", "MySpace", "Facebook", "LinkedIn"]})
    assert row["platforms"] == "Facebook; LinkedIn; TikTok"


def test_skipped_profile_questions_are_stored_as_empty(q):
    assert profile_to_row(q, {}) == {"role": None, "years": None, "platforms": None}
    assert profile_to_row(q, {"platforms": []})["platforms"] is None


def test_profile_answers_read_back_as_they_were_given(q, db):
    given = {"role": "Agency", "years": "More than 10", "platforms": ["Instagram", "Reddit"]}
    saved = db.save_page(DEFAULT_SESSION, None, {}, profile_to_row(q, given), page=4)
    assert profile_from_row(q, db.get_response(saved.token)) == given


def test_unanswered_profile_questions_read_back_empty(q, db):
    saved = db.save_page(DEFAULT_SESSION, None, {"live_post": 2})
    assert profile_from_row(q, db.get_response(saved.token)) == {
        "role": None,
        "years": None,
        "platforms": [],
    }


def test_a_choice_containing_the_separator_is_refused_or_survives_storage():
    data = {
        "title": "Mini",
        "scale": {"labels": ["1", "2", "3", "4", "5"]},
        "dimensions": [{"id": "a", "name": "A", "description": "A.", "tips": ["t"]}],
        "items": [{"id": "a1", "dimension": "a", "text": "a1"}],
        "profile": [
            {"id": "media", "text": "Media", "kind": "multi", "options": ["Blogs; forums", "TV"]}
        ],
    }
    try:
        mini = questionnaire.parse(data)
    except questionnaire.QuestionnaireError as exc:
        assert "options" in str(exc)
        return
    given = {"media": ["Blogs; forums"]}
    assert profile_from_row(mini, profile_to_row(mini, given)) == given


# ---------------------------------------------------------------- resuming and finishing


def test_answers_saved_on_earlier_pages_come_back_on_resume(q, db):
    first_page = {i.id: 5 for i in q.pages()[0]}
    saved = db.save_page(DEFAULT_SESSION, None, first_page, page=1)
    row = db.get_response(saved.token)
    assert participant.answers_from_row(q, row) == first_page
    assert [i.id for i in participant.missing(q.items, first_page)] == [
        i.id for page in q.pages()[1:] for i in page
    ]
    assert not participant.is_complete(row)


def test_finishing_twice_stores_one_result_and_keeps_the_first_answers(q, db):
    answers = {i: 4 for i in q.item_ids}
    first = finish(db, DEFAULT_SESSION, None, answers, {"role": "Freelance"}, page=4)
    again = finish(db, DEFAULT_SESSION, first.token, {i: 1 for i in q.item_ids}, {}, page=4)

    assert (first.outcome, again.outcome) == ("completed", "already_complete")
    assert again.token == first.token
    columns, rows = db.rows(DEFAULT_SESSION)
    assert len(rows) == 1
    row = db.get_response(first.token)
    assert participant.is_complete(row)
    assert row["role"] == "Freelance"
    expected = score(q, answers)
    assert participant.result_from_row(q, row) == expected


def test_finishing_in_a_closed_session_does_not_store_a_result(q, db, workshop):
    token = db.save_page(workshop, None, {"live_post": 3}).token
    db.set_open(workshop, False)
    saved = finish(db, workshop, token, {i: 3 for i in q.item_ids}, {}, page=4)
    assert saved.outcome == "closed"
    assert not participant.is_complete(db.get_response(token))


# ---------------------------------------------------------------- the result's profile


def test_the_profile_shows_every_dimension_in_order_with_the_rounded_score(q):
    result = Result({d: 10.0 * i + 0.4 for i, d in enumerate(q.dimension_ids)}, 50.0, "spectator")
    bars = participant.profile_bars(q, result)
    assert [b.name for b in bars] == [d.name for d in q.dimensions]
    assert [b.you for b in bars] == [10 * i for i in range(len(q.dimensions))]
    assert bars[1].label == f"**{q.dimensions[1].name}**: you 10"
    assert not any("room" in b.label for b in bars)  # no room yet: nothing to compare with


def test_the_profile_says_how_far_above_or_below_the_room_each_dimension_is(q):
    a, b, c = q.dimension_ids[:3]
    scores = {d: 50.0 for d in q.dimension_ids} | {a: 80.0, b: 30.0}
    room = {d: 50.0 for d in q.dimension_ids} | {a: 62.4}
    bars = participant.profile_bars(q, Result(scores, 50.0, "spectator"), room)
    assert bars[0].label.endswith("you 80 · room 62 (18 above the room)")
    assert bars[1].label.endswith("you 30 · room 50 (20 below the room)")
    assert bars[2].label.endswith("you 50 · room 50 (level with the room)")
