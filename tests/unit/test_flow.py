"""The participant's flow as plain values: join, resume, page forward and back, finish."""

from dataclasses import replace

import pytest

from survey import flow, link, questionnaire, rows, store
from survey.flow import Place, Write
from survey.link import JOIN, RESTORE_LINK, RESUME
from survey.rows import profile_from_row, profile_to_row
from survey.scoring import score
from survey.store import COMPLETE, DEFAULT_SESSION, IN_PROGRESS, Saved

SESSIONS = {
    "K7MQ": {"code": "K7MQ", "title": "Workshop", "is_open": 1},
    "LATE": {"code": "LATE", "title": "Late talk", "is_open": 0},
}


def on_page(page: int, **kw) -> Place:
    """A participant on `page` of the workshop; stored=True once a page was saved."""
    return Place(code="K7MQ", title="Workshop", page=page, **{"token": "tok", **kw})


def page_answers(q, page: int, value: int = 3) -> dict[str, int]:
    return {it.id: value for it in q.pages()[page]}


# ---------------------------------------------------------------- joining


@pytest.mark.parametrize("typed", ["k7mq", "K7MQ", "  k7 mq  ", "\nK7mq\t"])
def test_joining_with_the_code_as_typed_enters_the_first_page_of_the_session(typed):
    assert flow.join(typed, SESSIONS.get, "new") == Place(
        code="K7MQ", title="Workshop", token="new"
    )


@pytest.mark.parametrize(
    "typed,says",
    [
        ("zzzz", "There is no session with the code ZZZZ. Check the code on the screen."),
        ("late", "The session LATE is closed and no longer takes answers."),
        ("", "Enter the session code"),
        ("  ", "Enter the session code"),
        ("K7", "4 to 6 characters"),
        ("K7MQ-PLEASE", "4 to 6 characters"),
        ("K0MQ", "never use 0, O, 1 or I"),
        ("<b>!", "only letters and digits"),
        ("'; DROP", "only letters and digits"),
    ],
)
def test_joining_what_is_not_an_open_session_says_why_in_plain_words(typed, says):
    place = flow.join(typed, SESSIONS.get, "new")
    assert not place.joined
    said = place.notice.format(**place.notice_values)  # as the page says it
    assert says in said
    assert said.endswith(".")


def test_joining_through_the_store_finds_the_open_share_session(db):
    assert flow.join("share", db.get_session, store.new_token()).code == DEFAULT_SESSION


# ---------------------------------------------------------------- the URL


@pytest.mark.parametrize(
    "place,url_code,url_token,action",
    [
        (Place(), None, None, None),
        (Place(), "K7MQ", None, JOIN),
        (Place(), "k7mq ", None, JOIN),
        (on_page(0), "K7MQ", None, None),
        (on_page(0), "k7mq", None, None),
        (on_page(0), "HALL", None, JOIN),
        (Place(), "K7MQ", "tok", RESUME),
        (on_page(0), "K7MQ", "tok", RESUME),  # its token, chosen on joining, is not stored yet
        (on_page(1, stored=True), "K7MQ", "tok", None),
        (on_page(1, stored=True), "K7MQ", "other", RESUME),
        (on_page(1, stored=True), None, None, RESTORE_LINK),
        (on_page(1, stored=True), "K7MQ", None, RESTORE_LINK),
    ],
)
def test_the_url_decides_whether_to_resume_join_or_restore_the_link(
    place, url_code, url_token, action
):
    assert link.action(place, url_code, url_token) == action


@pytest.mark.parametrize(
    "place,query",
    [
        (Place(), {}),
        (on_page(0), {"s": "K7MQ"}),
        (on_page(2, stored=True), {"s": "K7MQ", "p": "tok"}),
    ],
)
def test_the_link_carries_the_code_and_the_token_once_something_is_stored(place, query):
    assert flow.link(place) == query


# ---------------------------------------------------------------- the language


