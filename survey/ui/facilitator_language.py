"""The facilitator's languages. Their own pages (sessions, export, the sign-in) speak the
browser's language, or the one chosen in the sidebar; the console speaks the language of
the session it drives, which is also the stage's (Store.set_languages), with a second
language for the stage's join instructions.

Only `st.session_state[LANGUAGE]` is ever set here (survey/i18n.py reads it), at the top
of a page run and of each console fragment, which runs without the page's top.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from survey import i18n
from survey.i18n import _
from survey.questionnaire import Questionnaire
from survey.ui import LANGUAGE, resources

OWN = "facilitator_language"  # session_state: the language of the facilitator's own pages
_PICK = "facilitator_language_pick"  # the sidebar select (a widget's state goes with it)
NO_JOIN_LANGUAGE = ""


def browser_language() -> str:
    """The first of the browser's languages (Accept-Language, else its locale) that the
    app's strings are translated into; English if none is."""
    preferred: list[str] = []
    with contextlib.suppress(Exception):  # outside a browser (AppTest) there are no headers
        preferred = i18n.accepted(st.context.headers.get("Accept-Language"))
    if not preferred:
        with contextlib.suppress(Exception):
            preferred = [st.context.locale or ""]
    return i18n.negotiate(preferred, i18n.catalogued()) or i18n.SOURCE


def own() -> str:
    """The facilitator's own language: the one chosen in this browser, else the browser's."""
    chosen = st.session_state.get(OWN)
    if chosen not in i18n.catalogued():
        chosen = st.session_state[OWN] = browser_language()
    return chosen


def speak_own(choice: bool = True) -> None:
    """Speak the facilitator's own language on this page, with a small select in the
    sidebar to change it (`choice`)."""
    st.session_state[LANGUAGE] = own()
    if choice:
        st.session_state[_PICK] = st.session_state[OWN]
        label = _("Language")
        st.sidebar.selectbox(
            f":material/translate: {label}",
            i18n.catalogued(),
            key=_PICK,
            format_func=i18n.name_of,
            on_change=_chosen,
        )


def _chosen() -> None:
    st.session_state[OWN] = st.session_state[_PICK]


# ---------------------------------------------------------------- a session's languages


def of_session(session: dict | None, q: Questionnaire) -> tuple[str, str]:
    """A session's stage and console language and its join instructions' second one
    (NO_JOIN_LANGUAGE for none), as the questionnaire offers them."""
    session = session or {}
    language = session.get("language")
    language = language if language in q.languages else q.languages[0]
    join = session.get("join_language") or NO_JOIN_LANGUAGE
    return language, join if join in q.languages and join != language else NO_JOIN_LANGUAGE


def speak_session(session: dict | None) -> str:
    """Speak the session's language (the console's); returns it."""
    language = of_session(session, resources.get_questionnaire())[0]
    st.session_state[LANGUAGE] = language
    return language


def spoken_questionnaire() -> Questionnaire:
    """The questionnaire in the language spoken now (on the console: the session's)."""
    return resources.get_questionnaire().in_language(i18n.current())


def _key(name: str, code: str) -> str:
    return f"{name}_language_{code}"


def save(code: str) -> None:
    """Store the language settings chosen on the console; the next run speaks them."""
    language = st.session_state[_key("stage", code)]
    join = st.session_state.get(_key("join", code)) or NO_JOIN_LANGUAGE
    resources.get_store().set_languages(code, language, "" if join == language else join)


def join_options(q: Questionnaire, language: str) -> list[str]:
    """What "Join instructions also in" offers: none, or another of the questionnaire's."""
    return [NO_JOIN_LANGUAGE, *(c for c in q.languages if c != language)]


def join_label(q: Questionnaire):
    """The join language's names: a dict's lookup, in the language of the run that drew it."""
    names = {NO_JOIN_LANGUAGE: _("Only the stage's language")}
    names.update({c: q.language_name(c) for c in q.languages})
    return names.__getitem__


def settings(code: str) -> None:
    """The console's language settings, set from the database before they are drawn, so
    a change made on another console shows here too."""
    q = resources.get_questionnaire()
    if len(q.languages) < 2:
        return  # one language: nothing to choose
    language, join = of_session(resources.get_store().get_session(code), q)
    st.session_state[_key("stage", code)] = language
    st.session_state[_key("join", code)] = join
    st.selectbox(
        _("Language of the stage and console"),
        q.languages,
        key=_key("stage", code),
        format_func=q.language_name,
        on_change=save,
        args=(code,),
    )
    st.selectbox(
        _("Join instructions also in"),
        join_options(q, language),
        key=_key("join", code),
        format_func=join_label(q),
        on_change=save,
        args=(code,),
        help=_("The stage's join view says how to join in this language too."),
    )


def creation_fields(q: Questionnaire) -> tuple[str, str]:
    """The language fields of the new-session form: the stage's language (the
    facilitator's own by default) and the join instructions' second one."""
    if len(q.languages) < 2:
        return q.languages[0], NO_JOIN_LANGUAGE
    mine = own()
    language = st.selectbox(
        _("Language of the stage and console"),
        q.languages,
        index=q.languages.index(mine) if mine in q.languages else 0,
        format_func=q.language_name,
    )
    join = st.selectbox(
        _("Join instructions also in"),
        join_options(q, ""),
        format_func=join_label(q),
        help=_("If it is the stage's language, the join view speaks that one only."),
    )
    return language, "" if join == language else join
