"""Every page of the app runs without an exception, with a room's worth of answers in it."""

import pytest
from streamlit.testing.v1 import AppTest

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


def _page_that_fails(kind: str) -> None:
    """A page meeting a database gone bad, or a bad setting (AppTest runs it)."""
    import streamlit as st

    from survey.errors import SettingError, Unavailable
    from survey.ui import failures

    with failures.shown_plainly():
        st.title("Console")
        if kind == "database":
            raise Unavailable("the path is not a regular file", "/srv/survey.db")
        raise SettingError("SURVEY_MIN_GROUP must be a whole number of at least 1, not 'abc'")


@pytest.mark.parametrize(
    "kind,message",
    [
        ("database", "The database can't be used right now. Please wait a moment and reload."),
        ("setting", "The server's settings need fixing: SURVEY_MIN_GROUP must be a whole"),
    ],
)
def test_a_failure_app_py_catches_is_one_plain_message_under_what_was_drawn(kind, message):
    # app.py runs every page inside failures.shown_plainly() (tests/e2e/test_settings.py
    # checks it on the real server; AppTest runs pages without app.py).
    at = AppTest.from_function(_page_that_fails, args=(kind,)).run()

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Console"]
    shown = [e.value for e in [*at.error, *at.warning]]
    assert len(shown) == 1 and shown[0].startswith(message), shown
    assert "/srv/survey.db" not in shown[0]  # where the database is: for the log only
