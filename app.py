import streamlit as st

from survey.ui import gate

pages = {
    "Participants": [
        st.Page("pages/survey.py", title="Take the survey", icon="📝", default=True),
    ],
    "Facilitator": [
        st.Page("pages/sessions.py", title="Sessions", icon="🗂️", url_path="sessions"),
        st.Page("pages/dashboard.py", title="Live dashboard", icon="📊", url_path="dashboard"),
        st.Page("pages/export.py", title="Export", icon="⬇️", url_path="export"),
    ],
}
page = st.navigation(pages)
# One page config per run, chosen here: the projector page is wide, phones get a column.
st.set_page_config(
    page_title="Believer or Spectator?",
    page_icon="📣",
    layout="wide" if page.url_path == "dashboard" else "centered",
    initial_sidebar_state="collapsed",
)
gate.announce_passcode()
page.run()
