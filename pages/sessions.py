import pandas as pd
import streamlit as st

from survey.i18n import _
from survey.ui import facilitator, facilitator_language, gate, resources

gate.require_facilitator()
store, q = resources.get_store(), resources.get_questionnaire()

st.title(_("Sessions"))
st.write(_("Make a session for each talk, then open its console: it gives the stage link."))

with st.form("create", clear_on_submit=True):
    st.header(_("New session"))
    title = st.text_input(_("Title"), placeholder=_("e.g. Social Media Summit, Hall B, 10:30"))
    code = st.text_input(
        _("Code (optional)"), max_chars=6, help=_("4 to 6 letters or digits, no 0/O/1/I.")
    )
    language, join_language = facilitator_language.creation_fields(q)
    if st.form_submit_button(_("Create session"), type="primary"):
        created = facilitator.create_session(title, code, language, join_language)
        if created:
            st.success(
                _("Created session {code}. Open its console to put it on the stage.").format(
                    code=created
                )
            )

sessions = store.list_sessions()
table = pd.DataFrame(sessions)[["code", "title", "is_open", "revealed", "complete", "in_progress"]]
st.header(_("All sessions"))
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "code": _("Code"),
        "title": st.column_config.TextColumn(_("Title")),
        "is_open": st.column_config.CheckboxColumn(_("Open")),
        "revealed": st.column_config.CheckboxColumn(_("Results shown")),
        "complete": st.column_config.NumberColumn(_("Complete")),
        "in_progress": st.column_config.NumberColumn(_("In progress")),
    },
)

st.header(_("Manage a session"))
labels = {s["code"]: f"{s['code']} · {s['title']}" for s in sessions}
chosen = st.selectbox(
    _("Session"),
    list(labels),
    index=facilitator.chosen_session(sessions),
    format_func=labels.get,
)
facilitator.remember_session(chosen)
current = next(s for s in sessions if s["code"] == chosen)
c1, c2 = st.columns(2)
if current["is_open"]:
    c1.button(_("Close to new answers"), on_click=facilitator.set_open, args=(chosen, False))
else:
    c1.button(_("Reopen"), on_click=facilitator.set_open, args=(chosen, True))
c2.page_link("pages/console.py", label=_("Open its console"), icon="🎛️", query_params={"s": chosen})
if current["is_open"]:
    st.caption(_("This session is open: participants can join and answer."))
else:
    st.caption(_("This session is closed: nothing is stored."))
url = facilitator.join_url(chosen, page_path="sessions")
st.write(_("Participants join at {url}").format(url=url))
facilitator.join_notes(url)

if not current["is_default"]:
    with st.expander(_("Delete this session and all its answers")):
        n = current["complete"] + current["in_progress"]
        st.write(facilitator.deletion_warning(n))
        typed = st.text_input(
            _("Type {code} to confirm").format(code=chosen), key=f"confirm_{chosen}"
        )
        if st.button(
            _("Delete for good"), type="primary", disabled=typed.strip().upper() != chosen
        ):
            facilitator.delete_session(chosen)
            st.rerun()
