"""The last stop before Streamlit's error page: a database that can't be used, or a setting
the app can't use, is shown as one plain message on whatever page met it, and logged as one
line. Participants' own paths catch these earlier, keeping their answers on the page; this
covers every other page (the console, sessions, export, the stage)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from survey.errors import SettingError, Unavailable
from survey.i18n import _

log = logging.getLogger(__name__)


@contextlib.contextmanager
def shown_plainly() -> Iterator[None]:
    """Run a page; turn the database's and the settings' failures into one message."""
    try:
        yield
    except Unavailable as exc:
        log.warning("%s", exc)  # the reason and where, for the server log only
        st.warning(_("The database can't be used right now. Please wait a moment and reload."))
    except SettingError as exc:
        log.error("%s", exc)
        st.error(_("The server's settings need fixing: {problem}").format(problem=exc))
