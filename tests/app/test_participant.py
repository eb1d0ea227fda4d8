"""The participant's journey through the real pages: join, answer page by page, resume, result."""

import itertools
import random
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from survey import aggregate, demo, result, retention, scoring, sharecard
from survey.store import COMPLETE, IN_PROGRESS
from survey.ui import participant, resources, result_page
from tests.app.conftest import headline, profile_bars, result_sections

# ---------------------------------------------------------------- helpers


def next_button(at: AppTest, k: int, label: str = "Next"):
    return at.button(key=f"FormSubmitter:page-{k}-{label}")


def see_my_result(at: AppTest, q):
    """The last page's submit button."""
    return next_button(at, q.page_count - 1, "See my result")


def page_number(at: AppTest) -> str:
    """The progress bar's "Page k of n", which is what the participant sees."""
    return at.get("progress")[0].proto.text


def verdict(at: AppTest) -> str | None:
    """The class the result page announces in its title: "Believer", "Spectator" or None."""
    found = re.match(r"You're a (Believer|Spectator)\b", headline(at)[0] or "")
    return found.group(1) if found else None


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def in_order(node):
    """The page's elements in reading order (AppTest lists them by kind)."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from in_order(children[key])


def radio_values(at: AppTest) -> dict[str, int | None]:
    return {r.key.removeprefix("q_"): r.value for r in at.radio if r.key.startswith("q_")}


def answer(at: AppTest, answers: dict[str, int]) -> AppTest:
    for item_id, value in answers.items():
        at.radio(key=f"q_{item_id}").set_value(value)
    return at


def complete_item_pages(at: AppTest, q, answers: dict[str, int]) -> AppTest:
    for k, items in enumerate(q.pages()):
        assert page_number(at) == f"Page {k + 1} of {q.page_count}"
        answer(at, {it.id: answers[it.id] for it in items})
        next_button(at, k).click().run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
    return at


def believer_answers(q) -> dict[str, int]:
    """Agree with forward items and disagree with reverse ones, not quite all the way."""
    forward, reverse = itertools.cycle([5, 4, 4, 3]), itertools.cycle([1, 2])
    return {it.id: next(reverse) if it.reverse else next(forward) for it in q.items}


def spectator_answers(q) -> dict[str, int]:
    forward, reverse = itertools.cycle([1, 2, 3, 2]), itertools.cycle([5, 4])
    return {it.id: next(reverse) if it.reverse else next(forward) for it in q.items}


def people(q, n: int, seed: int) -> list[dict]:
    """Finished responses of real participants (answered elsewhere), not demo rows."""
    return [{**r, "is_demo": 0} for r in demo.responses(q, n, seed=seed)]


def responses(db) -> list[dict]:
    cols, rows = db.rows()
    return [dict(zip(cols, row, strict=True)) for row in rows]


def only_response(db) -> dict:
    rows = responses(db)
    assert len(rows) == 1, rows
    return rows[0]


# ---------------------------------------------------------------- joining


@pytest.fixture
def db(any_db):
    """The participant's pages run on both engines: the app and the test share SURVEY_DB."""
    return any_db


def test_a_closed_sessions_link_offers_no_other_session_and_keeps_its_code(open_app, db):
    # A latecomer opening the stage's link of a closed session used to be offered the
    # default open session, which put their answers in another room.
    code = db.create_session("Hall B, closed")
    db.set_open(code, False)
    at = open_app(s=code.lower())

    assert [w.value for w in at.warning] == [
        f"The session {code} is closed and no longer takes answers."
    ]
    assert not button_labels(at, "No code? Join the open session")
    assert at.query_params["s"] == code
    at.run()  # the next rerun (the notice is gone) still offers nothing else
    assert not button_labels(at, "No code? Join the open session")


def test_a_mistyped_code_offers_no_other_session_but_a_bare_join_page_does(open_app, db):
    at = open_app()
    assert button_labels(at, "No code? Join the open session")
    at.text_input(key="join_code").input("zzzz")
    at.button(key="FormSubmitter:join-Join").click().run()
    assert "There is no session with the code ZZZZ" in at.warning[0].value
    assert not button_labels(at, "No code? Join the open session")


