"""The facilitator's glue: session actions, the reliability table's columns, join link, QR."""

from __future__ import annotations

import contextlib
import os
import time
from typing import NamedTuple
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from survey import aggregate, codes, export, qr, reliability
from survey.i18n import _, ngettext
from survey.serving import lan
from survey.store import StoreError
from survey.ui import resources

REFRESH_S = float(os.environ.get("SURVEY_REFRESH_S", "2.5"))  # console live refresh


# ---------------------------------------------------------------- session actions


_CHOSEN = "facilitator_session"  # session_state: the session the facilitator works on


def create_session(
    title: str, code: str = "", language: str = "", join_language: str = ""
) -> str | None:
    """Create a session from the form, its stage speaking `language` (and its join
    instructions `join_language` too); show a plain message and return None on bad input.
    The new session becomes the one the console and the export page open on."""
    store = resources.get_store()
    try:
        created = store.create_session(title, code.strip() or None)
    except (StoreError, codes.CodeError) as exc:
        st.error(str(exc))
        return None
    if language:
        store.set_languages(created, language, join_language)
    remember_session(created)
    return created


def remember_session(code: str) -> None:
    """The session chosen on any facilitator page is the one the others open on."""
    st.session_state[_CHOSEN] = code


def chosen_session(sessions: list[dict], wanted: str | None = None) -> int:
    """Where in `sessions` (as `Store.list_sessions` gives them) a session picker starts:
    the one the page's link names, else the one last created or chosen in this browser,
    else the newest session (a facilitator's own, rather than the default one)."""
    codes_ = [s["code"] for s in sessions]
    for code in (wanted, st.session_state.get(_CHOSEN)):
        if code in codes_:
            return codes_.index(code)
    newest = max(sessions, key=lambda s: s["created_at"], default=None)
    return codes_.index(newest["code"]) if newest else 0


def set_open(code: str, is_open: bool) -> None:
    resources.get_store().set_open(code, is_open)


def set_revealed(code: str, revealed: bool) -> None:
    resources.get_store().set_revealed(code, revealed)


def deletion_warning(n: int) -> str:
    """What deleting a session with `n` responses says before it is done."""
    return ngettext(
        "This cannot be undone. {n} response goes.", "This cannot be undone. {n} responses go.", n
    ).format(n=n)


def delete_session(code: str) -> None:
    n = resources.get_store().delete_session(code)
    resources.forget_room(code)
    st.toast(
        ngettext(
            "Deleted session {code} and its {n} response.",
            "Deleted session {code} and its {n} responses.",
            n,
        ).format(code=code, n=n)
    )


# ---------------------------------------------------------------- the console


def reliability_scale_columns() -> dict:
    """The headers of the reliability table per dimension, in the reader's language."""
    return {
        "dimension": _("Dimension"),
        "n": st.column_config.NumberColumn("n"),
        "items": st.column_config.NumberColumn(_("Items")),
        "alpha": st.column_config.NumberColumn(_("Cronbach's α"), format="%.2f"),
        "ci": st.column_config.TextColumn(_("α 95% CI (Feldt)")),
        "omega": st.column_config.NumberColumn(_("McDonald's ω total"), format="%.2f"),
    }


def reliability_columns() -> dict:
    """The headers of the reliability table per question, in the reader's language."""
    return {
        "dimension": _("Dimension"),
        "alpha": None,  # shown once per dimension, in the table above
        "n": None,
        "item": _("Item"),
        "reverse": st.column_config.CheckboxColumn(_("Reverse-keyed")),
        "item_total_r": st.column_config.NumberColumn(_("Item-total r (corrected)"), format="%.2f"),
        "alpha_if_dropped": st.column_config.NumberColumn(_("α if dropped"), format="%.2f"),
        "flag": st.column_config.TextColumn(_("Below 0.2")),
    }


class Reliability(NamedTuple):
    """The analyst's tables: one row per dimension and the whole scale, one per question."""

    scales: list[dict]
    items: list[dict]
    straightlined: int


