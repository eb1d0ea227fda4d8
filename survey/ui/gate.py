"""The facilitator's passcode form, in front of every facilitator page, and the cookie
that keeps a facilitator signed in across a reload (survey.auth says how)."""

from __future__ import annotations

import contextlib
import os
import time

import streamlit as st

from survey import auth
from survey.i18n import _
from survey.store import Unavailable
from survey.ui import facilitator_language, resources


def _passcode() -> str:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml at all: that is the normal case
        secrets = {}
    return auth.resolve_password(os.environ, secrets, resources.data_dir())[0]


_announced: set[str] = set()  # the data folders whose passcode this process has announced


def announce_passcode() -> None:
    """Make (and log) the generated passcode as soon as the app is first opened: once per
    process and data folder, a set lookup on every other run."""
    folder = str(resources.data_dir())
    if folder not in _announced:
        _passcode()
        _announced.add(folder)


_GATE = "facilitator_gate"  # session_state: this browser session's auth.Gate
_TICKET = "facilitator_ticket"  # a ticket the page has yet to hand in for the cookie
_SIGNED_OUT = "facilitator_signed_out"  # signed out here: the cookie no longer counts
_CLEAR = "facilitator_clear_cookie"  # the page has yet to ask for the cookie's removal

# The page hands its ticket to the server's sign-in route (survey.serving.doors) in a request's
# body: never in the page's address, and the cookie it gets back is HttpOnly. Facilitator
# pages sit one level under the app's base path, so the route's relative address works
# behind any baseUrlPath. Only our constant text and a URL-safe ticket go in here.
_HAND_IN = """<script>
fetch("_survey/%(route)s", {method: "POST", body: "%(ticket)s", credentials: "same-origin",
  cache: "no-store"}).catch(function () { /* no route: signed in until a reload */ });
</script>"""


def signed_in() -> bool:
    """Whether this browser session has signed in as the facilitator, or its browser
    holds a facilitator sign-in cookie that is still good."""
    gate = st.session_state.get(_GATE)
    return bool(gate and gate.ok) or _from_cookie()


def _cookie() -> str | None:
    with contextlib.suppress(Exception):  # outside a browser (AppTest) there are none
        return st.context.cookies.get(auth.COOKIE)
    return None


def _from_cookie() -> bool:
    cookie = _cookie()
    if not cookie or st.session_state.get(_SIGNED_OUT):
        return False
    try:
        ok = auth.signed_in(resources.get_store(), cookie, time.time())
    except Unavailable:
        return False
    if ok:
        st.session_state.setdefault(_GATE, auth.Gate()).ok = True
    return ok


def _issue_ticket() -> None:
    with contextlib.suppress(Unavailable):  # if not, signed in all the same, until a reload
        st.session_state[_TICKET] = auth.issue_ticket(resources.get_store(), time.time())


def _hand_in(route: str, ticket: str = "") -> None:
    if not ticket.replace("-", "").replace("_", "").isalnum() and ticket:
        raise ValueError("not a ticket of ours")  # nothing else ever goes in the script
    st.html(_HAND_IN % {"route": route, "ticket": ticket}, unsafe_allow_javascript=True)


def sign_out() -> None:
    """Sign this browser out: the cookie's sign-in is forgotten by the server, and the
    page asks for the cookie to be cleared."""
    with contextlib.suppress(Unavailable):
        auth.sign_out(resources.get_store(), _cookie())
    st.session_state[_GATE] = auth.Gate()
    st.session_state[_SIGNED_OUT] = True
    st.session_state[_CLEAR] = True
    st.session_state.pop(_TICKET, None)


def require_facilitator(own_language: bool = True) -> None:
    """Show the passcode form and stop the page unless this browser session is signed in.

    The form speaks the facilitator's own language (the browser's, or the one chosen in
    the sidebar), and so does a signed-in page unless `own_language` is False (the
    console, which speaks its session's).

    Once signed in, a browser session stays in: the server-wide pause that wrong
    passcodes from anyone cause (auth.check) never signs a facilitator out. A reload
    finds the sign-in again in the browser's cookie.
    """
    gate: auth.Gate = st.session_state.setdefault(_GATE, auth.Gate())
    if gate.ok or _from_cookie():
        if own_language:
            facilitator_language.speak_own()
        if ticket := st.session_state.pop(_TICKET, None):
            _hand_in("sign-in", ticket)
        st.sidebar.button(_("Sign out"), on_click=sign_out)
        return
    facilitator_language.speak_own()
    if st.session_state.pop(_CLEAR, False):
        _hand_in("sign-out")
    st.title(_("Facilitator sign-in"))
    st.write(_("This page shows the room's answers, so it needs the facilitator passcode."))
    with st.form("signin"):
        given = st.text_input(_("Passcode"), type="password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted and not given:
        st.error(_("Enter the passcode."))  # not a wrong try: nothing was given to check
    elif submitted:
        try:
            outcome = gate.sign_in(resources.get_store(), given, _passcode(), time.time())
        except Unavailable:
            st.warning(_("Sign-in can't be checked right now. Please wait a moment and try again."))
            st.stop()
        if outcome.ok:
            st.session_state.pop(_SIGNED_OUT, None)
            _issue_ticket()
            st.rerun()
        if outcome.wait_s:
            st.error(
                _(
                    "Too many wrong passcodes. Sign-in is paused: wait {seconds} seconds, "
                    "then try again."
                ).format(seconds=outcome.wait_s)
            )
        elif outcome.status == "wrong":
            st.error(_("That passcode is not right."))
    st.caption(
        _(
            "The passcode is printed in the server log on first start, or set with "
            "SURVEY_ADMIN_PASSWORD. See the README."
        )
    )
    st.stop()
