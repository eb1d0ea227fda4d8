"""The facilitator's passcode form, in front of every facilitator page."""

from __future__ import annotations

import os
import time

import streamlit as st

from survey import auth
from survey.store import Unavailable
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


def signed_in() -> bool:
    """Whether this browser session has signed in as the facilitator."""
    gate = st.session_state.get("facilitator_gate")
    return bool(gate and gate.ok)


def require_facilitator() -> None:
    """Show the passcode form and stop the page unless this browser session is signed in.

    Once signed in, a browser session stays in: the server-wide pause that wrong
    passcodes from anyone cause (auth.check) never signs a facilitator out.
    """
    gate: auth.Gate = st.session_state.setdefault("facilitator_gate", auth.Gate())
    if gate.ok:
        return
    st.title("Facilitator sign-in")
    st.write("This page shows the room's answers, so it needs the facilitator passcode.")
    with st.form("signin"):
        given = st.text_input("Passcode", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted and not given:
        st.error("Enter the passcode.")  # not a wrong try: nothing was given to check
    elif submitted:
        try:
            outcome = gate.sign_in(resources.get_store(), given, _passcode(), time.time())
        except Unavailable:
            st.warning(f"{Unavailable.PLAIN} Please wait a moment and try again.")
            st.stop()
        if outcome.ok:
            st.rerun()
        if outcome.wait_s:
            st.error(
                f"Too many wrong passcodes. Sign-in is paused: wait {outcome.wait_s} seconds, "
                "then try again."
            )
        elif outcome.status == "wrong":
            st.error("That passcode is not right.")
    st.caption(
        "The passcode is printed in the server log on first start, or set with "
        "SURVEY_ADMIN_PASSWORD. See the README."
    )
    st.stop()
