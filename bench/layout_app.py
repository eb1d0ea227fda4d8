"""The survey's question page without the survey: the same widgets, none of its logic.

Seven horizontal radios in a form, the progress bar, and Back and Next in one
row, as on a survey page; no navigation, no session state, no database. Run
beside the floor app, it splits the survey's gap to the floor into what
Streamlit's widgets cost and what the app's own work costs.
"""

import streamlit as st

SCALE = ["Never", "Rarely", "Sometimes", "Often", "Very often"]

st.progress(0.25, text="Page 2 of 4")
with st.form("page", border=False):
    for i in range(7):
        st.radio(
            f"Question {i + 1}: in a typical week, how often do you do this on social media?",
            [1, 2, 3, 4, 5],
            format_func=lambda v: SCALE[v - 1],
            index=None,
            key=f"q_{i}",
            horizontal=True,
        )
    buttons = st.container(horizontal=True)
    buttons.form_submit_button("Back", width="stretch")
    buttons.form_submit_button("Next", type="primary", width="stretch")
