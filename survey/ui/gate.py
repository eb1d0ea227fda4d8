"""The facilitator's passcode form, in front of every facilitator page."""

from __future__ import annotations

import os
import time

import streamlit as st

from survey import auth
from survey.ui import resources


def _passcode() -> str:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml at all: that is the normal case
        secrets = {}
    return auth.resolve_password(os.environ, secrets, resources.data_dir())[0]


@st.cache_resource(show_spinner=False)
def announce_passcode() -> None:
    """Make (and log) the generated passcode as soon as the app is first opened."""
    _passcode()


def require_facilitator() -> None:
    """Show the passcode form and stop the page unless this browser session is signed in."""
    gate: auth.Gate = st.session_state.setdefault("facilitator_gate", auth.Gate())
    if gate.ok:
        return
    st.title("Facilitator sign-in")
    st.write("This page shows the room's answers, so it needs the facilitator passcode.")
    locked = gate.seconds_locked(time.time())
    with st.form("signin"):
        given = st.text_input("Passcode", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted and not locked:
        outcome = gate.attempt(given, _passcode(), time.time())
        if outcome == "ok":
            st.rerun()
        if outcome == "wrong":
            left = auth.MAX_TRIES - gate.failures
            tries = "1 try" if left == 1 else f"{left} tries"
            st.error(f"That passcode is not right. {tries} left before a short pause.")
        locked = gate.seconds_locked(time.time())
    if locked:
        st.error(f"Too many wrong tries. Wait {locked} seconds, then try again.")
    st.caption(
        "The passcode is printed in the server log on first start, or set with "
        "SURVEY_ADMIN_PASSWORD. See the README."
    )
    st.stop()