def test_the_join_page_says_what_is_kept_and_for_how_long(open_app, monkeypatch):
    captions = [c.value for c in open_app().caption]
    assert retention.kept_sentence(None) in captions
    monkeypatch.setenv("SURVEY_RETENTION_DAYS", "30")
    captions = [c.value for c in open_app().caption]
    assert any("for 30 days, then deleted" in c for c in captions)


def test_each_survey_page_says_its_answers_are_saved_on_next(open_app, q):
    at = open_app(s="share")
    assert participant.SAVED_ON_NEXT in [c.value for c in at.caption]


def test_a_code_typed_in_the_join_form_is_trimmed_and_case_insensitive(open_app, db, q):
    db.create_session("Hall B", "K7PX")
    at = open_app()

    at.text_input(key="join_code").input("  k7px ")
    at.button(key="FormSubmitter:join-Join").click().run()

    assert at.query_params["s"] == "K7PX"
    assert any("Hall B" in t.value for t in at.text)
    assert [r.key for r in at.radio] == [f"q_{it.id}" for it in q.pages()[0]]


def test_without_a_code_the_participant_can_join_the_open_session(open_app, q):
    at = open_app()

    next(b for b in at.button if b.label.startswith("No code?")).click().run()

    assert at.query_params["s"] == "SHARE"
    assert page_number(at) == f"Page 1 of {q.page_count}"


def test_a_wrong_code_typed_in_the_join_form_says_so_and_keeps_the_form(open_app):
    at = open_app()

    at.text_input(key="join_code").input("QQQQ")
    at.button(key="FormSubmitter:join-Join").click().run()

    assert any("no session with the code QQQQ" in w.value for w in at.warning)
    assert not at.radio
    assert [t.label for t in at.text_input] == ["Session code"]


# ---------------------------------------------------------------- the whole survey


@pytest.mark.parametrize(
    "make_answers,klass",
    [
        pytest.param(believer_answers, "Believer", id="believer"),
        pytest.param(spectator_answers, "Spectator", id="spectator"),
    ],
)
def test_a_survey_completed_through_the_pages_shows_the_right_class_and_score(
    open_app, q, db, make_answers, klass
):
    answers = make_answers(q)
    expected = scoring.score(q, answers)
    assert expected.klass == klass.lower()  # the case is the one it claims to be

    at = complete_item_pages(open_app(s="share"), q, answers)
    at.radio(key="pr_role").set_value("Agency")
    at.get("button_group")[0].set_value(["LinkedIn", "TikTok"])
    see_my_result(at, q).click().run()

    assert not at.exception, at.exception
    assert verdict(at) == klass
    assert headline(at)[1]["Your score"] == f"{expected.overall:.0f} / 100"
    row = only_response(db)
    assert row["status"] == COMPLETE
    assert row["class"] == expected.klass
    assert row["overall"] == pytest.approx(expected.overall)
    assert {i: row[i] for i in q.item_ids} == answers
    assert (row["role"], row["years"], row["platforms"]) == ("Agency", None, "LinkedIn; TikTok")


def test_the_result_names_the_threshold_and_the_tips_for_the_two_weakest_dimensions(open_app, q):
    answers = spectator_answers(q)
    expected = scoring.score(q, answers)
    at = complete_item_pages(open_app(s="share"), q, answers)
    see_my_result(at, q).click().run()

    assert headline(at)[1]["Believer from"] == f"{q.threshold:g}"
    tips = result_sections(at)["Tips for you"]
    chosen = [q.dimension(d) for d in result.tip_dimensions(q, expected, answers).chosen]
    assert len(chosen) == 2
    for dim in chosen:
        lead = f"{dim.name} ({expected.dimension_scores[dim.id]:.0f}): {dim.description}"
        assert tips[tips.index(lead) + 1 : tips.index(lead) + 1 + len(dim.tips)] == list(dim.tips)


