import streamlit as st

from survey import ui

q = ui.questionnaire()
store = ui.store()
pages = q.pages()
state = ui.participant_state(q, store)

if state.get("notice"):
    st.warning(state.pop("notice"))

# ---------------------------------------------------------------- join
if not state.get("code"):
    st.title(q.title)
    st.write(q.intro)
    with st.form("join", border=True):
        st.text_input("Session code", max_chars=12, key="join_code", placeholder="e.g. K7PX")
        st.form_submit_button("Join", type="primary", on_click=ui.join_from_form, width="stretch")
    default = store.default_session()
    if default and default["is_open"]:
        st.button(
            "No code? Join the open session", on_click=ui.join_session, args=(default["code"],)
        )
    st.stop()

# ---------------------------------------------------------------- result
if state.get("complete"):
    ui.show_result(q, store, state)
    st.stop()

# ---------------------------------------------------------------- survey pages
k = state["page"]
total = q.page_count
st.progress(k / total, text=f"Page {k + 1} of {total}")
if k == 0:
    st.subheader(q.title)
    st.write(q.intro)
    st.text(f"Session: {state['title']}")
if state.get("missing"):
    st.error("Please answer: " + "; ".join(f"“{t}”" for t in state["missing"]))

with st.form(f"page-{k}", border=False):
    if k < len(pages):
        for item in pages[k]:
            st.radio(
                item.text,
                options=[1, 2, 3, 4, 5],
                format_func=lambda v: q.scale[v - 1],
                index=state["answers"][item.id] - 1 if item.id in state["answers"] else None,
                key=f"q_{item.id}",
                horizontal=True,
            )
    else:
        st.write("Last step, and optional: a little about you, for the room's breakdown.")
        for p in q.profile:
            value = state["profile"].get(p.id)
            if p.kind == "multi":
                st.pills(
                    p.text,
                    p.options,
                    selection_mode="multi",
                    default=value or None,
                    key=f"pr_{p.id}",
                )
            else:
                index = p.options.index(value) if value in p.options else None
                st.radio(p.text, p.options, index=index, key=f"pr_{p.id}")
    buttons = st.container(horizontal=True)
    buttons.form_submit_button(
        "Back", on_click=ui.submit_page, args=(k, -1), disabled=k == 0, width="stretch"
    )
    label = "See my result" if k == total - 1 else "Next"
    buttons.form_submit_button(
        label, type="primary", on_click=ui.submit_page, args=(k, 1), width="stretch"
    )
