import streamlit as st

from survey.ui import browser, failures, gate

pages = {
    "Participants": [
        st.Page("pages/survey.py", title="Take the survey", icon="📝", default=True),
    ],
    "Facilitator": [
        st.Page("pages/sessions.py", title="Sessions", icon="🗂️", url_path="sessions"),
        st.Page("pages/console.py", title="Console", icon="🎛️", url_path="console"),
        st.Page("pages/stage.py", title="Stage", url_path="stage", visibility="hidden"),
        st.Page("pages/export.py", title="Export", icon="⬇️", url_path="export"),
    ],
}
# Participants never see or tab onto the facilitator's pages: the menu appears only
# once this browser session has signed in. Every page stays reachable at its URL.
page = st.navigation(pages, position="sidebar" if gate.signed_in() else "hidden")
# One page config per run, chosen here: projector and console are wide, phones get a column.
st.set_page_config(
    page_title="Believer or Spectator?",
    page_icon="📣",
    layout="wide" if page.url_path in ("console", "stage") else "centered",
    initial_sidebar_state="collapsed",
)
browser.style()
gate.announce_passcode()
with failures.shown_plainly():
    page.run()
