"""The participant's glue: widgets and the URL mapped to and from `survey.flow`.

The place lives in st.session_state["place"] and in the URL (?s=CODE&p=TOKEN), so a
refresh or a reconnect resumes where the participant was. Every rule about what
happens next is in `survey.flow`; this module only moves values.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from survey import aggregate, flow, result
from survey.questionnaire import Questionnaire
from survey.store import Store
from survey.ui import resources

_PLACE = "place"


def answer_key(item_id: str) -> str:
    """The widget key of an item's answer (the load harness and tests use it too)."""
    return f"q_{item_id}"


def profile_key(profile_id: str) -> str:
    return f"pr_{profile_id}"


def place() -> flow.Place:
    """This browser session's place in the survey, synced with the URL and the database."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    token, code = st.query_params.get("p"), st.query_params.get("s")
    action = flow.url_action(here, code, token)
    if action == flow.RESUME:
        s = resources.get_store()
        row = s.get_response(token)
        session = s.get_session(row["session_code"]) if row else None
        here = _go(flow.resume(resources.get_questionnaire(), token, row, session))
    elif action == flow.RESTORE_LINK:
        _sync_url(here)  # a page switch dropped the query string: put the link back
    elif action == flow.JOIN:
        here = _go(flow.join(code, resources.get_store().get_session))
    return here


def take_notice() -> str:
    """The place's one-off message, cleared once shown."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    if here.notice:
        st.session_state[_PLACE] = replace(here, notice="")
    return here.notice


def _go(new: flow.Place) -> flow.Place:
    st.session_state[_PLACE] = new
    _sync_url(new)
    return new


def _sync_url(here: flow.Place) -> None:
    wanted = flow.link(here)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def join_session(raw_code: str) -> None:
    _go(flow.join(raw_code, resources.get_store().get_session))


def join_from_form() -> None:
    join_session(st.session_state.get("join_code", ""))


def start_over() -> None:
    _go(flow.retake(st.session_state[_PLACE]))


def submit_page(page: int, direction: int) -> None:
    """Form callback: save this page's answers, then move on, back, or to the result."""
    q = resources.get_questionnaire()
    here: flow.Place = st.session_state[_PLACE]
    if page < len(q.pages()):
        given = {it.id: st.session_state.get(answer_key(it.id)) for it in q.pages()[page]}
    else:
        given = {p.id: st.session_state.get(profile_key(p.id)) for p in q.profile}
    moved, write = flow.submit(q, here, page, direction, given)
    if write is not None:
        moved = flow.saved(moved, write, resources.get_store().save_page(**vars(write)))
    _go(moved)


def missing_texts(q: Questionnaire, here: flow.Place) -> list[str]:
    return [q.item(i).text for i in here.missing]


def show_result(q: Questionnaire, s: Store, here: flow.Place) -> None:
    """The participant's result: class, score, profile, the room, tips."""
    mine = flow.result_from_row(q, s.get_response(here.token))
    k = aggregate.min_group()
    with resources.room(here.code) as r:
        n, share_below = r.n, r.share_below(mine.overall)
        means = r.dimension_means() if n >= k else None
    believer = mine.klass == "believer"
    st.caption("Your result")
    st.title("You're a Believer" if believer else "You're a Spectator")
    scores = st.container(horizontal=True)
    scores.metric("Your score", f"{mine.overall:.0f} / 100")
    scores.metric("Believer from", f"{q.threshold:g}")
    st.write(
        "You live social media: you post, share and join in, and it shows in how you see it."
        if believer
        else "You watch more than you take part. The essay's point: the *why* comes from living it."
    )
    st.subheader("Your profile")
    for bar in result.profile_bars(q, mine, means):
        st.progress(bar.you, text=bar.label)
    if means:
        st.success(
            f"You scored higher than {share_below:.0f}% of the {n} people in this session so far."
        )
    else:
        st.info(
            f"{aggregate.more_responses(k - n)} needed before you can "
            "compare yourself with the room."
        )
        st.button("Check again")
    st.subheader("Tips for you")
    for dim_id in mine.weakest(2):
        dim = q.dimension(dim_id)
        st.markdown(
            f"**{dim.name}** ({mine.dimension_scores[dim_id]:.0f}): {dim.description}\n\n"
            + "\n".join(f"- {tip}" for tip in dim.tips)
        )
    st.info("Want to be a better social media marketer? **Begin living it.**")
    st.button("Take it again", on_click=start_over)
