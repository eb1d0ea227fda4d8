"""The survey page while the database cannot be used (a file that is a folder, damaged or
not a database, a database server down): one plain message in the reader's language
instead of Streamlit's error page, and one line in the log."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from survey import flow
from survey import participant as service
from survey.i18n import N_, _
from survey.store import Store, Unavailable

log = logging.getLogger(__name__)
COME_BACK = N_("Answers can't be saved right now. Please wait a moment, then reload this page.")


@contextlib.contextmanager
def plain_when_unavailable() -> Iterator[None]:
    """Around what the page reads from the database: when it cannot be used, the page
    stops with the plain message."""
    try:
        yield
    except Unavailable as exc:
        log.error("The survey page could not read the database: %s", exc)
        st.warning(_(COME_BACK))
        st.stop()


def default_session(s: Store, here: flow.Place, shown: str = "") -> dict | None:
    """The open session offered to someone with no code (`service.open_session`), or None.
    While the database cannot be read, the join form stays and the plain message is shown
    below it (unless `shown`, the notice at the top, says it already)."""
    try:
        return service.open_session(s, here)
    except Unavailable as exc:
        log.error("The join page could not read the database: %s", exc)
        if shown != _(service.CANNOT_JOIN):
            st.warning(_(service.CANNOT_JOIN))
        return None
