"""The framework's floor: the survey's five steps with the least Streamlit allows.

What a participant sees, element for element, drawn from constants: the first page
(title, progress, introduction, three pages of seven radios in a form with Back and
Next), the optional last page (two radios, pills and the open question), then the
result (class, score, where they stand in the room, seven profile bars with the room's
marks, tips, the share card and the link's QR code made only when opened, Take it
again and Delete). No navigation, no database, no scoring, no style sheet or scroll script of
ours: a page counter in session state, moved by the form's callback. The load harness
drives it like the survey (`bench.steps`, `bench.capacity --floor`), so each survey
step can be given as a multiple of the same step here.
"""

import streamlit as st

from bench import floor_content as c

s = st.session_state
k = s.setdefault("page", 0)


def turn(by: int) -> None:
    s.page = max(s.page + by, 0)


if k <= c.PAGES:
    st.title(c.TITLE, anchor=False)
    st.progress(k / (c.PAGES + 1), text=f"Page {k + 1} of {c.PAGES + 1}")
    if k == 0:
        st.markdown(c.INTRO)
    with st.form(f"page-{k}", border=False):
        if k < c.PAGES:
            for i, question in enumerate(c.QUESTIONS):
                st.radio(
                    question,
                    [1, 2, 3, 4, 5],
                    format_func=c.SCALE.__getitem__,
                    index=None,
                    key=f"q_{k}_{i}",
                    horizontal=True,
                )
        else:
            st.markdown(c.PROFILE_LEAD)
            st.radio("Your role", c.ROLES, index=None, key="pr_role")
            st.radio("Years in marketing", c.YEARS, index=None, key="pr_years")
            st.pills("Platforms you use personally", c.PLATFORMS, selection_mode="multi")
            for i, (question, limit) in enumerate(c.OPEN):
                st.text_input(question, max_chars=limit, placeholder="A few words", key=f"o{i}")
            if c.OPEN:
                st.caption(c.ON_STAGE)
        row = st.container(horizontal=True)
        row.form_submit_button("Back", on_click=turn, args=(-1,), disabled=k == 0)
        last = "See my result" if k == c.PAGES else "Next"
        row.form_submit_button(last, type="primary", on_click=turn, args=(1,))
    st.caption(c.SAVED_ON_NEXT)
    if k:
        st.button("Delete my answers")
    st.stop()

st.caption("Your result")
st.title("You're a Believer", anchor=False)
st.metric("Your score", "62 / 100")
st.markdown(c.CLASS_LINE)
st.header("Where you stand", anchor=False)
st.html(c.STANDING)
st.markdown(c.STANDING_LINE)
st.caption(c.STANDING_WHY)
st.header("Your profile", anchor=False)
st.caption(c.BARS_CAPTION)
with st.container(key="result-bars", gap="small"):  # the room's marks find them here
    for label, value in c.BARS:
        st.progress(value, text=label)
st.html(c.ROOM_MARKS)
st.header("Tips for you", anchor=False)
st.markdown(c.TIPS)
st.info(c.CLOSING)
st.header("Take it home", anchor=False)
st.expander("Your share card", key="card", on_change="rerun")
st.markdown(c.LINK_LEAD)
st.text(c.LINK)
st.expander("Your link as a QR code", key="qr", on_change="rerun")
st.caption(c.LINK_CAPTION)
st.button("Take it again")
st.button("Delete my answers")
