"""The facilitator's glue: session actions, the reliability table's columns, join link, QR."""

from __future__ import annotations

import contextlib
import os

import pandas as pd
import streamlit as st

from survey import codes, export, qr
from survey.store import StoreError
from survey.ui import resources

REFRESH_S = float(os.environ.get("SURVEY_REFRESH_S", "2.5"))  # console live refresh


# ---------------------------------------------------------------- session actions


def create_session(title: str, code: str = "") -> str | None:
    """Create a session from the form; show a plain message and return None on bad input."""
    try:
        return resources.get_store().create_session(title, code.strip() or None)
    except (StoreError, codes.CodeError) as exc:
        st.error(str(exc))
        return None


def set_open(code: str, is_open: bool) -> None:
    resources.get_store().set_open(code, is_open)


def set_revealed(code: str, revealed: bool) -> None:
    resources.get_store().set_revealed(code, revealed)


def delete_session(code: str) -> None:
    n = resources.get_store().delete_session(code)
    resources.forget_room(code)
    st.toast(f"Deleted session {code} and its {n} responses.")


# ---------------------------------------------------------------- the console


RELIABILITY_COLUMNS = {
    "dimension": "Dimension",
    "alpha": st.column_config.NumberColumn("Cronbach's α", format="%.2f"),
    "n": st.column_config.NumberColumn("n"),
    "item": "Item",
    "reverse": st.column_config.CheckboxColumn("Reverse-keyed"),
    "item_total_r": st.column_config.NumberColumn("Item-total r (corrected)", format="%.2f"),
    "flag": st.column_config.TextColumn("Below 0.2"),
}


# ---------------------------------------------------------------- joining


def join_url(code: str, page_path: str = "") -> str:
    """The link participants open: SURVEY_PUBLIC_URL if set, else what this browser used."""
    base = os.environ.get("SURVEY_PUBLIC_URL") or _browser_base_url(page_path)
    return f"{base.rstrip('/')}/?s={code}"


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


def export_preview(scope: str | None, include_incomplete: bool) -> pd.DataFrame:
    """The first rows of the export, parsed back from the real CSV bytes."""
    return export.preview(resources.get_store(), scope, include_incomplete)
