"""The app's pages, for `st.navigation` (app.py): made once per language, copied per run.

`st.Page` resolves and checks its script's path whenever it is made: five of them on every
run of every browser session were a quarter of a millisecond of a participant's page turn
(bench/, py-spy). They are made once per language instead (their titles are translated),
and each run gets copies, because `st.navigation` marks the page it returns as callable,
once, for that run alone.
"""

from __future__ import annotations

import copy

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from survey import i18n
from survey.i18n import _

SURVEY = ""  # the participant's page is the default one, at the app's own address

_made: dict[tuple[str, str], dict[str, list[StreamlitPage]]] = {}


def _make() -> dict[str, list[StreamlitPage]]:
    return {
        _("Participants"): [
            st.Page("pages/survey.py", title=_("Take the survey"), icon="📝", default=True)
        ],
        _("Facilitator"): [
            st.Page("pages/sessions.py", title=_("Sessions"), icon="🗂️", url_path="sessions"),
            st.Page("pages/console.py", title=_("Console"), icon="🎛️", url_path="console"),
            st.Page("pages/stage.py", title=_("Stage"), url_path="stage", visibility="hidden"),
            st.Page("pages/export.py", title=_("Export"), icon="⬇️", url_path="export"),
        ],
    }


def pages() -> dict[str, list[StreamlitPage]]:
    """The app's pages by section, titled in this browser session's language."""
    ctx = get_script_run_ctx()
    folder = str(ctx.pages_manager.main_script_parent) if ctx else ""
    key = (i18n.current(), folder)
    made = _made.get(key)
    if made is None:
        made = _made.setdefault(key, _make())
    return {section: [copy.copy(page) for page in listed] for section, listed in made.items()}
