"""The survey page's widgets: their keys, where each starts, and their values given back
after a change of language (`survey.ui.language`)."""

from __future__ import annotations

import streamlit as st

from survey import flow
from survey.questionnaire import ProfileQuestion, Questionnaire
from survey.ui import browser

ANSWER_PREFIX = "q_"  # widget keys of item answers; the load harness reads them too
PROFILE_PREFIX = "pr_"


def answer_key(item_id: str) -> str:
    return ANSWER_PREFIX + item_id


def profile_key(profile_id: str) -> str:
    return PROFILE_PREFIX + profile_id


def missing_key(item_id: str, first: bool) -> str:
    """The key of an unanswered question's container; the first one's is the one the
    page scrolls to."""
    return browser.FIRST_MISSING_KEY if first else f"missing-{item_id}"


def page_keys(q: Questionnaire, page: int) -> dict[str, str]:
    """A page's widget keys by item or profile id."""
    if page < len(q.pages()):
        return {it.id: answer_key(it.id) for it in q.pages()[page]}
    return {p.id: profile_key(p.id) for p in (*q.profile, *q.open)}


def starting(here: flow.Place, what: str | ProfileQuestion) -> object:
    """Where an item's radio (by id) or a profile question's widget starts: the place's
    answer, unless the browser session holds the widget's value already."""
    if isinstance(what, str):
        key, given = answer_key(what), here.answers.get(what)
        return held(key, given - 1 if given else None)
    value = here.profile.get(what.id)
    if what.kind == "multi":
        return held(profile_key(what.id), value or None)
    index = what.options.index(value) if value in what.options else None
    return held(profile_key(what.id), index)


def given_back(keys: dict[str, str], keep: set[str] = frozenset()) -> dict[str, object]:
    """A survey page's values as its form sent them with the language control (by id,
    from `keys`: id -> widget key), each given back to its widget (but those in `keep`):
    the browser then shows a choice under its label in the new language, where it would
    otherwise keep the old label's value, which no option has any more."""
    given = {}
    for id_, key in keys.items():
        given[id_] = st.session_state.get(key)
        if key in st.session_state and key not in keep:
            st.session_state[key] = given[id_]
    return given


def held(key: str, value: object) -> object:
    """A widget's starting value: None when the browser session holds one already (one
    given back), so Streamlit does not warn that it has two."""
    return None if key in st.session_state else value