@pytest.mark.parametrize(
    "place,query",
    [
        (Place(language="fr"), {}),
        (on_page(0, language="fr"), {"s": "K7MQ", "l": "fr"}),
        (on_page(2, stored=True, language="de"), {"s": "K7MQ", "p": "tok", "l": "de"}),
        (Place(asked="ZZZZ", language="es"), {"s": "ZZZZ", "l": "es"}),
    ],
)
def test_the_link_carries_the_language_the_participant_reads(place, query):
    assert flow.link(place) == query


def test_a_link_opened_again_speaks_its_language_and_agrees_with_the_place():
    here = on_page(2, stored=True, language="fr")
    url = flow.link(here)
    assert link.spoken(("en", "fr", "de"), url["l"]) == "fr"
    assert link.action(here, url["s"], url["p"], url["l"]) is None, "nothing to do"
    assert link.action(here, url["s"], url["p"], None) == RESTORE_LINK, "a link without it"
    assert link.action(here, url["s"], url["p"], "de") == RESTORE_LINK, "one for another"


@pytest.mark.parametrize(
    "wanted,spoken",
    [
        (("de",), "de"),
        (("xx",), "en"),  # a language the questionnaire lacks: its main one, no error
        (("", None), "en"),
        (("<script>", "es"), "es"),  # the link's is unknown, the browser's is offered
        ((None, "fr"), "fr"),
    ],
)
def test_an_unknown_language_falls_back_to_the_next_wish_then_the_main_language(wanted, spoken):
    assert link.spoken(("en", "fr", "de", "es"), *wanted) == spoken


def test_a_page_sent_is_stored_with_the_language_it_was_read_in(q):
    given = page_answers(q, 0, 4)
    _place, write = flow.submit(q, on_page(0, language="de"), 0, 1, given)
    assert write.language == "de"


def test_the_language_changed_on_a_page_keeps_its_choices_and_stores_nothing(q):
    here = on_page(1, stored=True, answers=page_answers(q, 0, 2))
    given = {**page_answers(q, 1, 5), q.pages()[1][0].id: None}
    kept, on_page_now = flow.unsent(q, here, 1, given)
    assert dict(kept.answers) == {**page_answers(q, 0, 2), **on_page_now}
    assert q.pages()[1][0].id not in kept.answers and len(on_page_now) == len(q.pages()[1]) - 1
    assert kept.page == 1 and kept.stored_answers == here.stored_answers


# ---------------------------------------------------------------- answering


def test_next_with_every_answer_given_stores_the_page_and_moves_on(q):
    given = page_answers(q, 0, 4)
    place, write = flow.submit(q, on_page(0), 0, 1, given)
    assert write == Write("K7MQ", "tok", given, {}, 1)
    assert place.page == 0, "the page moves only once the store has it"
    moved = flow.saved(place, write, Saved("saved", "tok"))
    assert (moved.page, moved.stored, moved.complete, moved.missing) == (1, True, False, ())
    assert flow.link(moved) == {"s": "K7MQ", "p": "tok"}


def test_every_save_of_a_browser_session_uses_the_token_chosen_on_joining(q):
    joined = flow.join("K7MQ", SESSIONS.get, "chosen")
    first, write1 = flow.submit(q, joined, 0, 1, page_answers(q, 0))
    # A racing second click from the same form, before the first save was seen:
    second, write2 = flow.submit(q, joined, 0, 1, page_answers(q, 0))
    assert write1.token == write2.token == "chosen"


def test_a_page_writes_only_its_own_answers_so_a_stale_tab_cannot_undo_another(q):
    earlier = page_answers(q, 0, 1)  # what this (stale) tab still holds for page 1
    place = on_page(1, stored=True, answers=earlier)
    _, write = flow.submit(q, place, 1, 1, page_answers(q, 1, 4))
    assert write.answers == page_answers(q, 1, 4)
    assert not set(write.answers) & set(earlier)


def save(db, place: Place, page: int, direction: int, given: dict) -> Place:
    """One press of Next (1) or Back (-1) in one tab, through the real store."""
    place, write = flow.submit(db.q, place, page, direction, given)
    return flow.saved(place, write, db.save_page(**vars(write)))


