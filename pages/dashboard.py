import streamlit as st

from survey import aggregate
from survey.ui import facilitator, gate, resources

gate.require_facilitator()
q, store = resources.get_questionnaire(), resources.get_store()
k = aggregate.min_group()

sessions = {s["code"]: s for s in store.list_sessions()}
wanted = (st.query_params.get("s") or "").upper()
with st.sidebar:
    st.header("Dashboard controls")
    codes = list(sessions)
    code = st.selectbox(
        "Session",
        codes,
        index=codes.index(wanted) if wanted in codes else 0,
        format_func=lambda c: f"{c} · {sessions[c]['title']}",
    )
    st.query_params["s"] = code
    session = sessions[code]
    st.toggle(
        "Show results on screen",
        value=bool(session["revealed"]),
        key=f"reveal_{code}",
        on_change=lambda: facilitator.set_revealed(code, st.session_state[f"reveal_{code}"]),
    )
    big = st.toggle("Presenter mode (big type)", value=True)
    what_if = st.slider(
        "What-if threshold (hypothetical)",
        0.0,
        100.0,
        float(q.threshold),
        step=0.5,
        format="%g",
        help="Re-draws the split for another threshold. Stored classes never change.",
    )
    seg_col = st.selectbox(
        "Segment",
        [None, *(p.id for p in q.profile)],
        format_func=lambda p: "Everyone" if p is None else q.profile_question(p).text,
    )
    seg_val = (
        st.selectbox("Segment value", q.profile_question(seg_col).options) if seg_col else None
    )

if big:
    facilitator.presenter_style()

url = facilitator.join_url(code, page_path="dashboard")
left, right = st.columns([3, 1], vertical_alignment="center")
with left:
    st.text(session["title"])
    st.markdown(f"# Join at code **{code}**")
    st.write(f"Scan the QR code or open {url}")
    facilitator.join_notes(url)
    if not session["is_open"]:
        st.warning("This session is closed: new answers are not accepted.")
right.image(facilitator.qr_png(url), caption="Scan to join", width=260, alt=f"QR code for {url}")


@st.fragment(run_every=facilitator.REFRESH_S)
def live_panels() -> None:
    live = facilitator.dashboard_view(code, what_if, (seg_col, seg_val), big)
    everyone, view = live.everyone, live.view
    c1, c2, c3 = st.columns(3)
    c1.metric("Answers complete", everyone.n_complete)
    c2.metric("Answering now", everyone.n_in_progress)
    if everyone.n_demo:
        c3.metric("Demo responses", everyone.n_demo, help="Synthetic rehearsal data")
    if not resources.get_store().get_session(code)["revealed"]:
        st.info("Results are hidden. Use “Show results on screen” in the sidebar to reveal them.")
        return
    if seg_col:
        st.caption(f"Segment: {seg_val} ({view.n_complete} complete responses)")
    if view.n_complete < k:
        more = aggregate.more_responses(k - view.n_complete)
        st.info(f"{more} needed before results are shown.")
        return
    if what_if != q.threshold:
        st.warning(
            f"What-if: threshold {what_if} instead of {q.threshold:g}. Stored results unchanged."
        )
    s1, s2 = st.columns(2)
    s1.metric(f"Believers · {view.believers}", f"{view.share(view.believers):.0f}%")
    s2.metric(f"Spectators · {view.spectators}", f"{view.share(view.spectators):.0f}%")
    st.plotly_chart(live.figures["split"], key="split", theme=None)
    a, b = st.columns(2)
    a.plotly_chart(live.figures["hist"], key="hist", theme=None)
    b.plotly_chart(live.figures["dims"], key="dims", theme=None)
    st.plotly_chart(live.figures["likert"], key="likert", theme=None)
    st.plotly_chart(live.figures["timeline"], key="timeline", theme=None)


live_panels()

with st.expander("Reliability (for the analyst)"), resources.room(code) as room:
    if room.n < k:
        st.write(f"Needs at least {k} complete responses.")
    else:
        table = aggregate.reliability(room)
        st.dataframe(
            table, hide_index=True, width="stretch", column_config=facilitator.RELIABILITY_COLUMNS
        )
        st.write(
            f"Straight-lined responses (same answer everywhere): {aggregate.straightlined(room)}"
        )
