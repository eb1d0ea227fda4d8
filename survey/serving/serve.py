"""Serve the app: `python -m survey.serving.serve [streamlit options]` (what `make run` does).

It is `streamlit run app.py` plus the workarounds below, each needed by Streamlit 1.67
and each explained where it is applied. This module and `survey/ui/` are the only code
under survey/ that imports streamlit.

- Navigation. Because the project has a `pages/` folder, Streamlit starts in its old
  folder-based mode until app.py first calls `st.navigation`. On a fresh server whose
  first visitor opens /sessions or /console directly (a facilitator after a restart),
  that page would run without app.py: folder-named links, no page config. We tell
  Streamlit up front that app.py's `st.navigation` rules.
- Latency. Streamlit 1.67 binds its listening socket without naming the TCP protocol,
  and asyncio only turns on TCP_NODELAY for sockets that do. Every connection then runs
  with Nagle's algorithm, so the tail of each rerun's messages waits for the client's
  delayed ACK: 40 ms added to every click and every stage refresh (BENCHMARKS.md).
- Garbage collector. Everything imported before the server starts lives as long as the
  server, so it is frozen out of every collection, and the young generation is collected
  every 10,000 allocations instead of 700 (see `calm_gc`).
- Open files. Every connected phone holds a socket (see `raise_open_files_limit`).
- Forged messages. Anyone on the venue's Wi-Fi can send the websocket any message. A value
  of the wrong kind for a widget (a list for a radio, a number for the join code) fails
  inside Streamlit, before or while the script runs, and a frame that is not a message at
  all logs a traceback. Such a value counts as not sent and a bad frame closes its
  connection, each with one line in the log (see `_drop_forged_widget_values`).
- Doors. `/_stcore/metrics` lists the server's caches and their sizes (one entry per
  participant who saw a result) to anyone who asks; it answers 404 here (see `doors.Closed`).
- Staying signed in. A Streamlit script can't set an HttpOnly cookie, so two small
  routes of ours, `_survey/sign-in` and `_survey/sign-out`, set and clear the
  facilitator's sign-in cookie (see `doors.SignIn` and survey.auth).
- Light on the venue's Wi-Fi. Streamlit sends its 2 MB of JavaScript uncompressed (its gzip
  middleware skips static files, for CPU). Its frontend is compressed once into a cache
  folder (`precompressed`) and served from there with a year of immutable caching
  (`static`), by wrapping the ASGI app `streamlit run` builds (see `_wrap_app`).
- The join link. Streamlit's start banner names localhost, and in headless mode asks an
  internet host for the public address. We print the LAN join link phones use instead
  (`survey.serving.lan`), asking nobody.
- Quiet start. Importing the pages' modules early (for the freeze) runs their
  `st.cache_data` decorators before the server exists, and each logs "No runtime found,
  using MemoryCacheStorageManager". It is only the decorator checking its arguments: the
  cache itself is made later, in the running server. That one message is filtered out.
"""

from __future__ import annotations

import asyncio.base_events
import contextlib
import gc
import logging
import os
import resource
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

from survey.serving import doors, first_paint, lan, precompressed, static