def test_the_result_offers_the_share_card_and_the_private_link_to_keep(open_app, q):
    answers = believer_answers(q)
    at = complete_item_pages(open_app(s="share"), q, answers)
    see_my_result(at, q).click().run()

    # The card and the link's QR code are made only once their section is opened.
    sections = [e.label for e in at.expander]
    assert sections == ["Your share card, to download or share", "Your link as a QR code"]
    assert not at.get("download_button") and not at.get("image")
    at.session_state[result_page.SHARE_CARD] = True  # the participant opens the card
    at.run()
    square, wide = at.get("download_button")
    assert len(at.get("image")) == 1
    at.session_state[result_page.LINK_QR] = True  # and the QR code of their link
    at.run()
    assert len(at.get("image")) == 2
    assert square.proto.label == "Download my result (PNG)"
    assert wide.proto.label == "Download the wide one for LinkedIn (PNG)"
    token = at.query_params["p"]
    [said] = [m.value for m in at.markdown if "Keep this link" in m.value]
    link = said.split("`")[1]  # as inline code: selectable, and no highlighter to load
    assert token in link
    assert link.endswith(f"/?s=SHARE&p={token}&l=en"), "the private link keeps the language"
    card = sharecard.card_for(q, scoring.score(q, answers))
    assert f"{q.title}" in card.lines() and token not in "".join(card.lines())


def test_the_result_shows_a_bar_per_dimension_and_compares_with_the_room_once_it_is_big_enough(
    open_app, q, db
):
    answers = believer_answers(q)
    expected = scoring.score(q, answers)
    at = complete_item_pages(open_app(s="share"), q, answers)
    see_my_result(at, q).click().run()

    bars = profile_bars(at)
    assert [value for _, value in bars] == [
        round(expected.dimension_scores[d]) for d in q.dimension_ids
    ]
    assert all(q.dimensions[i].name in label for i, (label, _) in enumerate(bars))
    waiting = [i.value for i in at.info if "needed before you can compare" in i.value]
    k = aggregate.min_group()
    assert waiting == [
        f"{k - 1} more responses needed before you can compare yourself with the room."
    ]

    others = people(q, aggregate.min_group(), seed=3)
    db.insert_many("SHARE", others)
    next(b for b in at.button if b.label == "Check again").click().run()

    # The room moves in steps of k: it is this participant and the next k - 1 to finish.
    n = aggregate.min_group()
    lower = sum(r["overall"] < expected.overall for r in others[: n - 1])
    assert lower > 0, "the believer scored above some of the others"
    assert room_lines(at) == [
        f"You scored higher than {100 * lower / n:.0f}% of the {n} people counted "
        "in this session so far."
    ]
    assert not at.success, "a place in the room is said plainly, not as a success"
    [picture] = [h.proto.body for h in at.get("html") if 'class="standing"' in h.proto.body]
    assert f"You · {expected.overall:.0f}" in picture
    assert f"Believer from {q.threshold:g}" in picture
    assert "Believer from" not in headline(at)[1], "the threshold is said once"
    assert "take in 5 finishers at a time" in " ".join(result_sections(at)["Where you stand"])
    assert all("room" in label for label, _ in profile_bars(at))


def room_lines(at: AppTest) -> list[str]:
    """The result's sentence about where the participant stands in the room."""
    said = result_sections(at).get("Where you stand", [])
    return [p for p in said if "counted in this session" in p]


def comparison(at: AppTest) -> tuple[list[str], list[str]]:
    """What the result says about the room: the percentile line and each bar's text."""
    return room_lines(at), [label for label, _ in profile_bars(at)]


