"""The questionnaire file edited during an event, and room comparisons held back, through
the real pages: the participant finishes on the version they began, every finished result
renders, and the console says what happened."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from survey import aggregate, flow, questionnaire
from tests import versions
from tests.app.conftest import headline, profile_bars, result_sections

from .test_facilitator import console
from .test_participant import (
    answer,
    believer_answers,
    next_button,
    only_response,
    page_number,
    people,
    see_my_result,
    verdict,
)


@pytest.fixture
def live_file(tmp_path, monkeypatch):
    """The questionnaire the app serves, at a path the test can edit while it runs."""
    path = tmp_path / "questionnaire.toml"
    shutil.copyfile(versions.ORIGINAL, path)
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))
    return path


def edited(live_file) -> questionnaire.Questionnaire:
    versions.edit_file(live_file)
    return questionnaire.load(live_file)


def radio_keys(at: AppTest) -> list[str]:
    return [r.key for r in at.radio if r.key.startswith("q_")]


def bar_texts(at: AppTest) -> list[str]:
    return [label for label, _ in profile_bars(at)]


def assert_result_in_dimensions_of(at: AppTest, q) -> None:
    assert not at.exception, at.exception
    assert verdict(at) is not None
    assert [t.split(": you ")[0] for t in bar_texts(at)] == [d.name for d in q.dimensions]


# ---------------------------------------------------------------- the file edited


def test_a_participant_mid_survey_when_the_file_is_edited_finishes_on_their_version(
    open_app, q, db, live_file
):
    answers = believer_answers(q)
    at = open_app(s="share")
    answer(at, {i.id: answers[i.id] for i in q.pages()[0]})
    next_button(at, 0).click().run()

    q2 = edited(live_file)  # an item of page 2 renamed, one reworded, a dimension added
    at.run()
    assert radio_keys(at) == [f"q_{i.id}" for i in q.pages()[1]], "switched version midway"
    for k in range(1, len(q.pages())):
        assert page_number(at) == f"Page {k + 1} of {q.page_count}"
        answer(at, {i.id: answers[i.id] for i in q.pages()[k]})
        next_button(at, k).click().run()
        assert not at.exception, at.exception
    see_my_result(at, q).click().run()

    assert_result_in_dimensions_of(at, q)
    row = only_response(db)
    assert (row["status"], row["fingerprint"]) == ("complete", q.fingerprint)
    assert row["fingerprint"] != q2.fingerprint
    assert {i: row[i] for i in q.item_ids} == answers


def test_a_finished_link_opened_after_the_edit_shows_the_result_of_its_version(
    open_app, q, db, live_file
):
    open_app(s="share")  # the app has used the file, so this version is kept
    finished = people(q, 1, seed=11)[0]
    db.insert_many("SHARE", [finished])
    edited(live_file)

    at = open_app(s="SHARE", p=finished["token"])

    assert_result_in_dimensions_of(at, q)
    assert headline(at)[1]["Your score"] == f"{finished['overall']:.0f} / 100"


def test_a_finished_result_of_a_version_never_kept_renders_with_the_file_in_force(
    open_app, q, db, live_file
):
    q2 = edited(live_file)  # a new dimension: the old row has no score for it
    finished = {**people(q, 1, seed=12)[0], "fingerprint": "0ld0ld0ld0ld"}
    db.insert_many("SHARE", [finished])

    at = open_app(s="SHARE", p=finished["token"])

    assert not at.exception, at.exception
    assert verdict(at) is not None
    shown = [t.split(": you ")[0] for t in bar_texts(at)]
    assert shown == [d.name for d in q2.dimensions if d.id in q.dimension_ids]


def test_a_participant_who_joins_after_the_edit_answers_the_new_version(open_app, q, db, live_file):
    q2 = edited(live_file)
    at = open_app(s="share")

    assert radio_keys(at) == [f"q_{i.id}" for i in q2.pages()[0]]
    assert page_number(at) == f"Page 1 of {q2.page_count}"
    answer(at, {i.id: 3 for i in q2.pages()[0]})
    next_button(at, 0).click().run()
    assert only_response(db)["fingerprint"] == q2.fingerprint


def test_the_console_says_the_file_changed_and_who_is_still_on_the_earlier_version(
    facilitator, open_app, q, db, live_file
):
    code = db.create_session("Hall B", "HALLB")
    open_app(s=code)  # the server has used this version
    for _ in range(3):
        db.save_page(code, None, {i.id: 3 for i in q.pages()[0]}, page=1)
    edited(live_file)

    at = console(facilitator, code)

    [note] = [i.value for i in at.info if "questionnaire file changed" in i.value]
    assert note.startswith("The questionnaire file changed at ")
    assert (
        "new participants get the new version; 3 people are still finishing the earlier one" in note
    )


def test_the_console_says_nothing_of_versions_while_the_file_is_unchanged(
    facilitator, q, db, live_file
):
    code = db.create_session("Hall B", "HALLB")
    db.save_page(code, None, {i.id: 3 for i in q.pages()[0]}, page=1)
    at = console(facilitator, code)
    assert not [i.value for i in at.info if "questionnaire" in i.value]


# ---------------------------------------------------------------- the comparison held


@pytest.fixture
def held_room(db, q) -> str:
    """A session past k whose facilitator holds comparisons, results not yet revealed."""
    code = db.create_session("Hall B", "HALLB")
    db.insert_many(code, people(q, 2 * aggregate.min_group(), seed=13))
    db.set_stage(code, hold_comparison=1)
    return code


def finish_survey(open_app, q, code: str) -> AppTest:
    at = open_app(s=code)
    answers = believer_answers(q)
    for k in range(len(q.pages())):
        answer(at, {i.id: answers[i.id] for i in q.pages()[k]})
        next_button(at, k).click().run()
    see_my_result(at, q).click().run()
    assert not at.exception, at.exception
    return at


def test_a_held_comparison_shows_the_participants_own_result_and_says_when_the_room_comes(
    open_app, q, db, held_room
):
    at = finish_survey(open_app, q, held_room)

    assert verdict(at) == "Believer"
    assert headline(at)[1]["Your score"].endswith("/ 100")
    assert flow.HELD in [i.value for i in at.info]
    said = [m.value for m in at.markdown] + [c.value for c in at.caption]
    said += [p for paragraphs in result_sections(at).values() for p in paragraphs]
    assert not [p for p in said if "counted in this session" in p], "held"
    assert not any("room" in t for t in bar_texts(at))
    assert not any("everyone who has taken" in p for p in said)


def test_the_held_comparison_appears_once_the_facilitator_reveals_the_results(
    open_app, q, db, held_room
):
    at = finish_survey(open_app, q, held_room)

    db.set_revealed(held_room, True)
    next(b for b in at.button if b.label == "Check again").click().run()

    assert flow.HELD not in [i.value for i in at.info]
    said = result_sections(at)["Where you stand"]
    [line] = [p for p in said if "counted in this session" in p]
    assert line.startswith(("You scored higher than", "Of the"))
    assert "The room: " in " ".join(said), "revealed: the room's split"
    assert all("room" in t for t in bar_texts(at))


def test_the_console_switch_holds_and_releases_participants_comparisons(facilitator, db):
    code = db.create_session("Hall B", "HALLB")
    at = console(facilitator, code)
    hold = at.toggle(key=f"hold_{code}")
    assert hold.value is False

    hold.set_value(True).run()
    assert db.stage(code)["hold_comparison"] == 1

    at.toggle(key=f"hold_{code}").set_value(False).run()
    assert db.stage(code)["hold_comparison"] == 0
