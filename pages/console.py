import streamlit as st

from survey.ui import console, console_panels, facilitator, gate

gate.require_facilitator()
code, session = console.pick_session()
settings = console.sync_widgets(code)

st.fragment(run_every=facilitator.REFRESH_S)(console.status)(code)

controls, shown = st.columns([2, 3], gap="large")
with controls:
    console_panels.stage_controls(code)
    console_panels.session_actions(code, session, settings)
with shown:
    console_panels.stage_links(code)

console_panels.report_download(code)
console_panels.reliability(code)
