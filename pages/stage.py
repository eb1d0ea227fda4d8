import streamlit as st

from survey.ui import browser, stage

browser.stage_style()
opened = stage.read_link()
if opened is None:
    st.write(stage.INVALID_LINK)
    st.stop()
browser.fullscreen_offer()
stage.keys()
code, _ = opened


@st.fragment(run_every=stage.STAGE_REFRESH_S)
def live() -> None:
    stage.draw(code)


live()
