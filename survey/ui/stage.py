"""The stage's glue: the projector page drawn from `survey.stage`'s rules.

The stage link (?s=CODE&t=TOKEN) is a read-only capability: it shows what the room
may see and changes nothing. Its settings (view, threshold, segment, countdown) come
from the database on every poll, so a console in another browser, or on another
worker, reaches it within one STAGE_REFRESH_S.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import plotly.graph_objects as go
import streamlit as st

from survey import aggregate, charts, publishing
from survey import stage as core
from survey import theme as themes
from survey.scoring import BELIEVER, SPECTATOR
from survey.store import now_iso
from survey.ui import browser, facilitator, resources

# How often an open stage looks at the database: a console change shows within 3 s.
STAGE_REFRESH_S = float(os.environ.get("SURVEY_STAGE_REFRESH_S", "1.5"))
CHART_FONT = 24  # px: chart text read from the back of a hall (Plotly's type is fixed)
LABEL_WRAP = 40  # characters per line of an item on the stage: 24 px labels leave the bars
# half of a 1024-wide screen
_POSITION = "stage_position"  # session_state: (view id, console move followed)
KEYS = {  # the clicker sends PageUp/PageDown; keyboards have arrows, Space and Home
    core.NEXT: ("Right", "PageDown", "Space"),
    core.PREVIOUS: ("Left", "PageUp"),
    core.HOME: ("Home",),
}
CLOSED = "This session is closed"
INVALID_LINK = (
    "This stage link is not valid. It may have been replaced by a newer one: "
    "ask the facilitator for the current stage link."
)


# ---------------------------------------------------------------- the link


def read_link() -> tuple[str, str] | None:
    """(code, token) from the address if the token is the session's current one."""
    code = (st.query_params.get("s") or "").strip().upper()
    token = st.query_params.get("t") or ""
    if resources.get_store().stage_for_link(code, token) is None:
        return None
    return code, token


def link(code: str, page_path: str = "") -> str:
    """The session's stage link, with its current token."""
    settings = resources.get_store().stage(code)
    return core.stage_link(_base(page_path), code, settings["token"])


def _base(page_path: str) -> str:
    return facilitator.join_url("X", page_path).removesuffix("/?s=X")


# ---------------------------------------------------------------- the view on show


def position(settings: dict) -> core.View:
    """The view the database says the stage shows: every stage and console follows it.
    The view_seq drawn is remembered, to tell a key press from the same press twice."""
    vs = core.views(resources.get_questionnaire())
    st.session_state[_POSITION] = (settings["view"], settings["view_seq"])
    return core.find(vs, settings["view"])


def move(direction: str) -> None:
    """A key press on the stage (a clicker): writes the new view to the database, so the
    console and every other open stage follow. The link's token is checked on the write,
    and it may change which view shows, nothing else (`Store.step_view_by_link`).

    A press handled twice before the stage redrew moves one view (survey.stage.follow):
    Streamlit hands a button's press to the next run again when a second press cuts the
    first run short, and a clicker's contacts can bounce."""
    vs = core.views(resources.get_questionnaire())
    code = (st.query_params.get("s") or "").strip().upper()
    drawn = st.session_state.get(_POSITION, (None, None))[1]
    pressed = st.session_state.get("stage_pressed")
    moved: list[str] = []

    def decide(view: str, seq: int) -> str | None:
        target = core.follow(vs, view, direction, seq if drawn is None else drawn, pressed)
        moved.extend([target] if target else [])
        return target

    resources.get_store().step_view_by_link(code, st.query_params.get("t") or "", decide)
    if moved and drawn is not None:
        st.session_state["stage_pressed"] = drawn


def keys() -> None:
    """The keyboard and clicker: buttons with shortcuts, kept off screen by the stylesheet.

    Outside the polling fragment: a key pressed while a poll runs then reruns the page
    instead of racing the poll (a press inside the fragment was sometimes lost)."""
    with st.container(key="stage-keys"):
        for direction, shortcuts in KEYS.items():
            for shortcut in shortcuts:
                st.button(
                    f"{direction} ({shortcut})",
                    key=f"key-{shortcut}",
                    shortcut=shortcut,
                    on_click=move,
                    args=(direction,),
                )


# ---------------------------------------------------------------- numbers, memoised


@dataclass(frozen=True)
class Numbers:
    everyone: aggregate.Summary  # the room's published responses, at the threshold in force
    shown: aggregate.Summary  # the segment (or the room again)
    segmented: bool
    groups: core.Groups
    threshold: float
    answering: int  # unfinished with a page stored within aggregate.ANSWERING_WINDOW
    more_needed: int  # finishers still needed before the room has a published group of k


# Module-level, not st.cache_resource: any browser tab can send Streamlit's `clear_cache`
# message, which empties every st.cache_* for the whole server. Kept here, the figures
# survive it: the message no longer makes the stage work its figures out again.
_memo: dict[tuple, core.Figures] = {}
_memo_lock = threading.Lock()