def test_a_stale_tab_that_goes_back_and_presses_next_overwrites_nothing_stored_since(q, db):
    old, new = page_answers(q, 0, 2), page_answers(q, 0, 5)
    stale = save(db, flow.join(DEFAULT_SESSION, db.get_session, "tok"), 0, 1, old)
    # The same link opened in a second tab, which goes back and changes page 1.
    row = db.get_response("tok")
    fresh = flow.resume(q, "tok", row, db.get_session(DEFAULT_SESSION), "unused")
    fresh = save(db, fresh, 1, -1, {})
    fresh = save(db, fresh, 0, 1, new)
    assert rows.answers_from_row(q, db.get_response("tok")) == new

    # The first tab, still on page 2, goes back: its form still shows the old answers.
    stale = save(db, stale, 1, -1, {})
    assert stale.page == 0 and stale.answers == old
    stale = save(db, stale, 0, 1, old)

    assert stale.page == 1  # it moves on as usual
    assert rows.answers_from_row(q, db.get_response("tok")) == new


def test_a_stale_tab_going_back_from_the_profile_page_overwrites_no_newer_profile(q, db):
    answers = {i: 3 for i in q.item_ids}
    profile_page = len(q.pages())
    place = flow.join(DEFAULT_SESSION, db.get_session, "tok")
    for n, page in enumerate(q.pages()):
        place = save(db, place, n, 1, {i.id: answers[i.id] for i in page})
    assert place.page == profile_page
    role = next(p for p in q.profile if p.kind == "single")
    old, new = role.options[0], role.options[1]
    stale = save(db, place, profile_page, -1, {role.id: old})  # stored, then went back
    # A second tab with the same link changes the profile answer.
    fresh = flow.resume(q, "tok", db.get_response("tok"), db.get_session(DEFAULT_SESSION), "x")
    fresh = save(db, fresh, profile_page - 1, 1, {})
    fresh = save(db, fresh, profile_page, -1, {role.id: new})
    assert db.get_response("tok")[role.id] == new

    # The first tab comes forward and back again, its form still showing the old choice.
    stale = save(db, stale, profile_page - 1, 1, {})
    stale = save(db, stale, profile_page, -1, {role.id: old})
    assert db.get_response("tok")[role.id] == new


def test_a_stale_tab_writes_the_answers_it_changed_and_only_those(q):
    first = q.pages()[0][0].id
    place = on_page(0, stored=True, answers=page_answers(q, 0), stored_answers=page_answers(q, 0))
    _, write = flow.submit(q, place, 0, 1, page_answers(q, 0) | {first: 5})
    assert write.answers == {first: 5}


@pytest.mark.parametrize(
    "outcome",
    [
        pytest.param(None, id="the database could not be written"),
        pytest.param(Saved("closed", "tok"), id="the session closed"),
        pytest.param(Saved("incomplete", "tok"), id="the store lost earlier pages"),
    ],
)
def test_answers_the_store_did_not_take_are_written_in_full_next_time(q, outcome):
    given = page_answers(q, 0, 4)
    place, write = flow.submit(q, on_page(0, stored=True), 0, 1, given)
    if outcome is None:
        place = flow.not_saved(place, "Answers can't be saved right now.")
    else:
        place = flow.saved(place, write, outcome)
    _, again = flow.submit(q, place, 0, 1, given)
    assert again.answers == given


def test_after_the_store_loses_earlier_pages_going_back_over_them_writes_them_again(q):
    earlier = page_answers(q, 0, 4)
    place = on_page(1, stored=True, answers=earlier, stored_answers=earlier)
    place, write = flow.submit(q, place, 1, 1, page_answers(q, 1))
    place = flow.saved(place, write, Saved("incomplete", "tok"))
    _, again = flow.submit(q, replace(place, page=0), 0, 1, earlier)
    assert again.answers == earlier


@pytest.mark.parametrize("forged", [7, -1, 0, 2.5, "3", True, [1], {"x": 1}])
def test_a_forged_widget_value_counts_as_no_answer_and_is_never_written(q, forged):
    first = q.pages()[0][0].id
    place, write = flow.submit(q, on_page(0), 0, 1, page_answers(q, 0) | {first: forged})
    assert first in place.missing
    assert first not in write.answers