APP = Path(__file__).resolve().parents[2] / "app.py"
OPEN_FILES = 65_536  # every connected phone holds a socket, and its reruns a database file


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def raise_open_files_limit() -> int:
    """Raise this process's open-files limit towards OPEN_FILES; returns the limit in force.

    Debian's default soft limit is 1,024 and macOS's 256: a room of a thousand phones
    would run out of sockets. The hard limit, set by the administrator, is respected.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    for limit in (want, 10_240):  # macOS refuses more than OPEN_MAX (10,240) per process
        if soft >= limit:
            return soft
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
            return limit
        except (ValueError, OSError):
            continue
    return soft


def calm_gc() -> None:
    """Freeze what is imported so far and collect the young generation less often.

    1,000 people joining over a minute made ~2,000 collections (~6% of the server's CPU)
    with Python's defaults, ~420 (1.5%) with these (BENCHMARKS.md). Call it after the
    long-lived modules are imported, or the freeze covers nothing.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


@contextlib.contextmanager
def _no_runtime_warning() -> Iterator[None]:
    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No runtime found")

    log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    log.addFilter(keep)
    try:
        yield
    finally:
        log.removeFilter(keep)


def _import_long_lived_modules() -> None:
    # What every rerun uses: imported now, so calm_gc's freeze covers it.
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import streamlit  # noqa: F401

    with _no_runtime_warning():
        import survey.ui.facilitator  # noqa: F401
        import survey.ui.participant  # noqa: F401


def _wrap_app(folder: Path | None) -> None:
    # `streamlit run` builds its ASGI app with this module-level function; wrapping what
    # it returns keeps every other part of the server (config, runtime, websocket) as is.
    # Without a compressed copy (`folder` None) the frontend goes out as Streamlit sends it.
    from streamlit import config
    from streamlit.web.server.starlette import starlette_server

    make_app = starlette_server.create_starlette_app

    if folder is not None and _page_has_style():
        from survey.ui import browser  # imported already: _import_long_lived_modules

        os.environ[browser.IN_PAGE] = "1"  # the runs need not send the style sheet

    def create_starlette_app(runtime):
        base = config.get_option("server.baseUrlPath") or ""
        app = make_app(runtime)
        if folder is not None:
            app = static.PrecompressedStatic(app, folder, base)
        return doors.SignIn(doors.Closed(app, base), base)

    starlette_server.create_starlette_app = create_starlette_app


def _page_has_style() -> bool:
    """Whether the pages' HTML, rewritten by `static`, will carry the app's style sheet."""
    try:
        index = (precompressed.streamlit_static_dir() / "index.html").read_bytes()
    except OSError:
        return False
    return first_paint.carries_app_css(index)


def _print_join_link(is_running_hello: bool = False) -> None:
    # Replaces Streamlit's banner (bootstrap._print_url), which shows localhost to people
    # who will point phones at it, and in headless mode fetches checkip.amazonaws.com.
    from streamlit import config

    if config.get_option("logger.hideWelcomeMessage"):
        return
    address = config.get_option("server.address") or ""
    port = int(config.get_option("server.port"))
    banner = lan.start_banner(address, port, lan.discover(), os.environ.get("SURVEY_PUBLIC_URL"))
    print(banner, file=sys.stderr, flush=True)


log = logging.getLogger("survey.serving")  # not __name__: run as __main__ by `python -m`

# The value fields a browser fills for a widget registered with each value type: the same
# field, except that a number input sends whole numbers as int_value, and a component
# (registered as json_value) may send a table or bytes.
_SENT_AS = {
    "double_value": ("double_value", "int_value"),
    "json_value": ("json_value", "arrow_value", "bytes_value"),
}
_REMEMBERED_SESSIONS = 10_000  # bounds _OneLinePerMessage's memory against a fuzzer


class _OneLinePerMessage:
    """What a forged message costs the log: at most one line, however much it forged."""

    def __init__(self) -> None:
        self._said: set[str | None] = set()

    def new_message(self, session_id: str) -> None:
        self._said.discard(session_id)

    def warn(self, session_id: str | None, message: str, *args: object) -> None:
        if session_id in self._said:
            return
        if len(self._said) >= _REMEMBERED_SESSIONS:
            self._said.clear()  # at worst a second line for some message
        self._said.add(session_id)
        log.warning(message, *args)


def _drop_forged_widget_values() -> None:
    """A widget value no browser would send counts as not given, with one line in the log.

    Streamlit 1.67 deserialises a widget's value from whichever field the client filled:
    a list for a radio raises TypeError, a number for a text input or invalid JSON raise
    later, and 13 of 20 value types for a radio ended in the generic error page. Every
    read of a client's value goes through `WStates.__getitem__`, so it is checked there
    against the kind the widget was registered with, also for a widget that appears only
    after the value arrived. A value of the wrong kind, or one its deserialiser refuses,
    is replaced by the widget's value when nothing is chosen: its default, which on the
    survey is the answer stored before (the page as it was). Our own checks then refuse what has the
    right kind but is no option (survey.flow.scale_point).

    A value for an id that no widget can have (every widget id starts with "$$ID") made
    Streamlit take it for a session-state key and fail on the next text input. Those
    are dropped from the message before its run starts.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    from streamlit.runtime.state import session_state
    from streamlit.runtime.state.common import is_element_id

    said = _OneLinePerMessage()
    getitem = session_state.WStates.__getitem__

    def checked_getitem(self, k: str):
        wstate = self.states.get(k)
        metadata = self.widget_metadata.get(k)
        if not isinstance(wstate, session_state.Serialized) or metadata is None:
            return getitem(self, k)
        sent, kind = wstate.value.WhichOneof("value"), metadata.value_type
        if sent is None or sent in _SENT_AS.get(kind, (kind,)):
            try:
                return getitem(self, k)
            except Exception as exc:  # the deserialiser refused it: forged all the same
                why = f"a {sent} its widget refused ({type(exc).__name__})"
        else:
            why = f"a {sent} for a widget that takes {kind}"
        ctx = get_script_run_ctx(suppress_warning=True)
        said.warn(ctx.session_id if ctx else None, "Ignored a forged widget value: %s", why)
        # The widget's value when nothing is chosen. Replaced, not removed: callers iterate
        # over these states while reading them.
        value = metadata.deserializer(None)
        self.states[k] = session_state.Value(value)
        return value

    session_state.WStates.__getitem__ = checked_getitem

    request_rerun = AppSession._handle_rerun_script_request

    def handle_rerun_script_request(self, client_state=None) -> None:
        said.new_message(self.id)
        if client_state is not None:
            states = client_state.widget_states
            kept = WidgetStates()
            kept.widgets.extend(state for state in states.widgets if is_element_id(state.id))
            if n := len(states.widgets) - len(kept.widgets):
                said.warn(self.id, "Ignored %d widget values for ids no widget has", n)
                states.CopyFrom(kept)
        request_rerun(self, client_state)

    AppSession._handle_rerun_script_request = handle_rerun_script_request


def _one_line_for_bad_frames() -> None:
    """A websocket frame that is not a Streamlit message closes its connection (Streamlit
    does that); its log entry keeps the reason and drops the traceback, which says nothing
    about our code and, from a fuzzer, buried the log (919 tracebacks)."""

    def one_line(record: logging.LogRecord) -> bool:
        if record.exc_info and record.getMessage() == "Error deserializing back message":
            exc = record.exc_info[1]
            record.msg = f"Closed a connection that sent a frame that is not a message ({exc})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True

    logging.getLogger("streamlit.web.server.starlette.starlette_websocket").addFilter(one_line)


def serve(argv: list[str] | None = None) -> None:
    """Run the Streamlit server on app.py with the workarounds above."""
    asyncio.base_events._set_nodelay = _set_nodelay
    raise_open_files_limit()
    _import_long_lived_modules()
    _drop_forged_widget_values()
    _one_line_for_bad_frames()
    try:
        folder = precompressed.build()  # ~3 s of CPU once per install
    except OSError as exc:  # e.g. a read-only checkout: still serve, uncompressed
        print(f"Serving the frontend uncompressed: {exc}", file=sys.stderr)
        folder = None
    _wrap_app(folder)
    calm_gc()
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import bootstrap, cli

    PagesManager.uses_pages_directory = False  # what app.py's st.navigation sets anyway
    bootstrap._print_url = _print_join_link
    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(APP), *args]
    sys.exit(cli.main())


if __name__ == "__main__":
    serve()
