"""Phone delivery: what a phone downloads to reach its first question, and how long it waits.

    python -m bench.phone [--runs 2] [--lighthouse 3]
                          [--json bench/results/<commit>-venue/phone.json]

Real Chromium, phone-sized, driven through the Chrome DevTools Protocol, side by
side in one run:
- the survey as `make run` serves it (`python -m survey.serving.serve`), and
- the bare floor app (bench/floor_app.py: one form, one radio) served the stock way,
  `streamlit run`.

Both listen on every address and are opened at this machine's LAN address, as a
phone on the venue's Wi-Fi does: over plain http to a non-local host, Chromium
offers only gzip (brotli is for https and localhost).

For each: bytes on the wire (`Network.loadingFinished` -> `encodedDataLength`, plus
websocket frames as sent) from an empty cache until the first question is visible,
and for the whole visit once the page is quiet; the same on a repeat visit (the link
opened again in the same browser); and the time to the first contentful paint (the
browser's own `first-contentful-paint` entry: for the survey, its name and loading
state, survey/serving/first_paint.py) and to the first question with Fast 3G emulated
(1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip) and a 4x slower CPU.

With `--lighthouse N`, Lighthouse's mobile preset (simulated slow 4G, 4x CPU) runs N
times on each app's page too, as TECH-NOTES.md runs it: `$LIGHTHOUSE`, else
`lighthouse` on PATH, else `npx lighthouse`, with CHROME_PATH set to the same Chromium.
Its figures vary from run to run on a busy machine, so the median is what counts.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from bench.page_weight import LAUNCH_ARGS, chromium
from bench.server import StreamlitServer
from survey.serving import lan

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FAST_3G = {  # DevTools' "Fast 3G" figures, as the issue gives them (bytes per second)
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
CPU_SLOWDOWN = 4
QUESTION = '[data-testid="stRadio"]'
QUIET_MS = 2000  # after the first question: late chunks and fonts of the same visit
TARGETS = {"cold_kb": 1000, "repeat_kb": 150, "fast3g_s": 6.0, "fcp_s": 2.0, "lh_perf": 0.75}
LIGHTHOUSE_METRICS = {  # Lighthouse's audit: our key
    "first-contentful-paint": "fcp_s",
    "largest-contentful-paint": "lcp_s",
    "speed-index": "speed_index_s",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
}
APPS = {  # name: (app file, URL path, how it is served)
    "survey": ("app.py", "/?s=SHARE", "make run: python -m survey.serving.serve"),
    "floor": ("bench/floor_app.py", "/", "stock: streamlit run bench/floor_app.py"),
}


class Wire:
    """Bytes received by one page, counted from CDP events as they arrive."""

    def __init__(self, context, page, throttle: bool, cpu: bool = True) -> None:
        self.http = 0
        self.ws = 0
        self.requests = 0
        self.cached = 0
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        if throttle:
            self.cdp.send("Network.emulateNetworkConditions", FAST_3G)
        if throttle and cpu:
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

    def _finished(self, e: dict) -> None:
        self.requests += 1
        self.http += int(e.get("encodedDataLength", 0))

    def _cached(self, e: dict) -> None:
        self.cached += 1

    def _frame(self, e: dict) -> None:
        r = e["response"]
        data = r.get("payloadData", "")
        # Binary frames (Streamlit's protobuf messages) arrive base64-encoded.
        self.ws += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    @property
    def kb(self) -> float:
        return round((self.http + self.ws) / 1000, 1)


def visit(context, url: str, throttle: bool = False, cpu: bool = True) -> dict:
    page = context.new_page()
    wire = Wire(context, page, throttle, cpu)
    t0 = time.monotonic()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(QUESTION, state="visible", timeout=120_000)
    seconds = time.monotonic() - t0
    fcp_ms = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
    )
    at_question = {"kb": wire.kb, "http_kb": round(wire.http / 1000, 1), "requests": wire.requests}
    page.wait_for_timeout(QUIET_MS)
    out = {
        "first_question_s": round(seconds, 2),
        "first_contentful_paint_s": round(fcp_ms / 1000, 2) if fcp_ms else None,
        "to_first_question": at_question,
        "whole_visit": {"kb": wire.kb, "requests": wire.requests, "from_cache": wire.cached},
        "websocket_kb": round(wire.ws / 1000, 1),
    }
    page.close()
    return out


def lighthouse(url: str, runs: int) -> dict:
    """Lighthouse's mobile preset on `url`, `runs` times: each run's scores and metrics,
    and their medians."""
    exe = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    cmd = [exe] if exe else ["npx", "--no-install", "lighthouse"]
    flags = "--headless --no-sandbox --disable-gpu"
    out: list[dict] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "lh.json")
            subprocess.run(
                [*cmd, url, f"--chrome-flags={flags}", "--output=json", f"--output-path={report}"]
                + ["--only-categories=performance,accessibility", "--quiet"],
                env={**os.environ, "CHROME_PATH": chromium() or ""},
                check=True,
                timeout=300,
            )
            with open(report) as fh:
                r = json.load(fh)
        run = {k: r["categories"][k]["score"] for k in ("performance", "accessibility")}
        for audit, key in LIGHTHOUSE_METRICS.items():
            value = r["audits"][audit]["numericValue"]
            run[key] = round(value / 1000, 2) if key.endswith("_s") else round(value, 3)
        run["kb"] = round(r["audits"]["total-byte-weight"]["numericValue"] / 1000)
        out.append(run)
    return {"runs": out, "median": {k: statistics.median(x[k] for x in out) for k in out[0]}}


def measure(runs: int = 2, lighthouse_runs: int = 0) -> dict:
    from playwright.sync_api import sync_playwright

    host = lan.discover().host or "127.0.0.1"
    results: dict = {"host": host, "apps": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        try:
            for name, (app, path, how) in APPS.items():
                args = ["--server.address", "0.0.0.0"]  # reachable at the LAN address
                with StreamlitServer(app, server_args=args) as srv:
                    url = f"http://{lan.url_host(host)}:{srv.port}{path}"
                    warm = browser.new_context(**PHONE)  # one throwaway visit: server warm-up
                    visit(warm, url)
                    warm.close()
                    ctx = browser.new_context(**PHONE)
                    cold = visit(ctx, url)
                    repeat = visit(ctx, url)  # the same phone opens the link again
                    ctx.close()
                    slow, fcp = [], []
                    for _ in range(runs):
                        ctx = browser.new_context(**PHONE)
                        v = visit(ctx, url, throttle=True)
                        slow.append(v["first_question_s"])
                        fcp.append(v["first_contentful_paint_s"])
                        ctx.close()
                    # The network's share alone: on a busy shared machine the 4x CPU
                    # slowdown multiplies other jobs' contention too.
                    ctx = browser.new_context(**PHONE)
                    net_only = visit(ctx, url, throttle=True, cpu=False)["first_question_s"]
                    ctx.close()
                    results["apps"][name] = {
                        "fast3g_network_only_s": net_only,
                        "served": how,
                        "cold": cold,
                        "repeat": repeat,
                        "fast3g_first_question_s": slow,
                        "fast3g_median_s": round(statistics.median(slow), 2),
                        "fast3g_fcp_s": fcp,
                        "fast3g_fcp_median_s": round(statistics.median(fcp), 2),
                    }
                    if lighthouse_runs:
                        results["apps"][name]["lighthouse"] = lighthouse(url, lighthouse_runs)
        finally:
            browser.close()
    return results


def report(r: dict) -> str:
    s, f = r["apps"]["survey"], r["apps"]["floor"]

    def row(label, key, target, fmt):
        a, b = key(s), key(f)
        met = "**met**" if a <= target else "**not met**"
        return f"| {label} | {fmt(a)} | {fmt(b)} | ≤ {fmt(target)} | {met} |"

    kb = lambda v: f"{v:,.0f} KB"  # noqa: E731
    sec = lambda v: f"{v:.1f} s"  # noqa: E731
    lines = [
        "| Figure | Survey (`make run`) | Floor app (stock `streamlit run`) | Target | |",
        "|---|---|---|---|---|",
        row(
            "Bytes to the first question, empty cache",
            lambda a: a["cold"]["to_first_question"]["kb"],
            TARGETS["cold_kb"],
            kb,
        ),
        row(
            "Bytes of the whole first visit (late fonts too)",
            lambda a: a["cold"]["whole_visit"]["kb"],
            TARGETS["cold_kb"],
            kb,
        ),
        row(
            "Bytes on a repeat visit",
            lambda a: a["repeat"]["whole_visit"]["kb"],
            TARGETS["repeat_kb"],
            kb,
        ),
        row(
            "First question on Fast 3G, 4x CPU (median)",
            lambda a: a["fast3g_median_s"],
            TARGETS["fast3g_s"],
            sec,
        ),
        row(
            "(the same with the network emulated, the CPU not slowed)",
            lambda a: a["fast3g_network_only_s"],
            TARGETS["fast3g_s"],
            sec,
        ),
        row(
            "First contentful paint on Fast 3G, 4x CPU (median)",
            lambda a: a["fast3g_fcp_median_s"],
            TARGETS["fcp_s"],
            sec,
        ),
    ]
    if "lighthouse" in s and "lighthouse" in f:
        lh = lambda a: a["lighthouse"]["median"]  # noqa: E731
        lines.append(
            row(
                "Lighthouse mobile: first contentful paint (median)",
                lambda a: lh(a)["fcp_s"],
                TARGETS["fcp_s"],
                sec,
            )
        )
        perf = f"{lh(s)['performance']:.2f} | {lh(f)['performance']:.2f} | ≥ 0.75"
        met = "**met**" if lh(s)["performance"] >= TARGETS["lh_perf"] else "**not met**"
        lines.append(f"| Lighthouse mobile: performance (median) | {perf} | {met} |")
        a11y = f"{lh(s)['accessibility']:.2f} | {lh(f)['accessibility']:.2f} | 1.00"
        met = "**met**" if lh(s)["accessibility"] >= 1 else "**not met**"
        lines.append(f"| Lighthouse mobile: accessibility (median) | {a11y} | {met} |")
        for key, label, fmt in (
            ("lcp_s", "largest contentful paint", sec),
            ("speed_index_s", "speed index", sec),
            ("tbt_ms", "total blocking time", lambda v: f"{v:,.0f} ms"),
            ("cls", "cumulative layout shift", lambda v: f"{v:.3f}"),
        ):
            lines.append(
                f"| Lighthouse mobile: {label} (median) | {fmt(lh(s)[key])} "
                f"| {fmt(lh(f)[key])} | | |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.phone", description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=2, help="Fast 3G runs per app (median)")
    ap.add_argument(
        "--lighthouse",
        type=int,
        default=0,
        metavar="N",
        help="also run Lighthouse's mobile preset N times per app (median)",
    )
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    r = measure(args.runs, args.lighthouse)
    r["machine"] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": round(load, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(r, indent=2))
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as fh:
            json.dump(r, fh, indent=2)
    print(report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
