"""The participant's glue: widgets and the URL mapped to and from `survey.flow`.

The place lives in st.session_state["place"] and in the URL (?s=CODE&p=TOKEN), so a
refresh or a reconnect resumes where the participant was. Every rule about what
happens next is in `survey.flow`; this module only moves values.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import replace

import streamlit as st

from survey import aggregate, flow, qr, result, retention, rows, sharecard, standing
from survey.questionnaire import Questionnaire
from survey.store import Store, StoreError, Unavailable, new_token
from survey.ui import browser, facilitator, resources

log = logging.getLogger(__name__)
_PLACE = "place"
PLEASE_WAIT = "Your answers are kept on this page: wait a moment, then press the button again."
COME_BACK = "Please wait a moment, then reload this page."
CANNOT_JOIN = f"{Unavailable.PLAIN} Please wait a moment, then join again."
ANSWER_PREFIX = "q_"  # widget keys of item answers; the load harness reads them too
PROFILE_PREFIX = "pr_"
_VIEW = "view_seq"  # bumped on every move, so the page opens where it should (browser.py)


def answer_key(item_id: str) -> str:
    return ANSWER_PREFIX + item_id


def profile_key(profile_id: str) -> str:
    return PROFILE_PREFIX + profile_id


def missing_key(item_id: str, first: bool) -> str:
    """The key of an unanswered question's container; the first one's is the one the
    page scrolls to."""
    return browser.FIRST_MISSING_KEY if first else f"missing-{item_id}"


def place() -> flow.Place:
    """This browser session's place in the survey, synced with the URL and the database."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    token, code = st.query_params.get("p"), st.query_params.get("s")
    action = flow.url_action(here, code, token)
    if action == flow.RESUME:
        s = resources.get_store()
        row = s.current_response(token)
        session = s.get_session(row["session_code"]) if row else None
        answered = resources.questionnaire_version(row["fingerprint"]) if row else None
        current = resources.get_questionnaire().fingerprint
        here = _go(flow.resume(answered, token, row, session, new_token(), current))
    elif action == flow.RESTORE_LINK:
        _sync_url(here)  # a page switch dropped the query string: put the link back
    elif action == flow.JOIN:
        here = _go(flow.join(code, resources.get_store().get_session, new_token(), _current()))
    return here


@contextlib.contextmanager
def plain_when_unavailable() -> Iterator[None]:
    """Around what the page reads from the database: when it cannot be used (a file that
    is a folder, damaged or not a database, a database server down), the page stops with
    the plain message instead of Streamlit's error page, and the log gets one line."""
    try:
        yield
    except Unavailable as exc:
        log.error("The survey page could not read the database: %s", exc)
        st.warning(f"{Unavailable.PLAIN} {COME_BACK}")
        st.stop()


def default_session(s: Store, here: flow.Place, shown: str = "") -> dict | None:
    """The open session anyone may join without a code, or None; None too for someone
    who asked for a session (`flow.offers_open_session`). While the database
    cannot be read, the join form stays and the plain message is shown below it (unless
    `shown`, the notice at the top, says it already)."""
    if not flow.offers_open_session(here):
        return None
    try:
        return s.default_session()
    except Unavailable as exc:
        log.error("The join page could not read the database: %s", exc)
        if shown != CANNOT_JOIN:
            st.warning(CANNOT_JOIN)
        return None


# A refresh keeps every page sent; this page's choices are in the browser until Next.
SAVED_ON_NEXT = "Your answers are saved each time you press Next (or Back)."


def what_is_kept() -> str:
    """The join page's sentence on what is kept, and for how long (SURVEY_RETENTION_DAYS)."""
    return retention.kept_sentence(retention.days())


def questionnaire(here: flow.Place) -> Questionnaire:
    """The questionnaire this participant answers: the version they began on, which is
    the one in force unless the file was edited since (then theirs is kept for them)."""
    return resources.questionnaire_version(here.fingerprint) or resources.get_questionnaire()


def _current() -> str:
    return resources.get_questionnaire().fingerprint


def take_notice() -> str:
    """The place's one-off message, cleared once shown."""
    here: flow.Place = st.session_state.get(_PLACE, flow.START)
    if here.notice:
        st.session_state[_PLACE] = replace(here, notice="")
    return here.notice


def _go(new: flow.Place, move: bool = True) -> flow.Place:
    st.session_state[_PLACE] = new
    if move:
        st.session_state[_VIEW] = st.session_state.get(_VIEW, 0) + 1
    _sync_url(new)
    return new


def open_view(here: flow.Place) -> None:
    """Open the page at its top, or at the first unanswered question (call it last)."""
    target = browser.MISSING if here.missing else browser.TOP
    browser.open_view(target, st.session_state.get(_VIEW, 0))


