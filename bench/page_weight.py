"""What a phone downloads, which the protocol-level harness does not: one real Chromium.

    python -m bench.page_weight

The load generator speaks only the websocket protocol. A real phone first
fetches the frontend (HTML, JavaScript, fonts) over HTTP, and more JavaScript
when an element type first appears. This opens the first survey page and a
result page (a participant's own link), each in a fresh browser with an empty
cache, and reports requests, bytes (as used, and as sent over the wire) and the
server CPU each page load cost: from one process (`make run`), and with
`--workers N` through nginx (`make run-workers`), which compresses.

    python -m bench.page_weight --workers 2
"""

from __future__ import annotations

import argparse
import json
import sys

import psutil

from bench.server import ClusterServer, StreamlitServer
from tests.chromium import LAUNCH_ARGS
from tests.chromium import executable as chromium  # bench/phone.py imports both from here
from tests.load import Load, run_load

PAGES = [  # (name, URL after the host, selector that means "rendered")
    ("first survey page", "/?s={code}", '[data-testid="stForm"]'),
    ("result page", "/?s={code}&p={token}", ".st-key-result h2"),
]


def measure(code: str = "SHARE", server_opts: list[str] | None = None, workers: int = 0) -> dict:
    from playwright.sync_api import sync_playwright  # dev dependency, only needed here

    exe = chromium()  # None: Playwright launches its own
    out: dict = {"browser": exe or "playwright's own chromium", "workers": workers, "pages": {}}
    if workers:
        server = ClusterServer(workers, server_opts)
    else:
        server = StreamlitServer("app.py", server_args=server_opts)
    with server as srv, sync_playwright() as p:
        done, _ = run_load(srv.port, Load(1, seed=5, code=code))  # a participant with a result
        token = done[0].token
        procs = [psutil.Process(pid) for pid in (srv.pid if workers else [srv.pid])]
        url = f"http://127.0.0.1:{srv.port}"
        browser = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        try:
            for name, path, ready in PAGES:
                ctx = browser.new_context(viewport={"width": 390, "height": 844})
                page = ctx.new_page()
                got: list[tuple[str, int, str | None]] = []
                page.on("requestfinished", lambda r, got=got: got.append(_size(r)))
                cpu0 = _cpu(procs)
                page.goto(url + path.format(code=code, token=token))
                page.wait_for_selector(ready, timeout=60_000)
                page.wait_for_timeout(1500)  # late chunks and fonts
                cpu = _cpu(procs) - cpu0
                ctx.close()
                biggest = sorted(got, key=lambda g: -g[1])[:3]
                out["pages"][name] = {
                    "requests": len(got),
                    "kb": round(sum(g[1] for g in got) / 1024),
                    "kb_on_the_wire": round(sum(g[3] for g in got) / 1024),
                    "compressed_responses": sum(1 for g in got if g[2]),
                    "server_cpu_ms": round(1000 * cpu, 1),
                    "largest": [
                        {"path": g[0].split("?")[0], "kb": round(g[1] / 1024)} for g in biggest
                    ],
                }
        finally:
            browser.close()
    return out


def _cpu(procs: list[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in procs)


def _size(request) -> tuple[str, int, str | None, int]:
    """Path, body bytes as used, content-encoding, body bytes as sent (compressed or not)."""
    resp = request.response()
    try:
        n = len(resp.body()) if resp else 0
    except Exception:  # a body the browser already discarded (e.g. a redirect)
        n = 0
    wire = max(request.sizes().get("responseBodySize", 0), 0)
    path = "/" + request.url.split("/", 3)[-1]
    return path, n, resp.headers.get("content-encoding") if resp else None, wire


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.page_weight", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--server-opt", action="append", default=[], metavar="SECTION.OPTION=VALUE")
    ap.add_argument("--workers", type=int, default=0, help="workers behind nginx; 0: one process")
    args = ap.parse_args(argv)
    opts = [f"--{o}" for o in args.server_opt]
    print(json.dumps(measure(server_opts=opts, workers=args.workers), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