@pytest.mark.parametrize("forged", [7, ["Agency"], {"a": 1}, "Astronaut"])
def test_a_forged_profile_choice_is_dropped(q, forged):
    last = q.page_count - 1
    place = on_page(last, stored=True, answers={i: 3 for i in q.item_ids})
    _, write = flow.submit(q, place, last, 1, {"role": forged, "platforms": forged})
    assert write.profile == {"role": None, "years": None, "platforms": None, "why": None}


def test_next_with_a_missing_answer_stays_names_it_and_keeps_the_given_ones(q):
    items = q.pages()[0]
    given = {it.id: None for it in items} | {items[0].id: 4, items[2].id: 2}
    place, write = flow.submit(q, on_page(0), 0, 1, given)
    assert set(place.missing) == {it.id for it in items} - {items[0].id, items[2].id}
    assert place.answers == {items[0].id: 4, items[2].id: 2}
    assert write.page == 0, "partial answers are kept, but the participant stays on the page"
    assert flow.saved(place, write, Saved("saved", "tok")).page == 0


def test_next_with_nothing_answered_stores_nothing(q):
    place, write = flow.submit(q, on_page(0), 0, 1, {})
    assert write is None
    assert place.page == 0
    assert len(place.missing) == len(q.pages()[0])


def test_back_keeps_this_pages_answers_without_asking_for_the_missing_ones(q):
    start = on_page(1, stored=True, answers=page_answers(q, 0))
    one = q.pages()[1][0].id
    place, write = flow.submit(q, start, 1, -1, {one: 5})
    assert place.missing == ()
    assert write.page == 0 and write.answers[one] == 5
    assert flow.saved(place, write, Saved("saved", "tok")).page == 0


@pytest.mark.parametrize(
    "place",
    [
        pytest.param(on_page(2, stored=True), id="the form has already moved on"),
        pytest.param(on_page(1, stored=True, complete=True), id="already finished"),
        pytest.param(Place(page=1), id="never joined"),
    ],
)
def test_a_click_from_a_stale_form_changes_nothing(q, place):
    assert flow.submit(q, place, 1, 1, page_answers(q, 1)) == (place, None)


def test_the_last_page_asks_the_store_to_score_what_it_holds_and_finishes(q):
    answers = {i: 5 for i in q.item_ids}
    last = q.page_count - 1
    start = on_page(last, stored=True, answers=answers)
    place, write = flow.submit(q, start, last, 1, {"role": "Agency", "platforms": ["TikTok"]})
    assert write.finish
    assert write.profile["role"] == "Agency" and write.profile["platforms"] == "TikTok"
    assert write.page == last
    assert flow.saved(place, write, Saved("completed", "tok")).complete


@pytest.mark.parametrize(
    "outcome,notice,complete",
    [
        ("closed", flow.CLOSED, False),
        ("unknown_session", flow.GONE, False),
        ("already_complete", "", True),
        ("incomplete", flow.INCOMPLETE, False),
    ],
)
def test_what_the_store_says_decides_whether_the_participant_moves_on(q, outcome, notice, complete):
    place, write = flow.submit(q, on_page(0), 0, 1, page_answers(q, 0))
    after = flow.saved(place, write, Saved(outcome, "tok"))
    assert (after.notice, after.complete) == (notice, complete)
    if notice:
        assert after.page == 0, "nothing stored, so the participant stays where they were"


def test_taking_it_again_starts_the_same_session_with_nothing_answered(q):
    done = on_page(3, stored=True, answers={i: 2 for i in q.item_ids}, complete=True)
    assert flow.retake(done, "next") == Place(
        code="K7MQ", title="Workshop", token="next", replaces="tok"
    )


# ---------------------------------------------------------------- resuming


def row_for(q, status=IN_PROGRESS, page=1, fingerprint=None, **answers):
    return {
        "session_code": "K7MQ",
        "status": status,
        "page": page,
        "fingerprint": fingerprint or q.fingerprint,
        **{p.id: None for p in q.profile},
        **answers,
    }


