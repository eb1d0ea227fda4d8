import pandas as pd
import streamlit as st

from survey.ui import facilitator, gate, resources

gate.require_facilitator()
store = resources.get_store()

st.title("Sessions")
st.write("Make a session for each talk, then open its console: it gives the stage link.")

with st.form("create", clear_on_submit=True):
    st.header("New session")
    title = st.text_input("Title", placeholder="e.g. Social Media Summit, Hall B, 10:30")
    code = st.text_input(
        "Code (optional)", max_chars=6, help="4 to 6 letters or digits, no 0/O/1/I."
    )
    if st.form_submit_button("Create session", type="primary"):
        created = facilitator.create_session(title, code)
        if created:
            st.success(f"Created session {created}. Open its console to put it on the stage.")

sessions = store.list_sessions()
table = pd.DataFrame(sessions)[["code", "title", "is_open", "revealed", "complete", "in_progress"]]
st.header("All sessions")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "code": "Code",
        "title": st.column_config.TextColumn("Title"),
        "is_open": st.column_config.CheckboxColumn("Open"),
        "revealed": st.column_config.CheckboxColumn("Results shown"),
        "complete": st.column_config.NumberColumn("Complete"),
        "in_progress": st.column_config.NumberColumn("In progress"),
    },
)

st.header("Manage a session")
labels = {s["code"]: f"{s['code']} · {s['title']}" for s in sessions}
chosen = st.selectbox(
    "Session",
    list(labels),
    index=facilitator.chosen_session(sessions),
    format_func=labels.get,
)
facilitator.remember_session(chosen)
current = next(s for s in sessions if s["code"] == chosen)
c1, c2 = st.columns(2)
if current["is_open"]:
    c1.button("Close to new answers", on_click=facilitator.set_open, args=(chosen, False))
else:
    c1.button("Reopen", on_click=facilitator.set_open, args=(chosen, True))
c2.page_link("pages/console.py", label="Open its console", icon="🎛️", query_params={"s": chosen})
state = (
    "open: participants can join and answer" if current["is_open"] else "closed: nothing is stored"
)
st.caption(f"This session is {state}.")
url = facilitator.join_url(chosen, page_path="sessions")
st.write(f"Participants join at {url}")
facilitator.join_notes(url)

if not current["is_default"]:
    with st.expander("Delete this session and all its answers"):
        st.write(
            f"This cannot be undone. {current['complete'] + current['in_progress']} responses go."
        )
        typed = st.text_input(f"Type {chosen} to confirm", key=f"confirm_{chosen}")
        if st.button("Delete for good", type="primary", disabled=typed.strip().upper() != chosen):
            facilitator.delete_session(chosen)
            st.rerun()
