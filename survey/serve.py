"""Serve the app: `python -m survey.serve [streamlit run options]` (what `make run` does).

It is `streamlit run app.py` plus two fixes for Streamlit 1.67.

Navigation. Because the project has a `pages/` folder, Streamlit starts in its
old folder-based mode until app.py first calls `st.navigation`. On a fresh
server whose first visitor opens /sessions or /dashboard directly (a facilitator
after a restart), that page would run without app.py: folder-named links, no
page config. We tell Streamlit up front that app.py's `st.navigation` rules.

Latency. Streamlit 1.67 binds its listening
socket without naming the TCP protocol, and asyncio only turns on TCP_NODELAY
for sockets that do. Every connection then runs with Nagle's algorithm, so the
tail of each rerun's messages waits for the client's delayed ACK: 40 ms added
to every click and every dashboard refresh (BENCHMARKS.md). We turn it on for
every accepted TCP connection before the server starts.
"""

from __future__ import annotations

import asyncio.base_events
import socket
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def main(argv: list[str] | None = None) -> None:
    asyncio.base_events._set_nodelay = _set_nodelay
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli  # after the patch: the server is created in here

    PagesManager.uses_pages_directory = False  # what app.py's st.navigation sets anyway

    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(APP), *args]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
