import streamlit as st

from survey.i18n import _
from survey.ui import stage, stage_look

stage_look.stage_style()
opened = stage.read_link()  # speaks the session's language from here on
if opened is None:
    st.write(_(stage.INVALID_LINK))
    st.stop()
stage_look.fullscreen_offer()
stage.keys()
code, _token = opened


@st.fragment(run_every=stage.STAGE_REFRESH_S)
def live() -> None:
    stage.draw(code)


live()
