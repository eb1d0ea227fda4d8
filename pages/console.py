import streamlit as st

from survey.ui import console, console_panels, facilitator, gate

gate.require_facilitator(own_language=False)  # the console speaks its session's language
picker, opener = st.columns([4, 1], vertical_alignment="bottom")
with picker:
    code, _ = console.pick_session()
with opener:
    console_panels.top(code)
console.sync_widgets(code)

st.fragment(run_every=console.VIEW_REFRESH_S)(console_panels.live)(code)
st.fragment(run_every=facilitator.REFRESH_S)(console.status)(code)

st.fragment(run_every=facilitator.REFRESH_S)(console_panels.moderation)(code)  # open answers

more, shown = st.columns([2, 3], gap="large")
with more:
    console_panels.settings_panel(code)
with shown:
    console_panels.stage_links(code)

console_panels.report_download(code)
console_panels.reliability(code)