def test_resuming_a_link_returns_to_the_page_reached_with_the_answers(q):
    row = row_for(q, page=2, live_post=4)
    place = flow.resume(q, "tok", row, SESSIONS["K7MQ"], "fresh")
    assert (place.code, place.token, place.page, place.complete) == ("K7MQ", "tok", 2, False)
    assert place.answers == {"live_post": 4}


def test_resuming_a_finished_link_shows_the_result_again(q):
    place = flow.resume(q, "tok", row_for(q, status=COMPLETE), SESSIONS["K7MQ"], "fresh")
    assert place.complete


def test_resuming_an_unknown_link_offers_a_fresh_start(q):
    assert flow.resume(q, "nope", None, None, "fresh") == Place(notice=flow.NOT_FOUND)


def test_an_unfinished_link_from_an_older_questionnaire_starts_again_in_its_session(q):
    place = flow.resume(q, "tok", row_for(q, fingerprint="old"), SESSIONS["K7MQ"], "fresh")
    assert (place.code, place.token, place.notice) == ("K7MQ", "fresh", flow.CHANGED)
    assert not place.stored


def test_a_page_number_beyond_the_questionnaire_resumes_on_its_last_page(q):
    place = flow.resume(q, "tok", row_for(q, page=99), SESSIONS["K7MQ"], "fresh")
    assert place.page == q.page_count - 1


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


# ---------------------------------------------------------------- through the store


def finish(db, code: str, token, answers, profile) -> Saved:
    """Every page through the flow and the store, as the glue does it."""
    q, saved = db.q, None
    place = replace(on_page(0, token=token or store.new_token()), code=code)
    for k, items in enumerate([*q.pages(), None]):
        given = profile if items is None else {i.id: answers[i.id] for i in items}
        place, write = flow.submit(q, place, k, 1, given)
        if write is None:  # finished already: the flow stores nothing more
            break
        saved = db.save_page(**vars(write))
        place = flow.saved(place, write, saved)
        if place.notice:
            break
    return saved


# ---------------------------------------------------------------- the open question


def test_the_open_answer_is_kept_going_back_and_written_tidied_on_the_last_page(q):
    last = q.page_count - 1
    place = on_page(last, stored=True, answers={i: 3 for i in q.item_ids})
    typed = "  Constant\u202e learning\n and friends "
    back, write = flow.submit(q, place, last, -1, {"why": typed})
    assert write.page == last - 1 and back.profile["why"] == typed  # shown again as typed
    assert write.profile["why"] == "Constant learning and friends"  # no override, one space


@pytest.mark.parametrize("given", [None, "", "   ", 7, ["a"]])
def test_an_open_answer_left_empty_or_forged_is_written_as_none(q, given):
    last = q.page_count - 1
    place = on_page(last, stored=True, answers={i: 3 for i in q.item_ids})
    _, write = flow.submit(q, place, last, 1, {"why": given})
    assert write.profile["why"] is None


def test_an_open_answer_comes_back_on_resume_and_is_not_written_again_unchanged(q, db):
    last = q.page_count - 1
    saved = db.save_page(DEFAULT_SESSION, None, {}, {"why": "Learning"}, page=last)
    row = db.get_response(saved.token)
    place = flow.resume(q, saved.token, row, db.get_session(DEFAULT_SESSION), "fresh")
    assert place.page == last and place.profile["why"] == "Learning"
    _, write = flow.submit(q, place, last, -1, {"why": "Learning"})
    assert "why" not in write.profile


def test_answers_saved_on_earlier_pages_come_back_on_resume(q, db):
    first_page = page_answers(q, 0, 5)
    saved = db.save_page(DEFAULT_SESSION, None, first_page, page=1)
    row = db.get_response(saved.token)
    place = flow.resume(q, saved.token, row, db.get_session(DEFAULT_SESSION), "fresh")
    assert place.answers == first_page and place.page == 1 and not place.complete