def _sync_url(here: flow.Place) -> None:
    wanted = flow.link(here)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def join_session(raw_code: str) -> None:
    try:
        find = resources.get_store().get_session
        _go(flow.join(raw_code, find, new_token(), _current()))
    except Unavailable as exc:
        log.error("A participant could not join: %s", exc)
        here = st.session_state.get(_PLACE, flow.START)
        _go(flow.not_saved(here, CANNOT_JOIN), move=False)


def join_from_form() -> None:
    join_session(st.session_state.get("join_code", ""))


def start_over() -> None:
    _go(flow.retake(st.session_state[_PLACE], new_token(), _current()))


def submit_page(page: int, direction: int) -> None:
    """Form callback: save this page's answers, then move on, back, or to the result."""
    here: flow.Place = st.session_state[_PLACE]
    q = questionnaire(here)
    if page < len(q.pages()):
        given = {it.id: st.session_state.get(answer_key(it.id)) for it in q.pages()[page]}
    else:
        given = {p.id: st.session_state.get(profile_key(p.id)) for p in q.profile}
    moved, write = flow.submit(q, here, page, direction, given)
    if write is not None:
        try:
            s = resources.store_for(q)
            outcome = s.save_page(**vars(write))
            if earlier := flow.to_supersede(moved, outcome):
                # A second short transaction: for those few milliseconds the person counts
                # twice, which is harmless; save_page stays the one path for every write.
                s.supersede(earlier, outcome.token)
            moved = flow.saved(moved, write, outcome)
        except Unavailable as exc:
            log.error("A participant's page was not saved: %s", exc)  # the path: log only
            moved = flow.not_saved(moved, f"{Unavailable.PLAIN} {PLEASE_WAIT}")
        except StoreError as exc:  # a refused value, e.g. from a forged message
            moved = flow.not_saved(moved, str(exc))
    _go(moved)


def missing_message(here: flow.Place) -> str:
    n = len(here.missing)
    what = "the question" if n == 1 else f"the {n} questions"
    return f"Please answer {what} marked “Answer needed” to go on."


# ---------------------------------------------------------------- delete my answers


def ask_delete() -> None:
    _go(flow.ask_delete(st.session_state[_PLACE]), move=False)


def keep_answers() -> None:
    _go(flow.keep_answers(st.session_state[_PLACE]), move=False)


def delete_answers() -> None:
    here: flow.Place = st.session_state[_PLACE]
    token = flow.deletable(here)
    if token is None:
        return
    try:
        resources.get_store().delete_response(token)
    except Unavailable as exc:
        log.error("A participant's answers were not deleted: %s", exc)
        _go(flow.not_saved(here, f"{Unavailable.PLAIN} Please try again in a moment."))
        return
    _go(flow.deleted(here, new_token(), _current()))


def delete_controls(here: flow.Place) -> None:
    """ "Delete my answers", with a confirmation, wherever something is stored."""
    if flow.deletable(here) is None:
        return
    if not here.confirming_delete:
        st.button("Delete my answers", on_click=ask_delete, key="delete-ask")
        return
    with st.container(border=True, key="delete-confirm"):
        st.warning(
            "Delete your answers? They leave the room's results and the export, "
            "and cannot be brought back."
        )
        row = st.container(horizontal=True)
        row.button("Keep them", on_click=keep_answers, key="delete-no")
        row.button("Yes, delete them", on_click=delete_answers, key="danger-delete-yes")


@st.cache_data(max_entries=256, show_spinner=False)
def _card_png(card: sharecard.Card) -> bytes:
    # Drawing and compressing a card costs ~8 ms; the same result is drawn once.
    return sharecard.png(card)


@st.cache_data(max_entries=4096, show_spinner=False)
def _link_qr(link: str) -> bytes:
    # Encoding a QR code costs ~8 ms of pure Python (segno tries every mask); the result
    # page is drawn again on every rerun, so each participant's code is made once.
    return qr.png(link, scale=4, quick=True)


def private_link(here: flow.Place) -> str:
    """The participant's own link back to their result (?s=CODE&p=TOKEN)."""
    return facilitator.join_url(here.code) + f"&p={here.token}"


def _all_rooms(q: Questionnaire, s: Store, overall: float, k: int) -> str:
    """ "All rooms so far": how the participant compares with everyone who answered this
    version of the questionnaire (`q`, theirs), in steps of k like the room; empty until
    that adds anyone beyond this session."""
    norm = resources.norm(q)  # read at most every 30 s per server, whatever clear_cache says
    return result.everyone(aggregate.compare(norm.room, overall, step=k), norm.other_versions)