def test_the_comparison_stays_put_when_one_more_finishes_and_the_room_is_read_again(
    open_app, q, db
):
    # Issue 23: the 6th to finish had started first, so a room read again in the order
    # rows were begun (a restart, Streamlit's clear_cache from any tab) counted them among
    # "the first five", and the 5th finisher read their scores off the room's averages.
    k = aggregate.min_group()
    db.insert_many("SHARE", people(q, k - 1, seed=8))
    sixth = spectator_answers(q)
    first = {it.id: sixth[it.id] for it in q.pages()[0]}
    early = db.save_page("SHARE", None, first, page=1).token  # begun before this participant
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()
    before = comparison(at)
    [line] = before[0]
    assert f"of the {k} people counted in this session so far" in line
    assert all("room" in text for text in before[1]), "the room's marks are on the bars"

    db.save_page("SHARE", early, sixth, page=len(q.pages()), finish=True)
    at.run()  # the participant looks again
    assert comparison(at) == before, "one more finisher moves nothing"

    st.cache_resource.clear()  # what a browser's clear_cache message does, server-wide
    st.cache_data.clear()
    resources.clear()  # and what a restart does: the room is read again from the rows
    at.run()
    assert comparison(at) == before, "a room read again gives the same numbers"


def test_after_an_early_finisher_deletes_their_answers_the_comparison_waits_for_k_new_ones(
    open_app, q, db
):
    # The room's first step held the one who left: comparing with the rest of it would
    # swap them for this participant, so the comparison waits, and says for how many.
    k = aggregate.min_group()
    others = people(q, k, seed=12)
    db.insert_many("SHARE", others)
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()
    [line] = comparison(at)[0]
    assert f"of the {k} people counted in this session" in line

    assert db.delete_response(others[0]["token"]) == 1
    at.run()
    assert comparison(at)[0] == [], "no 'higher than 0% of 0 people'"
    waiting = [i.value for i in at.info if "needed before you can compare" in i.value]
    assert waiting == [
        f"{k - 1} more responses needed before you can compare yourself with the room."
    ]


def test_a_browsers_clear_cache_does_not_make_the_server_read_the_room_again(open_app, q, db):
    db.insert_many("SHARE", people(q, 2 * aggregate.min_group(), seed=9))
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()
    with resources.room("SHARE") as held:
        pass

    st.cache_resource.clear()  # Streamlit's clear_cache handler clears both caches
    st.cache_data.clear()
    at.run()
    assert not at.exception, at.exception
    with resources.room("SHARE") as again:
        assert again is held, "the room survived clear_cache: nothing was read again"


def test_the_room_comparison_waits_for_the_group_size_the_facilitator_set(
    open_app, q, db, monkeypatch
):
    monkeypatch.setenv("SURVEY_MIN_GROUP", "10")
    db.insert_many("SHARE", people(q, 6, seed=4))
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()

    assert not room_lines(at), "compared with a room of 7 although the setting asks for 10"
    waiting = [i.value for i in at.info if "needed before you can compare" in i.value]
    assert waiting == ["3 more responses needed before you can compare yourself with the room."]
    assert not any("room" in label for label, _ in profile_bars(at))


def test_demo_rows_never_count_in_a_participants_comparison(open_app, q, db):
    db.insert_many("SHARE", demo.responses(q, 3 * aggregate.min_group(), seed=5))
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()

    assert not room_lines(at), "compared with a room of rehearsal rows"
    waiting = [i.value for i in at.info if "needed before you can compare" in i.value]
    k = aggregate.min_group()
    assert waiting == [
        f"{k - 1} more responses needed before you can compare yourself with the room."
    ]


# ---------------------------------------------------------------- answering a page


def test_submitting_a_page_with_missing_answers_names_them_and_keeps_the_given_ones(open_app, q):
    first_page = q.pages()[0]
    given = {first_page[0].id: 4, first_page[2].id: 2}
    at = answer(open_app(s="share"), given)
    next_button(at, 0).click().run()

    assert page_number(at) == f"Page 1 of {q.page_count}"
    missing = [it.id for it in first_page if it.id not in given]
    [error] = at.error
    assert (
        error.value
        == f"Please answer the {len(missing)} questions marked “Answer needed” to go on."
    )
    # Each unanswered question, and only those, is marked in text right above it.
    marked = [
        element.key.removeprefix("q_")
        for before, element in itertools.pairwise(in_order(at.main))
        if element.type == "radio" and before.type == "markdown" and before.value == "Answer needed"
    ]
    assert marked == missing
    assert radio_values(at) == {it.id: given.get(it.id) for it in first_page}

    answer(at, {it.id: 3 for it in first_page if it.id not in given})
    next_button(at, 0).click().run()
    assert page_number(at) == f"Page 2 of {q.page_count}"
    assert not at.error


