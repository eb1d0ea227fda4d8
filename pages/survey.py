import streamlit as st

from survey import charts, participant, ui

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
    row = store.get_response(state["token"])
    result = participant.result_from_row(q, row)
    with ui.room(state["code"]) as r:
        n, share_below = r.n, r.share_below(result.overall)
        room = r.dimension_means() if n >= participant.ROOM_MIN else None
    believer = result.klass == "believer"
    st.caption("Your result")
    st.title("You're a Believer" if believer else "You're a Spectator")
    c1, c2 = st.columns(2)
    c1.metric("Your score", f"{result.overall:.0f} / 100")
    c2.metric("Believer from", f"{q.threshold:g}")
    st.write(
        "You live social media: you post, share and join in, and it shows in how you see it."
        if believer
        else "You watch more than you take part. The essay's point: the *why* comes from living it."
    )
    st.plotly_chart(
        charts.profile_radar(q, result.dimension_scores, room),
        config={"displayModeBar": False},
        theme=None,
    )
    st.markdown(
        "\n".join(f"- **{d.name}**: {result.dimension_scores[d.id]:.0f}" for d in q.dimensions)
    )
    if room:
        st.success(
            f"You scored higher than {share_below:.0f}% of the {n} people in this session so far."
        )
    else:
        more = participant.ROOM_MIN - n
        st.info(
            f"{more} more {'response' if more == 1 else 'responses'} needed before you can "
            "compare yourself with the room."
        )
        st.button("Check again")
    st.subheader("Tips for you")
    for dim_id in result.weakest(2):
        dim = q.dimension(dim_id)
        st.markdown(f"**{dim.name}** ({result.dimension_scores[dim_id]:.0f}): {dim.description}")
        st.markdown("\n".join(f"- {tip}" for tip in dim.tips))
    st.info("Want to be a better social media marketer? **Begin living it.**")
    st.button("Take it again", on_click=ui.start_over)
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
    back, nxt = st.columns(2)
    back.form_submit_button(
        "Back", on_click=ui.submit_page, args=(k, -1), disabled=k == 0, width="stretch"
    )
    label = "See my result" if k == total - 1 else "Next"
    nxt.form_submit_button(
        label, type="primary", on_click=ui.submit_page, args=(k, 1), width="stretch"
    )
