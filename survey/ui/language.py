"""The participant's language: settled once per browser session, offered on every
participant page.

A browser session reads the language it chose; before choosing, the one its link
carries (&l=, `survey.link`), else the browser's own (`st.context`: navigator.language,
then Accept-Language), else the questionnaire's main one. The choice lives in
st.session_state[LANGUAGE], where `survey.i18n` reads it for the app's own strings; the
place carries it too (`survey.ui.participant`), for the link and the store.

The control is a row of small buttons, one per other language, each in its own name,
after a globe.
On a survey page they are the form's own submit buttons: a browser keeps a form's
choices to itself until the form is sent, so a control outside the form would switch
the words and lose the choices not yet sent (measured with Chromium on Streamlit 1.67).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from survey import i18n, link
from survey.i18n import _
from survey.questionnaire import Questionnaire
from survey.ui import LANGUAGE

ROW_KEY = "languages"  # the control's container (st-key-languages in the page)


def settle(languages: Sequence[str]) -> str:
    """This browser session's language among `languages` (the questionnaire's, main one
    first): the one chosen, else its link's, else its browser's, else the first. Kept
    for the next runs."""
    code = st.session_state.get(LANGUAGE)
    if code not in languages:
        code = link.spoken(languages, st.query_params.get("l"), browsers(languages))
        st.session_state[LANGUAGE] = code
    return code


def browsers(languages: Sequence[str]) -> str | None:
    """The first of the browser's own languages that `languages` offers, or None."""
    header = st.context.headers.get("Accept-Language")
    preferred = [st.context.locale or "", *i18n.accepted(header)]
    return i18n.negotiate(preferred, list(languages))


def control(q: Questionnaire, on_click: Callable, args: tuple = (), form: bool = False) -> None:
    """The other languages the questionnaire has, each in its own name; a choice calls
    `on_click(code, *args)`. `form`: inside a form, as its submit buttons."""
    here = st.session_state.get(LANGUAGE) or q.languages[0]
    others = [code for code in q.languages if code != here]
    if not others:
        return
    if not form:
        # Nothing on the page waits to be sent: one element, each language a pill, none
        # chosen (survey/ui/app.css draws them as the survey pages' buttons).
        st.pills(
            _("Language"),
            others,
            format_func=q.language_name,
            key=ROW_KEY,
            label_visibility="collapsed",
            on_change=_chosen,
            args=(on_click, args),
        )
        return
    # The row's globe is the style sheet's (survey/ui/app.css), not an element: the row is on
    # every page, and each element is a message on every rerun.
    row = st.container(key=ROW_KEY, horizontal=True, gap="small", vertical_alignment="center")
    for code in others:
        row.form_submit_button(
            q.language_name(code),
            on_click=on_click,
            args=(code, *args),
            key=f"language-{code}",
            type="tertiary",
        )


def _chosen(on_click: Callable, args: tuple) -> None:
    code = st.session_state.get(ROW_KEY)
    st.session_state[ROW_KEY] = None  # a choice, not a state: the row offers the others next
    if code:
        on_click(code, *args)