def test_finishing_twice_stores_one_result_and_keeps_the_first_answers(q, db):
    answers = {i: 4 for i in q.item_ids}
    first = finish(db, DEFAULT_SESSION, None, answers, {"role": "Freelance"})
    again = finish(db, DEFAULT_SESSION, first.token, {i: 1 for i in q.item_ids}, {})

    assert (first.outcome, again.outcome) == ("completed", "already_complete")
    assert again.token == first.token
    _, stored = db.rows(DEFAULT_SESSION)
    assert len(stored) == 1
    row = db.get_response(first.token)
    assert row["status"] == COMPLETE
    assert row["role"] == "Freelance"
    assert rows.result_from_row(q, row) == score(q, answers)


def test_finishing_in_a_closed_session_does_not_store_a_result(q, db):
    workshop = db.create_session("Workshop", "K7MQ")
    token = db.save_page(workshop, None, {"live_post": 3}).token
    db.set_open(workshop, False)
    saved = finish(db, workshop, token, {i: 3 for i in q.item_ids}, {})
    assert saved.outcome == "closed"
    assert db.get_response(token)["status"] == IN_PROGRESS


# ---------------------------------------------------------------- taking it again


def test_taking_it_again_remembers_the_response_it_will_replace(q):
    done = on_page(3, stored=True, complete=True)
    again = flow.retake(done, "new")
    assert (again.replaces, again.token, again.stored) == ("tok", "new", False)


@pytest.mark.parametrize(
    "outcome,superseded",
    [
        pytest.param(Saved("saved", "new"), "tok", id="first page stored"),
        pytest.param(Saved("incomplete", "new"), None, id="nothing stored"),
        pytest.param(Saved("closed", ""), None, id="session closed"),
        pytest.param(Saved("unknown_session", ""), None, id="session gone"),
    ],
)
def test_a_retake_replaces_the_earlier_response_once_its_first_page_is_stored(
    q, outcome, superseded
):
    again = flow.retake(on_page(3, stored=True, complete=True), "new")
    place, write = flow.submit(q, again, 0, 1, page_answers(q, 0))
    assert flow.to_supersede(place, outcome) == superseded
    after = flow.saved(place, write, outcome)
    assert after.replaces == (None if superseded else "tok")


def test_a_link_to_a_replaced_response_leads_to_the_latest_one_and_says_so(q):
    row = {**row_for(q, status=COMPLETE), "token": "new"}
    place = flow.resume(q, "old", row, SESSIONS["K7MQ"], "fresh")
    assert (place.token, place.complete, place.notice) == ("new", True, flow.RETAKEN)


def test_a_link_whose_replacement_is_gone_offers_a_fresh_start(q):
    row = {**row_for(q, status="superseded"), "token": "old"}
    assert flow.resume(q, "old", row, SESSIONS["K7MQ"], "fresh") == Place(notice=flow.NOT_FOUND)


# ---------------------------------------------------------------- delete my answers


@pytest.mark.parametrize(
    "place,token",
    [
        pytest.param(on_page(0), None, id="nothing stored yet"),
        pytest.param(on_page(1, stored=True), "tok", id="answering"),
        pytest.param(on_page(3, stored=True, complete=True), "tok", id="finished"),
        pytest.param(on_page(0, token="new", replaces="tok"), "tok", id="retake not stored yet"),
    ],
)
def test_delete_my_answers_removes_what_is_stored_and_only_that(place, token):
    assert flow.deletable(place) == token
    assert flow.ask_delete(place).confirming_delete == (token is not None)


def test_deleting_asks_first_and_can_be_called_off():
    asked = flow.ask_delete(on_page(2, stored=True))
    assert asked.confirming_delete
    assert flow.keep_answers(asked) == on_page(2, stored=True)


def test_after_deleting_the_participant_starts_afresh_in_the_same_session():
    done = on_page(2, stored=True, answers={"live_post": 4}, confirming_delete=True)
    gone = flow.deleted(done, "new")
    assert gone == Place(code="K7MQ", title="Workshop", token="new", notice=flow.DELETED)


def test_a_page_submitted_while_deleting_is_asked_forgets_the_question(q):
    asking = replace(on_page(0, stored=True), confirming_delete=True)
    place, _ = flow.submit(q, asking, 0, 1, page_answers(q, 0))
    assert not place.confirming_delete


# ---------------------------------------------------------------- the questionnaire edited


