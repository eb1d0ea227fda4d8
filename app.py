import streamlit as st

from survey.ui import gate

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
page = st.navigation(pages)
# One page config per run, chosen here: projector and console are wide, phones get a column.
st.set_page_config(
    page_title="Believer or Spectator?",
    page_icon="📣",
    layout="wide" if page.url_path in ("console", "stage") else "centered",
    initial_sidebar_state="collapsed",
)
gate.announce_passcode()
page.run()
