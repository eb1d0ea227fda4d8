"""The participant's glue: widgets and the URL mapped to and from `survey.participant`.

The place lives in st.session_state["place"] and in the URL (?s=CODE&p=TOKEN), so a
refresh or a reconnect resumes where the participant was. Every rule about what happens
next is in `survey.flow`, and every store call in `survey.participant` (the service);
this module only moves values and draws.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import replace

import streamlit as st

from survey import flow, retention
from survey import participant as service
from survey.questionnaire import Questionnaire
from survey.store import Store, Unavailable
from survey.ui import browser, resources

log = logging.getLogger(__name__)
_PLACE = "place"
COME_BACK = "Please wait a moment, then reload this page."
ANSWER_PREFIX = "q_"  # widget keys of item answers; the load harness reads them too
PROFILE_PREFIX = "pr_"
_VIEW = "view_seq"  # bumped on every move, so the page opens where it should (browser.py)


def answer_key(item_id: str) -> str:
    return ANSWER_PREFIX + item_id


def profile_key(profile_id: str) -> str:
    return PROFILE_PREFIX + profile_id


def missing_key(item_id: str, first: bool) -> str:
    """The key of an unanswered question's container; the first one's is the one the
    page scrolls to."""
    return browser.FIRST_MISSING_KEY if first else f"missing-{item_id}"


def place() -> flow.Place:
    """This browser session's place in the survey, synced with the URL and the database."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    token, code = st.query_params.get("p"), st.query_params.get("s")
    current = resources.get_questionnaire()
    versions = resources.questionnaire_version
    here, do = service.open_link(resources.get_store(), here, code, token, current, versions)
    if do == "go":
        _go(here)
    elif do == "link":
        _sync_url(here)
    return here


@contextlib.contextmanager
def plain_when_unavailable() -> Iterator[None]:
    """Around what the page reads from the database: when it cannot be used (a file that
    is a folder, damaged or not a database, a database server down), the page stops with
    the plain message instead of Streamlit's error page, and the log gets one line."""
    try:
        yield
    except Unavailable as exc:
        log.error("The survey page could not read the database: %s", exc)
        st.warning(f"{Unavailable.PLAIN} {COME_BACK}")
        st.stop()


def default_session(s: Store, here: flow.Place, shown: str = "") -> dict | None:
    """The open session offered to someone with no code (`service.open_session`), or None.
    While the database cannot be read, the join form stays and the plain message is shown
    below it (unless `shown`, the notice at the top, says it already)."""
    try:
        return service.open_session(s, here)
    except Unavailable as exc:
        log.error("The join page could not read the database: %s", exc)
        if shown != service.CANNOT_JOIN:
            st.warning(service.CANNOT_JOIN)
        return None


# A refresh keeps every page sent; this page's choices are in the browser until Next.
SAVED_ON_NEXT = "Your answers are saved each time you press Next (or Back)."


def what_is_kept() -> str:
    """The join page's sentence on what is kept, and for how long (SURVEY_RETENTION_DAYS)."""
    return retention.kept_sentence(retention.days())


def questionnaire(here: flow.Place) -> Questionnaire:
    """The questionnaire this participant answers: the version they began on, which is
    the one in force unless the file was edited since (then theirs is kept for them)."""
    return resources.questionnaire_version(here.fingerprint) or resources.get_questionnaire()


def take_notice() -> str:
    """The place's one-off message, cleared once shown."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    if here.notice:
        st.session_state[_PLACE] = replace(here, notice="")
    return here.notice


def _go(new: flow.Place, move: bool = True) -> flow.Place:
    st.session_state[_PLACE] = new
    if move:
        st.session_state[_VIEW] = st.session_state.get(_VIEW, 0) + 1
    _sync_url(new)
    return new


def open_view(here: flow.Place) -> None:
    """Open the page at its top, or at the first unanswered question (call it last)."""
    target = browser.MISSING if here.missing else browser.TOP
    browser.open_view(target, st.session_state.get(_VIEW, 0))


def _sync_url(here: flow.Place) -> None:
    wanted = flow.link(here)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def join_session(raw_code: str) -> None:
    here = st.session_state.get(_PLACE, flow.START)
    joined = service.join(resources.get_store(), here, raw_code, resources.get_questionnaire())
    _go(joined, move=joined.notice != service.CANNOT_JOIN)


def join_from_form() -> None:
    join_session(st.session_state.get("join_code", ""))


def start_over() -> None:
    _go(service.retake(st.session_state[_PLACE], resources.get_questionnaire()))


def submit_page(page: int, direction: int) -> None:
    """Form callback: save this page's answers, then move on, back, or to the result."""
    here: flow.Place = st.session_state[_PLACE]
    q = questionnaire(here)
    if page < len(q.pages()):
        given = {it.id: st.session_state.get(answer_key(it.id)) for it in q.pages()[page]}
    else:
        given = {p.id: st.session_state.get(profile_key(p.id)) for p in (*q.profile, *q.open)}
    _go(service.submit(resources.store_for(q), q, here, page, direction, given))


def missing_message(here: flow.Place) -> str:
    n = len(here.missing)
    what = "the question" if n == 1 else f"the {n} questions"
    return f"Please answer {what} marked “Answer needed” to go on."


# ---------------------------------------------------------------- delete my answers


def ask_delete() -> None:
    _go(flow.ask_delete(st.session_state[_PLACE]), move=False)


def keep_answers() -> None:
    _go(flow.keep_answers(st.session_state[_PLACE]), move=False)


def delete_answers() -> None:
    here: flow.Place = st.session_state[_PLACE]
    if flow.deletable(here) is not None:
        _go(service.delete(resources.get_store(), here, resources.get_questionnaire()))


def delete_controls(here: flow.Place) -> None:
    """ "Delete my answers", with a confirmation, wherever something is stored."""
    if flow.deletable(here) is None:
        return
    if not here.confirming_delete:
        st.button("Delete my answers", on_click=ask_delete, key="delete-ask")
        return
    with st.container(border=True, key="delete-confirm"):
        st.warning(
            "Delete your answers? They leave the room's results and the export, "
            "and cannot be brought back."
        )
        row = st.container(horizontal=True)
        row.button("Keep them", on_click=keep_answers, key="delete-no")
        row.button("Yes, delete them", on_click=delete_answers, key="danger-delete-yes")


def start_afresh() -> None:
    _go(flow.START)