@pytest.fixture
def q2(tmp_path) -> questionnaire.Questionnaire:
    """The questionnaire after an edit: an item renamed, one reworded, a dimension added."""
    from tests import versions

    path = tmp_path / "questionnaire.toml"
    path.write_text(versions.edited(versions.ORIGINAL.read_text("utf-8")), "utf-8")
    return questionnaire.load(path)


def test_joining_fixes_the_questionnaire_version_the_participant_answers():
    place = flow.join("K7MQ", SESSIONS.get, "new", "v2fingerprint")
    assert place.fingerprint == "v2fingerprint"


def test_an_unfinished_link_goes_on_in_the_version_it_began_after_the_file_changed(q, q2):
    row = row_for(q, page=1, live_post=4, live_chat=2)  # answered under q

    place = flow.resume(q, "tok", row, SESSIONS["K7MQ"], "fresh", current=q2.fingerprint)

    assert (place.token, place.fingerprint, place.page, place.notice) == (
        "tok",
        q.fingerprint,
        1,
        "",
    )
    assert place.answers == {"live_post": 4, "live_chat": 2}  # under the ids they were asked


def test_an_unfinished_link_whose_version_is_lost_starts_again_on_the_version_in_force(q, q2):
    place = flow.resume(None, "tok", row_for(q), SESSIONS["K7MQ"], "fresh", current=q2.fingerprint)
    assert (place.token, place.fingerprint, place.notice) == ("fresh", q2.fingerprint, flow.CHANGED)
    assert not place.stored


def test_a_finished_link_shows_its_result_even_when_its_version_is_lost(q):
    row = row_for(q, status=COMPLETE, fingerprint="lostversion", token="tok")
    place = flow.resume(None, "tok", row, SESSIONS["K7MQ"], "fresh", current=q.fingerprint)
    assert (place.complete, place.stored, place.token, place.notice) == (True, True, "tok", "")
    assert place.fingerprint == "lostversion"


@pytest.mark.parametrize("start", ["retake", "deleted"])
def test_a_fresh_start_after_a_result_answers_the_version_in_force(q, start):
    done = on_page(3, stored=True, complete=True, fingerprint="v1")
    fresh = flow.retake(done, "new", "v2") if start == "retake" else flow.deleted(done, "new", "v2")
    assert (fresh.token, fresh.fingerprint, fresh.stored) == ("new", "v2", False)


def test_a_page_the_store_refuses_for_another_version_keeps_the_participant_where_they_were(q):
    place, write = flow.submit(q, on_page(1, stored=True), 1, 1, page_answers(q, 1))
    after = flow.saved(place, write, Saved("other_version", "tok"))
    assert (after.page, after.notice, after.complete) == (1, flow.OTHER_VERSION, False)


def test_a_result_drawn_with_another_version_leaves_out_the_dimensions_it_has_no_score_for(q, q2):
    answers = {i: 4 for i in q.item_ids}
    mine = score(q, answers)
    row = {f"score_{d}": s for d, s in mine.dimension_scores.items()}
    row |= {"overall": mine.overall, "class": mine.klass, f"score_{q2.dimension_ids[-1]}": None}

    shown = rows.result_from_row(q2, row)  # the file has a new dimension the row never had

    assert list(shown.dimension_scores) == q.dimension_ids
    assert shown.overall == pytest.approx(mine.overall)


# ---------------------------------------------------------------- no wrong rooms


@pytest.mark.parametrize("typed", ["late", "zzzz", "K0MQ", "<b>!"])
def test_a_code_that_cannot_be_joined_stays_in_the_link_and_no_other_room_is_offered(typed):
    place = flow.join(typed, SESSIONS.get, "new")
    assert not place.joined and place.asked
    assert flow.link(place) == {"s": place.asked}, "a reload asks for the same session again"
    assert not flow.offers_open_session(place)


def test_only_someone_who_asked_for_no_session_is_offered_the_open_one():
    assert flow.offers_open_session(flow.START)
    assert flow.offers_open_session(flow.join("", SESSIONS.get, "new")), "an empty form"
    assert not flow.offers_open_session(flow.join("k7mq", SESSIONS.get, "new")), "joined"