def numbers(code: str, settings: dict) -> Numbers:
    """The stage's numbers, memoised on the session's change counter and the settings:
    an idle poll rebuilds nothing."""
    q = resources.get_questionnaire()
    threshold = settings["threshold"] if settings["threshold"] is not None else q.threshold
    seg = (settings["segment_id"], settings["segment_value"])
    k = aggregate.min_group()
    with resources.room(code) as r:
        key = (resources.get_store().path, code, r.version, r.removed, r.epoch, threshold, seg, k)
        with _memo_lock:
            f = _memo.get(key)
            if f is None:
                if len(_memo) > 64:
                    _memo.clear()
                f = _memo[key] = core.figures(r, threshold, seg, k)
        answering = r.n_answering()  # outside the memo: it changes as time passes
        more = publishing.publication(r, k).more_needed(k)  # real and demo rows step apart
        more = min(more, max(k - r.n_demo, 0)) if r.n_demo else more
    return Numbers(f.everyone, f.shown, f.segmented, f.groups, f.threshold, answering, more)


# ---------------------------------------------------------------- drawing


def draw(code: str) -> None:
    """One poll of the stage: settle a countdown that is due, then draw the view.

    Every view is one column the height of the screen: a heading row (the view's title,
    the event's name and logo), the view's body, and a strip along the bottom (how to
    join while the session is open, that it is closed once it is, the countdown)."""
    s = resources.get_store()
    s.settle_countdown(code, now_iso())
    token = st.query_params.get("t") or ""
    settings = s.stage_for_link(code, token)
    if settings is None:  # the console issued a new link while this one was open
        st.write(INVALID_LINK)
        return
    session = s.get_session(code)
    view = position(settings)
    n = numbers(code, settings)
    theme = resources.get_questionnaire().theme
    browser.stage_accent(theme.accent, theme.ink())
    with st.container(key="stage"):
        _top(view, theme, n)
        with st.container(key=f"stage-body-{view.kind}"):
            if view.kind == "join":
                _join(code, session, n)
            elif view.kind == "closing":
                with st.container(key="stage-middle", vertical_alignment="center"):
                    st.title(core.CLOSING_LINE, anchor=False)
            else:
                _body(view, session, n)
        _strip(code, session, settings, view)


def _top(view: core.View, theme: themes.Theme, n: Numbers) -> None:
    """The heading row: the view's title; the demo badge; the event's logo and name."""
    titled = view.kind not in ("join", "closing")
    demo = n.everyone.n_demo > 0
    if not (titled or demo or theme.event or theme.logo_bytes):
        return
    with st.container(key="stage-top", horizontal=True, vertical_alignment="center"):
        if titled:
            st.header(view.title, anchor=False)
        else:
            st.space("stretch")
        if demo:
            st.markdown(":orange-badge[Demo data]", width="content")
        if theme.event or theme.logo_bytes:
            with st.container(key="stage-event", horizontal=True, width="content"):
                if theme.logo_bytes:
                    st.image(theme.logo_bytes, output_format=_FORMATS[theme.logo_type])
                if theme.event:
                    st.text(theme.event)  # the file's words: plain text, never HTML


_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def _strip(code: str, session: dict, settings: dict, view: core.View) -> None:
    """The strip along the bottom: how to join or that the session is closed, and the
    countdown to the close while one runs."""
    what = core.strip(view, bool(session["is_open"]))
    left = _countdown_ms(settings) if session["is_open"] else None
    if what == core.NONE and left is None:
        return
    with st.container(key="stage-strip", horizontal=True, vertical_alignment="center"):
        if what == core.JOIN:
            url = facilitator.join_url(code, "stage")
            with st.container(key="stage-strip-join"):
                st.markdown("Join at")
                st.markdown(f"**{core.short_link(url)}**")
            with st.container(key="stage-strip-code", width="content"):
                st.markdown("Code")
                st.markdown(f"**{code}**")
        elif what == core.CLOSED:
            with st.container(key="stage-strip-closed"):
                st.markdown(f"**{CLOSED}**")
        else:
            st.space("stretch")
        if left is not None:
            browser.countdown(left)
        if what == core.JOIN:
            with st.container(key="stage-strip-qr", width="content"):
                st.image(facilitator.qr_png(url), alt=f"QR code for {url}", output_format="PNG")


def _countdown_ms(settings: dict) -> int | None:
    closes = settings["closes_at"]
    at = datetime.fromisoformat(closes.replace("Z", "+00:00")) if closes else None
    return core.milliseconds_left(at, datetime.now(UTC))


def _join(code: str, session: dict, n: Numbers) -> None:
    if not session["is_open"]:  # no link, no code, no QR: nobody can join now
        with st.container(key="stage-middle", vertical_alignment="center"):
            st.text(session["title"])  # the facilitator's words: plain text, never HTML
            st.title(CLOSED, anchor=False)
            _counts(session, n)
        return
    url = facilitator.join_url(code, "stage")
    with st.container(key="stage-join", horizontal=True, vertical_alignment="center"):
        with st.container(key="stage-join-text"):
            st.text(session["title"])  # the facilitator's words: plain text, never HTML
            st.markdown("Scan the QR code, or open")
            st.markdown(f"**{core.short_link(url)}**")
            st.markdown("Session code")
            st.title(code, anchor=False)
            _counts(session, n)
        with st.container(key="stage-qr", width="content"):
            st.image(facilitator.qr_png(url), alt=f"QR code for {url}", output_format="PNG")


