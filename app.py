import streamlit as st

from survey import ui

st.set_page_config(
    page_title="Believer or Spectator?",
    page_icon="📣",
    layout="centered",
    initial_sidebar_state="collapsed",
)

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
ui.announce_passcode()
st.navigation(pages).run()
