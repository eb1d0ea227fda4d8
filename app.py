import streamlit as st

from survey import i18n
from survey.i18n import _
from survey.ui import browser, failures, gate, language, navigation

# Participants never see or tab onto the facilitator's pages: the menu appears only
# once this browser session has signed in. Every page stays reachable at its URL.
pages = navigation.pages()  # survey/ui/navigation.py: the participant's, the facilitator's
page = st.navigation(pages, position="sidebar" if gate.signed_in() else "hidden")
if page.url_path == navigation.SURVEY:  # a participant's tab title is in their language at once
    language.settle(i18n.catalogued())  # the page settles it again among the questionnaire's
# One page config per run, chosen here: projector and console are wide, phones get a column.
st.set_page_config(
    page_title=_("Believer or Spectator?"),
    page_icon="📣",
    layout="wide" if page.url_path in ("console", "stage") else "centered",
    initial_sidebar_state="collapsed",
)
browser.style()
gate.announce_passcode()
with failures.shown_plainly():
    page.run()