def show_result(q: Questionnaire, s: Store, here: flow.Place) -> None:
    """The participant's result: class and score at a glance, the profile against the
    room, tips, and something to take home. Drawn with the questionnaire version they
    answered, whatever the file says now."""
    row = s.get_response(here.token)
    if row is None:  # deleted since, with its session or on its own
        st.warning(flow.NOT_FOUND)
        st.button("Start afresh", on_click=lambda: _go(flow.START), type="primary")
        return
    q = resources.questionnaire_version(row["fingerprint"]) or q
    mine = rows.result_from_row(q, row)
    k = aggregate.min_group()
    session = s.get_session(here.code)
    held = flow.comparison_held(session, s.stage_settings(here.code))
    with resources.room(here.code) as r:
        room = aggregate.compare(r, mine.overall, step=k)
    shown = room.counted > 0 and not held  # none while a step waits for k new finishers
    with st.container(key="result"):
        believer = mine.klass == "believer"
        st.caption("Your result")
        st.title("You're a Believer" if believer else "You're a Spectator", anchor=False)
        scores = st.container(horizontal=True)
        scores.metric("Your score", f"{mine.overall:.0f} / 100")
        if not shown:  # otherwise the room's picture below marks the threshold
            scores.metric("Believer from", f"{q.threshold:g}")
        st.write(result.BELIEVER_LINE if believer else result.SPECTATOR_LINE)

        st.header("Where you stand", anchor=False)
        if shown:
            said = result.standing(room, k, revealed=bool(session and session["revealed"]))
            with st.container(key="standing"):
                st.html(standing.html(room.hist_counts, mine.overall, q.threshold))
            st.markdown(said.line)
            if said.split:
                st.markdown(f"**{said.split}**")
            st.caption(said.why)
        else:
            st.info(
                flow.HELD
                if held
                else f"{aggregate.more_responses(room.needed)} needed before you can "
                "compare yourself with the room."
            )
            st.button("Check again")
        if not held and (everyone := _all_rooms(q, s, mine.overall, k)):
            st.caption(everyone)

        st.header("Your profile", anchor=False)
        bars = result.profile_bars(q, mine, room.dimension_means if shown else None)
        if shown:
            st.caption("The bar is your score out of 100; the dark mark is the room's average.")
        with st.container(key="result-bars", gap="small"):
            for i, bar in enumerate(bars):
                st.container(key=f"bar-{i}").progress(bar.you, text=bar.label)
        browser.room_marks([b.room for b in bars])

        st.header("Tips for you", anchor=False)
        tips = result.tip_dimensions(q, mine, rows.answers_from_row(q, row))
        for dim_id in tips.chosen:
            dim = q.dimension(dim_id)
            st.markdown(
                f"**{dim.name}** ({mine.dimension_scores[dim_id]:.0f}): {dim.description}\n\n"
                + "\n".join(f"- {tip}" for tip in dim.tips)
            )
        if tips.also_tied:
            names = ", ".join(q.dimension(d).name for d in tips.also_tied)
            st.caption(
                f"Also at the same score: {names}. On a tie, the tips go to the dimension "
                "with your lowest single answer."
            )
        st.info("Want to be a better social media marketer? **Begin living it.**")

        st.header("Take it home", anchor=False)
        card = sharecard.card_for(q, mine)
        image = _card_png(card)
        # Shown at 320 px by the page, not resized by Streamlit (which would redraw the
        # card on every rerun): the share sheet then hands on the full 1080 px card.
        # output_format="PNG": with "auto", Streamlit re-encodes every image without an
        # alpha channel as a JPEG on each rerun, which costs CPU and blurs a QR code.
        with st.container(width=320):
            alt = f"{browser.SHARE_CARD_ALT}: " + ". ".join(card.lines())
            st.image(image, width="stretch", alt=alt, output_format="PNG")
        st.download_button(
            "Download my result (PNG)",
            data=image,
            file_name=sharecard.FILE_NAME,
            mime="image/png",
            on_click="ignore",
            type="primary",
            width="stretch",
        )
        st.download_button(
            "Download the wide one for LinkedIn (PNG)",
            # Drawn only when pressed (the square one is on the page already).
            data=lambda: sharecard.png(card, sharecard.WIDE),
            file_name=sharecard.WIDE_FILE_NAME,
            mime="image/png",
            on_click="ignore",
            width="stretch",
        )
        browser.share_button(sharecard.FILE_NAME)
        link = private_link(here)
        st.write("Keep this link to see your result later:")
        # st.text, not st.code: st.code loads a 1.5 MB syntax highlighter on the phone.
        st.text(link)
        with st.container(width=160):  # sized by the page: Streamlit would resize each rerun
            st.image(
                _link_qr(link),
                width="stretch",
                alt="QR code of your private link",
                output_format="PNG",
            )
        st.caption("Anyone with this link can see your result, so keep it to yourself.")

        st.button("Take it again", on_click=start_over)
        delete_controls(here)
