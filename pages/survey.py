import streamlit as st

from survey.ui import open_question, participant, resources, result_page

with participant.plain_when_unavailable():  # a database that can't be used: a plain message
    place = participant.place()
    q = participant.questionnaire(place)  # the version this participant began on
    store = resources.get_store()
pages = q.pages()

if notice := participant.take_notice():
    st.warning(notice)

# ---------------------------------------------------------------- join
if not place.joined:
    st.title(q.title, anchor=False)
    st.write(q.intro)
    with st.form("join", border=True):
        st.text_input("Session code", max_chars=12, key="join_code", placeholder="e.g. K7PX")
        st.form_submit_button(
            "Join", type="primary", on_click=participant.join_from_form, width="stretch"
        )
    default = participant.default_session(store, place, shown=notice)
    if default and default["is_open"]:
        st.button(
            "No code? Join the open session",
            on_click=participant.join_session,
            args=(default["code"],),
        )
    st.caption(participant.what_is_kept())
    participant.open_view(place)
    st.stop()

# ---------------------------------------------------------------- result
if place.complete:
    with participant.plain_when_unavailable():
        result_page.show(q, store, place)
    participant.open_view(place)
    st.stop()

# ---------------------------------------------------------------- survey pages
k = place.page
total = q.page_count
st.container(key="survey-heading").title(q.title, anchor=False)
st.progress(k / total, text=f"Page {k + 1} of {total}")
if k == 0:
    st.write(q.intro)
    st.text(f"Session: {place.title}")

with st.form(f"page-{k}", border=False):
    if k < len(pages):
        likert = st.container(key="likert")
        for item in pages[k]:
            box = likert
            if item.id in place.missing:
                first = item.id == place.missing[0]
                box = likert.container(border=True, key=participant.missing_key(item.id, first))
                if first:
                    box.error(participant.missing_message(place))
                box.container(key=f"needed-{item.id}").markdown("Answer needed")
            box.radio(
                item.text,
                options=[1, 2, 3, 4, 5],
                format_func=lambda v: q.scale[v - 1],
                index=place.answers[item.id] - 1 if item.id in place.answers else None,
                key=participant.answer_key(item.id),
                horizontal=True,
            )
    else:
        st.write("Last step, and optional: a little about you, for the room's breakdown.")
        for p in q.profile:
            value = place.profile.get(p.id)
            if p.kind == "multi":
                st.pills(
                    p.text,
                    p.options,
                    selection_mode="multi",
                    default=value or None,
                    key=participant.profile_key(p.id),
                )
            else:
                index = p.options.index(value) if value in p.options else None
                st.radio(p.text, p.options, index=index, key=participant.profile_key(p.id))
        open_question.fields(q, place)  # the open questions, after the profile's
    buttons = st.container(horizontal=True)
    buttons.form_submit_button(
        "Back", on_click=participant.submit_page, args=(k, -1), disabled=k == 0, width="stretch"
    )
    label = "See my result" if k == total - 1 else "Next"
    buttons.form_submit_button(
        label, type="primary", on_click=participant.submit_page, args=(k, 1), width="stretch"
    )
st.caption(participant.SAVED_ON_NEXT)
participant.delete_controls(place)
participant.open_view(place)