def test_going_back_keeps_the_answers_of_both_pages(open_app, q):
    page0, page1 = q.pages()[:2]
    first = {it.id: 1 + i % 5 for i, it in enumerate(page0)}
    second = {page1[0].id: 5, page1[1].id: 1}  # only partly answered before going back
    at = answer(open_app(s="share"), first)
    next_button(at, 0).click().run()
    answer(at, second)
    next_button(at, 1, "Back").click().run()

    assert page_number(at) == f"Page 1 of {q.page_count}"
    assert radio_values(at) == first
    next_button(at, 0).click().run()
    assert radio_values(at) == {it.id: second.get(it.id) for it in page1}


# ---------------------------------------------------------------- submitting twice


def test_clicking_see_my_result_twice_stores_one_complete_response(open_app, q, db, monkeypatch):
    submits = []
    real_submit = participant.submit_page

    def counting_submit(*args):
        submits.append(args)
        real_submit(*args)

    monkeypatch.setattr(participant, "submit_page", counting_submit)
    answers = believer_answers(q)
    at = complete_item_pages(open_app(s="share"), q, answers)
    del submits[:]
    see_result = see_my_result(at, q)
    see_result.click().run()
    # The second click comes from the form the browser still shows.
    see_result.click().run()

    assert len(submits) == 2, "the second click did not reach the app"
    assert not at.exception, at.exception
    assert verdict(at) == "Believer"
    row = only_response(db)
    assert row["status"] == COMPLETE


def test_a_double_click_on_next_moves_one_page_without_complaining(open_app, q):
    first_page = q.pages()[0]
    at = answer(open_app(s="share"), {it.id: 3 for it in first_page})
    next_on_page_1 = next_button(at, 0)
    next_on_page_1.click().run()
    # The second click comes from the form the browser still shows.
    next_on_page_1.click().run()

    assert page_number(at) == f"Page 2 of {q.page_count}"
    assert not at.error, [e.value for e in at.error]


def test_the_same_link_finished_in_two_tabs_stores_one_response_with_the_first_answers(
    open_app, q, db
):
    answers = believer_answers(q)
    first_tab = complete_item_pages(open_app(s="share"), q, answers)
    link = dict(first_tab.query_params)
    second_tab = open_app(**link)
    assert page_number(second_tab) == f"Page {q.page_count} of {q.page_count}"

    see_my_result(first_tab, q).click().run()
    second_tab.radio(key="pr_role").set_value("Student")
    see_my_result(second_tab, q).click().run()

    assert not second_tab.exception, second_tab.exception
    assert verdict(second_tab) == "Believer"
    row = only_response(db)
    assert row["status"] == COMPLETE
    assert row["role"] is None  # the first tab left it empty; the late tab changed nothing


# ---------------------------------------------------------------- resuming from the link


def test_the_link_resumes_at_the_page_reached_with_the_answers_kept(open_app, q):
    pages = q.pages()
    answers = believer_answers(q)
    at = open_app(s="share")
    for k in (0, 1):
        answer(at, {it.id: answers[it.id] for it in pages[k]})
        next_button(at, k).click().run()
    partial = {pages[2][0].id: 2}
    answer(at, partial)
    next_button(at, 2).click().run()  # incomplete: saved, but stays on page 3
    link = dict(at.query_params)
    assert link["s"] == "SHARE" and link["p"]

    resumed = open_app(**link)  # a refresh, or the link opened on another device

    assert page_number(resumed) == f"Page 3 of {q.page_count}"
    assert radio_values(resumed) == {it.id: partial.get(it.id) for it in pages[2]}
    next_button(resumed, 2, "Back").click().run()
    assert radio_values(resumed) == {it.id: answers[it.id] for it in pages[1]}