def reliability_table(code: str) -> Reliability | None:
    """The analyst's tables and the count of straight-lined responses (None under k).
    Real participants only, as in the report and every export."""
    with resources.room(code) as live:
        room = live.without_demo()
        if room.n < aggregate.min_group():
            return None
        scales = [
            {
                "dimension": s["dimension"],
                "n": s["n"],
                "items": s["items"],
                "alpha": s["alpha"],
                "ci": _interval(s["alpha_low"], s["alpha_high"]),
                "omega": s["omega"],
            }
            for s in reliability.summary(room)
        ]
        return Reliability(scales, reliability.reliability(room), reliability.straightlined(room))


def _interval(low: float, high: float) -> str | None:
    # One readable cell; None (undefined) shows as the table's placeholder dash.
    return None if low != low else f"{low:.2f} – {high:.2f}"


# ---------------------------------------------------------------- joining


def join_url(code: str, page_path: str = "") -> str:
    """The link participants open: SURVEY_PUBLIC_URL if set, else what this browser used,
    with a loopback address (localhost, 127.0.0.1) swapped for this machine's LAN one."""
    base = lan.join_base(_browser_base_url(page_path), _lan(), _public_url())
    return f"{base}/?s={code}"


def join_notes(url: str) -> None:
    """Under a join link: a warning if phones cannot open it, and this machine's other
    addresses when the link's host was guessed and there is a choice."""
    choice = _lan()
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    own = {choice.host, *(i.address for i in choice.others)}
    # Only this machine's own addresses can be tried from here; a SURVEY_PUBLIC_URL
    # pointing at a proxy or another host is taken as given.
    reachable = parts.hostname not in own or _reachable(parts.hostname, port)
    warning = lan.link_warning(f"{parts.scheme}://{parts.netloc}", choice, reachable)
    if warning:
        st.warning(warning)
        return
    if _public_url() or parts.hostname != choice.host:
        return
    others = [lan.with_host(url, i.address) for i in choice.others if _reachable(i.address, port)]
    if others:
        st.caption(
            _(
                "This computer has other addresses too: {addresses}. If phones cannot "
                "open the link, set SURVEY_PUBLIC_URL to the one on the venue's network."
            ).format(addresses=", ".join(others))
        )


def _public_url() -> str | None:
    return os.environ.get("SURVEY_PUBLIC_URL") or None


LAN_LOOK_S = 30  # the laptop may join the venue's Wi-Fi after the start: looked up again
_lan_held: list[tuple[float, lan.Choice]] = []  # (when, what): every result page asks


def _lan() -> lan.Choice:
    # Module-level, not st.cache_resource, whose hashing and locks cost a result page more
    # than the look-up they save.
    held = _lan_held[-1] if _lan_held else None
    if held is None or time.monotonic() - held[0] > LAN_LOOK_S:
        held = (time.monotonic(), lan.discover())
        _lan_held[:] = [held]
    return held[1]


@st.cache_resource(show_spinner=False, ttl=10)
def _reachable(host: str, port: int) -> bool:
    return lan.reachable(host, port)


def _browser_base_url(page_path: str) -> str:
    url = None
    # The address this browser used, without the query string. Outside a browser
    # (AppTest) there is none: fall back to the Host header.
    with contextlib.suppress(Exception):
        url = st.context.url
    if not url:
        return f"http://{st.context.headers.get('Host') or 'localhost:8501'}"
    url = url.rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url


@st.cache_data(show_spinner=False, max_entries=100)
def qr_png(url: str) -> bytes:
    return qr.png(url)


# ---------------------------------------------------------------- export


def export_preview(scope: str | None, include_incomplete: bool, demo: bool) -> pd.DataFrame:
    """The first rows of the export, parsed back from the real CSV bytes."""
    return export.preview(resources.get_store(), scope, include_incomplete, include_demo=demo)
