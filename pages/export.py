import streamlit as st

from survey import ui

ui.require_facilitator()
st.title("export")