def test_a_finished_link_shows_the_result_again_instead_of_a_new_survey(open_app, q, db):
    answers = spectator_answers(q)
    at = complete_item_pages(open_app(s="share"), q, answers)
    see_my_result(at, q).click().run()

    again = open_app(**at.query_params)

    assert verdict(again) == "Spectator"
    assert headline(again)[1]["Your score"] == f"{scoring.score(q, answers).overall:.0f} / 100"
    assert not again.radio
    assert len(responses(db)) == 1


def test_taking_it_again_starts_a_fresh_survey_and_keeps_the_first_result_until_it_is_replaced(
    open_app, q, db
):
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()
    first_link = dict(at.query_params)

    button(at, "Take it again").click().run()

    assert page_number(at) == f"Page 1 of {q.page_count}"
    assert all(v is None for v in radio_values(at).values())
    assert "p" not in at.query_params
    assert [r["status"] for r in responses(db)] == [COMPLETE]
    assert verdict(open_app(**first_link)) == "Believer"


def test_a_retake_replaces_the_earlier_response_so_the_person_counts_once(open_app, q, db):
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()
    first_link = dict(at.query_params)
    button(at, "Take it again").click().run()

    complete_item_pages(at, q, spectator_answers(q))
    share = next(s for s in db.list_sessions() if s["code"] == "SHARE")
    assert (share["complete"], share["in_progress"]) == (0, 1)
    see_my_result(at, q).click().run()

    assert verdict(at) == "Spectator"
    assert sorted(r["status"] for r in responses(db)) == [COMPLETE, "superseded"]
    share = next(s for s in db.list_sessions() if s["code"] == "SHARE")
    assert (share["complete"], share["in_progress"]) == (1, 0)
    again = open_app(**first_link)  # the first link now leads to the latest result
    assert verdict(again) == "Spectator"
    assert any("took the survey again" in w.value for w in again.warning)


@pytest.mark.parametrize("where", ["result", "survey page"])
def test_delete_my_answers_asks_first_then_removes_the_response(open_app, q, db, where):
    at = open_app(s="share")
    if where == "result":
        complete_item_pages(at, q, believer_answers(q))
        see_my_result(at, q).click().run()
    else:
        answer(at, dict.fromkeys((it.id for it in q.pages()[0]), 3))
        next_button(at, 0).click().run()
    link = dict(at.query_params)

    button(at, "Delete my answers").click().run()
    assert len(responses(db)) == 1, "deleted without asking"
    button(at, "Keep them").click().run()
    assert len(responses(db)) == 1
    button(at, "Delete my answers").click().run()
    button(at, "Yes, delete them").click().run()

    assert responses(db) == []
    assert any("answers were deleted" in w.value for w in at.warning)
    assert page_number(at) == f"Page 1 of {q.page_count}"
    assert "p" not in at.query_params
    reopened = open_app(**link)
    assert any("could not find answers" in w.value for w in reopened.warning)


def test_with_nothing_stored_there_is_nothing_to_delete(open_app):
    at = open_app(s="share")
    assert not [b for b in at.button if b.label == "Delete my answers"]


def test_a_link_with_an_unknown_token_says_so_and_offers_a_fresh_start(open_app, db):
    at = open_app(s="share", p="no-such-token")

    assert any("could not find answers" in w.value for w in at.warning)
    assert "p" not in at.query_params
    assert responses(db) == []


# ---------------------------------------------------------------- bad session links


@pytest.mark.parametrize(
    "code,says",
    [
        pytest.param("ZZZZ", "There is no session with the code ZZZZ", id="unknown"),
        pytest.param("LATE", "is closed", id="closed"),
        pytest.param("<b>x", "only letters and digits", id="markup"),
        pytest.param("<script>alert(1)</script>", "4 to 6 characters", id="script"),
        pytest.param("   ", "Enter the session code", id="blank"),
    ],
)
def test_a_bad_session_link_shows_a_plain_message_and_the_join_form(open_app, db, code, says):
    db.create_session("Yesterday's talk", "LATE")
    db.set_open("LATE", False)

    at = open_app(s=code)

    assert not at.exception, at.exception
    [warning] = at.warning
    assert says in warning.value
    assert "<" not in warning.value  # the typed text is never echoed back as markup
    assert [t.label for t in at.text_input] == ["Session code"]
    assert not at.radio


