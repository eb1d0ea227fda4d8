"""Live reach: how long a change takes to show where the room and the facilitator look.

    python -m bench.live [--n 20] [--json bench/results/<commit>-live/live.json]

The app as `make run` serves it (tests/server.py's launcher, every refresh at its
default), real Chromium, a 1920x1080 stage and a 1440x900 console, as a facilitator
sets them up. Each figure is from the moment the change is made to the moment the
other screen shows it (Playwright waits on the page itself, frame by frame):

- clicker: PageDown pressed on the stage -> the console's "On the stage now" line
  (target 2 s);
- console: Next clicked on the console -> the stage's view (target 3 s);
- words: a phrase approved (stored, as the console's Approve stores it) -> the stage's
  word cloud shows it (target 3 s).

The browser tests check that each change arrives; this measures how fast, since a
timing inside a test fails whenever the machine is busy rather than when it is slow.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from survey import demo, questionnaire, words
from survey import stage as core
from survey.store import Store
from tests.chromium import LAUNCH_ARGS
from tests.chromium import executable as chromium
from tests.e2e.helpers import ROOT, on_view, running_server, sign_in, stage_url, wait_ready

TARGETS_S = {"clicker": 2.0, "console": 3.0, "words": 3.0}
WAIT_MS = 30_000  # a change that has not shown by then counts as lost
SETTLE_MS = 1000  # a freshly drawn Streamlit page reruns once; a key pressed then is lost


def reached(started: float) -> float:
    return time.perf_counter() - started


def summary(times: list[float], target: float) -> dict:
    ordered = sorted(times)
    p95 = (
        statistics.quantiles(ordered, n=20, method="inclusive")[-1]
        if len(ordered) > 1
        else ordered[0]
    )
    return {
        "n": len(ordered),
        "median_s": round(statistics.median(ordered), 2),
        "p95_s": round(p95, 2),
        "max_s": round(ordered[-1], 2),
        "target_s": target,
        "met": ordered[-1] <= target,
    }


def run(n: int) -> dict:
    # The tests shorten the dashboard's refresh; here every refresh is the shipped one.
    with (
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as pw,
        running_server(Path(tmp), SURVEY_REFRESH_S=None) as server,
    ):
        store = Store(questionnaire.load(ROOT / "data" / "questionnaire.toml"), server.db_path)
        views = core.views(store.q)
        browser = pw.chromium.launch(
            executable_path=chromium(pw.chromium.executable_path), args=LAUNCH_ARGS
        )
        try:
            return {
                "clicker": summary(clicker(browser, server, store, views, n), TARGETS_S["clicker"]),
                "console": summary(console(browser, server, store, views, n), TARGETS_S["console"]),
                "words": summary(word_approvals(browser, server, store, n), TARGETS_S["words"]),
            }
        finally:
            browser.close()
            store.close()


def open_both(browser, server, store, title: str):
    code = store.create_session(title)
    store.insert_many(code, demo.responses(store.q, 40, seed=3))
    stage = browser.new_page(viewport={"width": 1920, "height": 1080})
    stage.goto(stage_url(server, store, code))
    wait_ready(stage)
    laptop = browser.new_page(viewport={"width": 1440, "height": 900})
    sign_in(laptop, f"{server.url}/console?s={code}")
    stage.wait_for_timeout(SETTLE_MS)
    return code, stage, laptop


def steps(views: list[core.View], n: int) -> list[int]:
    """View indexes to walk, back to the first after the last (home), n in all."""
    return [(i % (len(views) - 1)) + 1 for i in range(n)]


def clicker(browser, server, store, views, n: int) -> list[float]:
    code, stage, laptop = open_both(browser, server, store, "Clicker reach")
    now = laptop.locator(".st-key-console-now h3")
    times = []
    for i in steps(views, n):
        if i == 1 and times:
            store.set_stage(code, view=views[0].id)
            on_view(stage, views[0], code).wait_for(timeout=WAIT_MS)
            stage.wait_for_timeout(SETTLE_MS)
        wait_ready(stage)
        shown = now.filter(has_text=re.compile(rf"^{i + 1}\. {re.escape(views[i].title)}$"))
        started = time.perf_counter()
        stage.keyboard.press("PageDown")
        shown.wait_for(timeout=WAIT_MS)
        times.append(reached(started))
    return times


def console(browser, server, store, views, n: int) -> list[float]:
    code, stage, laptop = open_both(browser, server, store, "Console reach")
    times = []
    for i in steps(views, n):
        if i == 1 and times:
            store.set_stage(code, view=views[0].id)
            laptop.get_by_text(f"1. {views[0].title}", exact=True).wait_for(timeout=WAIT_MS)
        wait_ready(laptop)
        started = time.perf_counter()
        laptop.get_by_role("button", name="Next →").click()
        on_view(stage, views[i], code).wait_for(timeout=WAIT_MS)
        times.append(reached(started))
        laptop.get_by_text(f"{i + 1}. {views[i].title}", exact=True).wait_for(timeout=WAIT_MS)
    return times


def word_approvals(browser, server, store, n: int) -> list[float]:
    code = store.create_session("Word reach")
    store.insert_many(code, demo.responses(store.q, 20, seed=3))
    store.set_stage(code, view="words-why")
    # Phrases one person gave wait for the facilitator: approving one is the change.
    blocklist = words.Blocklist.load(*words.blocklist_paths())
    tallied = words.room(store, code, "why", blocklist)
    waiting = [p.text for p in tallied if not p.shown and p.state == words.QUEUE][:n]
    stage = browser.new_page(viewport={"width": 1920, "height": 1080})
    stage.goto(stage_url(server, store, code))
    wait_ready(stage)
    times = []
    for phrase in waiting:
        drawn = stage.locator(f'.st-key-stage-cloud img[alt*="{phrase} ("]')
        started = time.perf_counter()
        store.moderate(code, "why", [phrase], "approved")
        drawn.wait_for(timeout=WAIT_MS)
        times.append(reached(started))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="changes of each kind")
    parser.add_argument("--json", type=Path, help="where to write the figures")
    args = parser.parse_args()
    load = os.getloadavg()
    figures = run(args.n)
    out = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        **figures,
    }
    for kind, f in figures.items():
        print(
            f"{kind:8} n={f['n']}  median {f['median_s']} s  p95 {f['p95_s']} s  "
            f"max {f['max_s']} s  target {f['target_s']} s  {'met' if f['met'] else 'NOT met'}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
