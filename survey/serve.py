"""Serve the app: `python -m survey.serve [streamlit run options]` (what `make run` does).

It is `streamlit run app.py` plus the workarounds below, each needed by Streamlit 1.67
and each explained where it is applied. This module and `survey/ui/` are the only code
under survey/ that imports streamlit.

- Navigation. Because the project has a `pages/` folder, Streamlit starts in its old
  folder-based mode until app.py first calls `st.navigation`. On a fresh server whose
  first visitor opens /sessions or /dashboard directly (a facilitator after a restart),
  that page would run without app.py: folder-named links, no page config. We tell
  Streamlit up front that app.py's `st.navigation` rules.
- Latency. Streamlit 1.67 binds its listening socket without naming the TCP protocol,
  and asyncio only turns on TCP_NODELAY for sockets that do. Every connection then runs
  with Nagle's algorithm, so the tail of each rerun's messages waits for the client's
  delayed ACK: 40 ms added to every click and every dashboard refresh (BENCHMARKS.md).
- Garbage collector. Everything imported before the server starts lives as long as the
  server, so it is frozen out of every collection, and the young generation is collected
  every 10,000 allocations instead of 700 (see `calm_gc`).
- Open files. Every connected phone holds a socket (see `raise_open_files_limit`).
- Forged widget values. A list sent for a radio fails inside Streamlit before any script
  runs (see `_tolerate_forged_radio_values`).
- Light on the venue's Wi-Fi. Streamlit sends its 2 MB of JavaScript uncompressed (its gzip
  middleware skips static files, for CPU). Its frontend is compressed once into a cache
  folder and served from there with a year of immutable caching (`survey.precompressed`),
  by wrapping the ASGI app `streamlit run` builds (see `_serve_precompressed`).
- The join link. Streamlit's start banner names localhost, and in headless mode asks an
  internet host for the public address. We print the LAN join link phones use instead
  (`survey.lan`), asking nobody.
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

from survey import lan, precompressed

APP = Path(__file__).resolve().parent.parent / "app.py"
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


def _serve_precompressed(folder: Path) -> None:
    # `streamlit run` builds its ASGI app with this module-level function; wrapping what
    # it returns keeps every other part of the server (config, runtime, websocket) as is.
    from streamlit import config
    from streamlit.web.server.starlette import starlette_server

    make_app = starlette_server.create_starlette_app

    def create_starlette_app(runtime):
        base = config.get_option("server.baseUrlPath") or ""
        return precompressed.PrecompressedStatic(make_app(runtime), folder, base)

    starlette_server.create_starlette_app = create_starlette_app


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


def _tolerate_forged_radio_values() -> None:
    """Streamlit 1.67's radio looks a client's value up in a dict before any script runs,
    so a forged message carrying a list for a radio raises TypeError there and the page
    fails. A value no radio can send is taken as no answer instead; our flow then asks for
    it like any unanswered question (survey.flow.scale_point refuses the rest)."""
    from streamlit.elements.widgets import radio

    original = radio.RadioSerde.deserialize

    def deserialize(self, ui_value):
        if ui_value is not None and not isinstance(ui_value, str | int | float):
            ui_value = None
        return original(self, ui_value)

    radio.RadioSerde.deserialize = deserialize


def serve(argv: list[str] | None = None) -> None:
    """Run the Streamlit server on app.py with the workarounds above."""
    asyncio.base_events._set_nodelay = _set_nodelay
    raise_open_files_limit()
    _import_long_lived_modules()
    _tolerate_forged_radio_values()
    try:
        _serve_precompressed(precompressed.build())  # ~3 s of CPU once per install
    except OSError as exc:  # e.g. a read-only checkout: still serve, uncompressed
        print(f"Serving the frontend uncompressed: {exc}", file=sys.stderr)
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