# ---------------------------------------------------------------- a broken questionnaire

BROKEN = [
    pytest.param(
        ("threshold = 60", 'threshold = "60'), ["invalid TOML", "line {line}"], id="bad-toml"
    ),
    pytest.param(
        ('id = "learn_new"', 'id = "live_post"'),
        ["field 'id'", "duplicate id 'live_post'"],
        id="duplicate-id",
    ),
    pytest.param(
        ("threshold = 60", "threshold = 160"), ["field 'threshold'"], id="threshold-out-of-range"
    ),
]


@pytest.mark.parametrize("change,named", BROKEN)
def test_a_malformed_questionnaire_stops_with_a_plain_error_naming_the_problem(
    open_app, q, tmp_path, monkeypatch, change, named
):
    old, new = change
    text = Path(q.path).read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))
    line = text[: text.index(old)].count("\n") + 1

    at = open_app(s="share")

    assert not at.exception, at.exception
    [error] = at.error
    assert "questionnaire file has a problem" in error.value
    for fragment in [str(path), *named]:
        assert fragment.format(line=line) in error.value
    assert not at.radio


def test_a_missing_questionnaire_file_is_named_in_a_plain_error(open_app, tmp_path, monkeypatch):
    path = tmp_path / "nowhere.toml"
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))

    at = open_app(s="share")

    assert not at.exception, at.exception
    [error] = at.error
    assert str(path) in error.value


# ---------------------------------------------------------------- a session that closes


def test_a_session_closed_mid_survey_refuses_the_next_page_and_stores_nothing(open_app, q, db):
    pages = q.pages()
    answers = believer_answers(q)
    at = answer(open_app(s="share"), {it.id: answers[it.id] for it in pages[0]})
    next_button(at, 0).click().run()
    before = only_response(db)
    db.set_open("SHARE", False)

    answer(at, {it.id: answers[it.id] for it in pages[1]})
    next_button(at, 1).click().run()

    assert not at.exception, at.exception
    assert any("closed" in w.value and "not saved" in w.value for w in at.warning)
    assert only_response(db) == before
    assert before["status"] == IN_PROGRESS


def test_a_session_closed_before_the_first_page_is_sent_stores_no_response(open_app, q, db):
    at = answer(open_app(s="share"), dict.fromkeys((it.id for it in q.pages()[0]), 3))
    db.set_open("SHARE", False)

    next_button(at, 0).click().run()

    assert not at.exception, at.exception
    assert any("closed" in w.value and "not saved" in w.value for w in at.warning)
    assert responses(db) == []


def test_a_session_closed_before_the_last_page_gives_no_result_and_stays_unfinished(
    open_app, q, db
):
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    db.set_open("SHARE", False)

    see_my_result(at, q).click().run()

    assert not at.exception, at.exception
    assert any("closed" in w.value and "not saved" in w.value for w in at.warning)
    assert verdict(at) is None
    row = only_response(db)
    assert row["status"] == IN_PROGRESS
    assert row["class"] is None


def test_the_result_also_compares_with_everyone_who_took_this_version_in_any_room(open_app, q, db):
    other = db.create_session("Hall A", "HALLA")
    db.insert_many(other, people(q, 2 * aggregate.min_group(), seed=21))
    at = complete_item_pages(open_app(s="share"), q, believer_answers(q))
    see_my_result(at, q).click().run()

    everyone = [c.value for c in at.caption if "Among everyone" in c.value]
    k = aggregate.min_group()
    assert len(everyone) == 1
    assert f"of {2 * k} people" in everyone[0], "steps of k over every room's real people"


# ---------------------------------------------------------------- a database that can't be used


def _a_folder(path: Path) -> None:
    path.mkdir()


