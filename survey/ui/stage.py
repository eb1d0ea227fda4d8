"""The stage's glue: the projector page drawn from `survey.stage`'s rules.

The stage link (?s=CODE&t=TOKEN) is a read-only capability: it shows what the room
may see and changes nothing. Its settings (view, threshold, segment, countdown) come
from the database on every poll, so a console in another browser, or on another
worker, reaches it within one STAGE_REFRESH_S.

This module owns the page's entry points (the link, one poll) and the frame every view
shares: the heading row, the join view, the strip along the bottom. The stage speaks the
session's language (set on the console): every page run and every poll reads it with the
session's row and sets it for this browser session (`survey.ui.LANGUAGE`); the join view
also gives its instructions, smaller, in the session's second join language. The clicker is in
`stage_clicker`, the memoised numbers in `stage_numbers`, the results views' bodies in
`stage_views`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import streamlit as st

from survey import i18n
from survey import stage as core
from survey import stage_text as words
from survey import theme as themes
from survey.i18n import N_, _
from survey.store import now_iso
from survey.ui import (
    LANGUAGE,
    facilitator,
    resources,
    stage_clicker,
    stage_look,
    stage_numbers,
    stage_views,
    stage_words,
)
from survey.ui.stage_numbers import Numbers

# How often an open stage looks at the database: a console change shows within 3 s.
STAGE_REFRESH_S = float(os.environ.get("SURVEY_STAGE_REFRESH_S", "1.5"))
INVALID_LINK = N_(
    "This stage link is not valid. It may have been replaced by a newer one: "
    "ask the facilitator for the current stage link."
)
keys = stage_clicker.keys  # the clicker's buttons, drawn by the page outside the poll


# ---------------------------------------------------------------- the link


def read_link() -> tuple[str, str] | None:
    """(code, token) from the address if the token is the session's current one."""
    code = (st.query_params.get("s") or "").strip().upper()
    token = st.query_params.get("t") or ""
    s = resources.get_store()
    if s.stage_for_link(code, token) is None:
        return None
    speak(s.get_session(code))  # before anything of the page is drawn
    return code, token


def speak(session: dict | None) -> bool:
    """Speak the session's language on this stage from now on; True if it changed."""
    language = (session or {}).get("language") or i18n.SOURCE
    changed = st.session_state.get(LANGUAGE) != language
    st.session_state[LANGUAGE] = language
    return changed


def link(code: str, page_path: str = "") -> str:
    """The session's stage link, with its current token."""
    settings = resources.get_store().stage(code)
    return core.stage_link(_base(page_path), code, settings["token"])


def _base(page_path: str) -> str:
    return facilitator.join_url("X", page_path).removesuffix("/?s=X")


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
        st.write(_(INVALID_LINK))
        return
    session = s.get_session(code)
    if speak(session):  # the console chose another language: the whole page in it
        st.rerun(scope="app")
    view = stage_clicker.position(settings)
    n = stage_numbers.numbers(code, settings)
    theme = resources.get_questionnaire().theme
    stage_look.stage_accent(theme.accent, theme.ink())
    with st.container(key="stage"):
        _top(view, theme, n)
        with st.container(key=f"stage-body-{view.kind}"):
            if view.kind == "join":
                _join(code, session, n)
            elif view.kind in ("words", "themes"):  # the room's own words (stage_words.py)
                stage_words.draw(code, view)
            elif view.kind == "closing":
                with st.container(key="stage-middle", vertical_alignment="center"):
                    st.title(words.closing_line(), anchor=False)
            else:
                stage_views.body(view, session, n)
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
            st.markdown(":orange-badge[" + _("Demo data") + "]", width="content")
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
                st.markdown(_("Join at"))
                st.markdown(f"**{core.short_link(url)}**")
            with st.container(key="stage-strip-code", width="content"):
                st.markdown(_("Code"))
                st.markdown(f"**{code}**")
        elif what == core.CLOSED:
            with st.container(key="stage-strip-closed"):
                st.markdown(f"**{words.join_words().closed}**")
        else:
            st.space("stretch")
        if left is not None:
            stage_look.countdown(left)
        if what == core.JOIN:
            with st.container(key="stage-strip-qr", width="content"):
                st.image(facilitator.qr_png(url), alt=_qr_alt(url), output_format="PNG")


def _countdown_ms(settings: dict) -> int | None:
    closes = settings["closes_at"]
    at = datetime.fromisoformat(closes.replace("Z", "+00:00")) if closes else None
    return core.milliseconds_left(at, datetime.now(UTC))


def _qr_alt(url: str) -> str:
    return _("QR code for {url}").format(url=url)


def _join(code: str, session: dict, n: Numbers) -> None:
    """How to join, in the session's language, and smaller under each line, in its second
    join language when it has one; once closed, only that it is closed."""
    said = [
        words.join_words(lang)
        for lang in words.join_languages(session["language"], session["join_language"])
    ]
    if not session["is_open"]:  # no link, no code, no QR: nobody can join now
        with st.container(key="stage-middle", vertical_alignment="center"):
            st.text(session["title"])  # the facilitator's words: plain text, never HTML
            st.title(said[0].closed, anchor=False)
            _also(said, "closed")
            stage_views.counts(session, n)
        return
    url = facilitator.join_url(code, "stage")
    with st.container(key="stage-join", horizontal=True, vertical_alignment="center"):
        with st.container(key="stage-join-text"):
            st.text(session["title"])  # the facilitator's words: plain text, never HTML
            st.markdown(said[0].scan)
            _also(said, "scan")
            st.markdown(f"**{core.short_link(url)}**")
            st.markdown(said[0].code)
            _also(said, "code")
            st.title(code, anchor=False)
            stage_views.counts(session, n)
        with st.container(key="stage-qr", width="content"):
            st.image(facilitator.qr_png(url), alt=_qr_alt(url), output_format="PNG")


def _also(said: list[words.JoinWords], line: str) -> None:
    """A line of the join view again in the second join language, smaller, below it."""
    for other in said[1:]:
        with st.container(key=f"stage-join-also-{line}"):
            st.markdown(getattr(other, line))