def _counts(session: dict, n: Numbers) -> None:
    """Finished, and while the session is open, how many are still answering (once it
    is closed, nobody is: those who had not finished can no longer). Both exact: a count
    gives nobody's answers away, so it need not wait for k more like the figures."""
    counts = st.container(horizontal=True, key="stage-counts")
    counts.metric("Finished", n.everyone.n_finished, width="content")
    if session["is_open"]:
        counts.metric("Answering now", n.answering, width="content")


def _body(view: core.View, session: dict, n: Numbers) -> None:
    k = aggregate.min_group()
    status = core.screen(view, bool(session["revealed"]), n.groups)
    if status == core.COMING:
        _coming(session, n)
        return
    if status == core.FEW:
        _placeholder(view, n, k)
        return
    if n.segmented:
        st.caption(f"Segment: {n.shown.n_complete} people")  # the value is on the console
    elif n.everyone.n_complete < n.everyone.n_finished:
        st.caption(core.published_note(n.everyone.n_complete, n.everyone.n_finished, k))
    getattr(_VIEWS, view.kind)(view, n, k)


def _coming(session: dict, n: Numbers) -> None:
    """Before the reveal: the room filling up, live, in place of the figures."""
    with st.container(key="stage-middle", vertical_alignment="center"):
        _counts(session, n)
        if session["is_open"]:
            browser.stage_progress(n.everyone.n_finished, n.answering)
        st.markdown("### Results coming…")


def _placeholder(view: core.View, n: Numbers, k: int) -> None:
    with st.container(key="stage-middle", vertical_alignment="center"):
        st.markdown(f"### {core.few_message(view, n.shown, n.groups, n.segmented, k)}")
        if n.shown.n_complete < k and not n.segmented:  # a segment's count would tell who
            more = aggregate.more_responses(n.more_needed)
            st.markdown(f"{more} needed before results are shown.")
        counts = st.container(horizontal=True, key="stage-counts")
        counts.metric("Finished", n.everyone.n_finished, width="content")


def _chart(fig: go.Figure, key: str) -> None:
    # "fill-" keys: the stylesheet lets these charts take the rest of the screen.
    st.plotly_chart(fig, key=f"fill-{key}", theme=None, config=charts.CONFIG, height="stretch")


class _VIEWS:
    """One drawing per view kind (called as _VIEWS.<kind>)."""

    @staticmethod
    def split(view: core.View, n: Numbers, k: int) -> None:
        # The numbers once, as large as the screen allows, over a bar of their shares
        # (the bar carries no numbers of its own).
        s = n.shown
        with st.container(key="stage-middle", vertical_alignment="center"):
            row = st.container(horizontal=True, key="stage-split")
            for klass, count in ((BELIEVER, s.believers), (SPECTATOR, s.spectators)):
                row.metric(f"{klass.capitalize()}s · {count}", f"{s.share(count):.0f}%")
            browser.stage_split_bar(s.share(s.believers))
            _threshold_note(n)

    @staticmethod
    def distribution(view: core.View, n: Numbers, k: int) -> None:
        q = resources.get_questionnaire()
        hypothetical = n.threshold != q.threshold
        _chart(charts.histogram(n.shown, n.threshold, True, hypothetical, CHART_FONT, None), "hist")

    @staticmethod
    def profile(view: core.View, n: Numbers, k: int) -> None:
        q = resources.get_questionnaire()
        shown = [c for c, ok in n.groups.classes.items() if ok]
        for klass, ok in n.groups.classes.items():
            if not ok:
                st.markdown(core.fewer_than(k, f"{klass}s"))
        _chart(charts.dimension_bars(n.shown, q, True, shown, CHART_FONT, None), "dims")

    @staticmethod
    def items(view: core.View, n: Numbers, k: int) -> None:
        q = resources.get_questionnaire()
        legend = charts.likert_legend(q, CHART_FONT)
        st.plotly_chart(legend, key="scale", theme=None, config=charts.CONFIG)
        bars = charts.likert_bars(
            n.shown,
            q,
            True,
            view.items,
            CHART_FONT,
            None,
            legend=False,
            wrap=LABEL_WRAP,
            mark_reverse=False,  # "(R)" is for analysts; the room needs no key to it
        )
        _chart(bars, view.id)

    @staticmethod
    def time(view: core.View, n: Numbers, k: int) -> None:
        _chart(charts.timeline(n.shown, True, CHART_FONT, None), "timeline")


def _threshold_note(n: Numbers) -> None:
    q = resources.get_questionnaire()
    if n.threshold != q.threshold:
        st.caption(f"What-if: believer from {n.threshold:g} instead of {q.threshold:g}.")
