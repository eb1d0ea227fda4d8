"""Every page of the app runs without an exception, with a room's worth of answers in it."""

import pytest

from survey import demo


@pytest.fixture(autouse=True)
def answers_in_the_room(db, q):
    db.insert_many("SHARE", demo.responses(q, 8, seed=2))


def test_the_app_opens_on_the_join_form(open_app):
    at = open_app()

    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["Session code"]
    assert [b.label for b in at.button if "open session" in b.label]


def test_the_survey_page_opens_on_its_first_questions(open_app, q):
    at = open_app("pages/survey.py", s="share")

    assert not at.exception, at.exception
    assert [r.key for r in at.radio] == [f"q_{it.id}" for it in q.pages()[0]]
    assert all(r.value is None for r in at.radio)  # no answer is pre-selected


@pytest.mark.parametrize(
    "page,heading",
    [
        ("pages/sessions.py", "Sessions"),
        ("pages/console.py", "**Stage link**"),
        ("pages/export.py", "Export"),
    ],
)
def test_each_facilitator_page_runs_once_signed_in(facilitator, page, heading):
    at = facilitator(page)

    assert not at.exception, at.exception
    assert any(heading in e.value for e in [*at.title, *at.markdown])
