"""The framework's floor: one form, one radio, one submit button, and nothing else.

The load harness drives this exactly like the survey, so a survey step can be
given as a multiple of the cheapest rerun Streamlit can do on this machine.
"""

import streamlit as st

with st.form("floor"):
    st.radio(
        "How often do you post?",
        ["Never", "Rarely", "Sometimes", "Often", "Very often"],
        index=None,
        key="q_floor",
        horizontal=True,
    )
    st.form_submit_button("Next", type="primary")
