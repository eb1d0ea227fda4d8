"""The participant's glue: widgets and the URL mapped to and from `survey.participant`.

The place lives in st.session_state["place"] and in the URL (?s=CODE&p=TOKEN&l=fr), so
a refresh or a reconnect resumes where the participant was, in their language
(`survey.ui.language`). Every rule about what happens next is in `survey.flow`, and
every store call in `survey.participant` (the service); this module only moves values
and draws; the survey page's widgets are `survey.ui.widgets`.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from survey import flow
from survey import participant as service
from survey.i18n import N_, _
from survey.questionnaire import Questionnaire
from survey.ui import LANGUAGE, browser, language, resources, widgets
from survey.ui.widgets import ANSWER_PREFIX, profile_key  # noqa: F401 (read here by

# survey/ui/open_question.py and tests/load.py)

_PLACE = "place"
_VIEW = "view_seq"  # bumped on every move, so the page opens where it should (browser.py)


def place() -> flow.Place:
    """This browser session's place in the survey, synced with the URL and the database."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    token, code = st.query_params.get("p"), st.query_params.get("s")
    current = resources.get_questionnaire()
    here = replace(here, language=language.settle(current.languages))
    versions, url_language = resources.questionnaire_version, st.query_params.get("l")
    s = resources.get_store()
    here, do = service.open_link(s, here, code, token, current, versions, url_language)
    if do == "go":
        _go(here)
    elif do == "link":
        _sync_url(here)
    return here


# A refresh keeps every page sent; this page's choices are in the browser until Next.
SAVED_ON_NEXT = N_("Your answers are saved each time you press Next (or Back).")


def questionnaire(here: flow.Place) -> Questionnaire:
    """The questionnaire this participant answers: the version they began on, which is
    the one in force unless the file was edited since (then theirs is kept for them)."""
    return resources.questionnaire_version(here.fingerprint) or resources.get_questionnaire()


def shown(here: flow.Place) -> Questionnaire:
    """That questionnaire in the participant's language: every text a page draws."""
    return questionnaire(here).in_language(here.language)


def take_notice() -> str:
    """The place's one-off message in the reader's language, cleared once shown."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    if not here.notice:
        return ""
    st.session_state[_PLACE] = replace(here, notice="", notice_values={})
    said = _(here.notice)
    return said.format(**here.notice_values) if here.notice_values else said


def _go(new: flow.Place, move: bool = True) -> flow.Place:
    new = replace(new, language=st.session_state.get(LANGUAGE) or new.language)
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
    given = {k: st.session_state.get(key) for k, key in widgets.page_keys(q, page).items()}
    _go(service.submit(resources.store_for(q), q, here, page, direction, given))


def speak(code: str, page: int | None = None) -> None:
    """The language control's callback: read on in `code`. On a survey page (its form
    sent by the control) the choices not yet sent stay in the place, nothing stored, and
    are given back to their widgets so the browser shows them under the new labels."""
    st.session_state[LANGUAGE] = code
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    if page is not None and page == here.page and here.joined and not here.complete:
        q = questionnaire(here)
        typed = {profile_key(o.id) for o in q.open}  # text: the same in any language
        given = widgets.given_back(widgets.page_keys(q, page), keep=typed)
        here, _on_page = flow.unsent(q, here, page, given)
    _go(here, move=False)


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
        st.button(_("Delete my answers"), on_click=ask_delete, key="delete-ask")
        return
    with st.container(border=True, key="delete-confirm"):
        st.warning(
            _(
                "Delete your answers? They leave the room's results and the export, "
                "and cannot be brought back."
            )
        )
        row = st.container(horizontal=True)
        row.button(_("Keep them"), on_click=keep_answers, key="delete-no")
        row.button(_("Yes, delete them"), on_click=delete_answers, key="danger-delete-yes")


def start_afresh() -> None:
    _go(flow.START)