def _random_bytes(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def _damaged(path: Path) -> None:
    from survey import questionnaire as questionnaire_module
    from survey.store import Store

    s = Store(
        questionnaire_module.load(Path(__file__).parents[2] / "data/questionnaire.toml"), path
    )
    s.create_session("Before the damage")
    s.close()
    size = path.stat().st_size
    with path.open("r+b") as f:  # every page after the first overwritten, the header kept
        f.seek(4096)
        f.write(random.Random(23).randbytes(size - 4096))


@pytest.mark.parametrize(
    "spoil", [_a_folder, _random_bytes, _damaged], ids=["a folder", "random bytes", "damaged"]
)
@pytest.mark.parametrize("query", [{}, {"s": "share"}], ids=["join page", "join link"])
def test_a_database_that_cannot_be_used_at_start_shows_the_plain_message(
    open_app, isolated_db, spoil, query
):
    spoil(isolated_db)

    at = open_app(**query)

    assert not at.exception, at.exception
    [warning] = at.warning
    assert warning.value.startswith("Answers can't be saved right now.")
    assert str(isolated_db) not in warning.value  # the path is for the log only
    assert not at.radio


def _outage(monkeypatch) -> None:
    """A database server that stops answering, as PostgreSQL does when it goes down."""
    from survey.store import Store, Unavailable

    def down(self, *args, **kwargs):
        raise Unavailable("the database server is not answering", "postgresql://db/survey")

    for name in ("get_session", "default_session", "current_response", "save_page"):
        monkeypatch.setattr(Store, name, down)


def test_joining_while_the_database_server_is_down_says_so_and_keeps_the_join_form(
    open_app, monkeypatch
):
    at = open_app()
    _outage(monkeypatch)

    at.text_input(key="join_code").input("share")
    at.button(key="FormSubmitter:join-Join").click().run()

    assert not at.exception, at.exception
    [warning] = at.warning
    assert warning.value.startswith("Answers can't be saved right now.")
    assert "join again" in warning.value
    assert "postgresql" not in warning.value
    assert [t.label for t in at.text_input] == ["Session code"]
    assert not button_labels(at, "No code? Join the open session")


def test_a_join_link_opened_while_the_database_server_is_down_shows_the_plain_message(
    open_app, monkeypatch
):
    _outage(monkeypatch)

    at = open_app(s="share")

    assert not at.exception, at.exception
    [warning] = at.warning
    assert warning.value.startswith("Answers can't be saved right now.")
    assert not at.radio


def button_labels(at: AppTest, label: str) -> list[str]:
    return [b.label for b in at.button if b.label == label]


# ---------------------------------------------------------------- a stale tab


def test_a_stale_tab_that_goes_back_and_presses_next_keeps_the_newer_answers(open_app, q, db):
    page0 = q.pages()[0]
    old = {it.id: 2 for it in page0}
    new = {it.id: 5 for it in page0}
    stale = answer(open_app(s="share"), old)
    next_button(stale, 0).click().run()
    # The same link in another tab: back to page 1, every answer changed.
    fresh = open_app(**dict(stale.query_params))
    next_button(fresh, 1, "Back").click().run()
    answer(fresh, new)
    next_button(fresh, 0).click().run()

    # The first tab never saw that: it goes back (its old answers still shown) and on.
    next_button(stale, 1, "Back").click().run()
    assert radio_values(stale) == old
    next_button(stale, 0).click().run()

    assert not stale.exception, stale.exception
    assert page_number(stale) == f"Page 2 of {q.page_count}"
    row = only_response(db)
    assert {it.id: row[it.id] for it in page0} == new


def test_a_read_only_database_at_start_shows_the_plain_message(open_app, read_only_db, monkeypatch):
    # The store's first open writes (its schema, this questionnaire's columns): a database
    # that can only be read is as unusable as a damaged one, and says so the same way.
    monkeypatch.setenv("SURVEY_DB", str(read_only_db))

    at = open_app(s="hallb")

    assert not at.exception, at.exception
    [warning] = at.warning
    assert warning.value.startswith("Answers can't be saved right now.")
    assert str(read_only_db) not in warning.value
