"""What each step costs the server, one participant at a time: the survey beside the floor.

    python -m bench.steps [--n 40] [--json FILE]            # survey and floor, side by side
    python -m bench.steps --app survey|floor|layout [--n 30] # one app on its own

Each app gets one server process (the survey as `make run` serves it, the floor app
with the same TCP_NODELAY and GC settings). Participants go one at a time, taking turns
between the apps (survey first, then floor first, ...), so whatever else the machine
does falls on both alike. Each drives the same journey with the same answers: the page
load (the first question page), two more question pages, the optional profile page and
the result. For each step: the server's CPU from just before the message is sent until
the run has finished and gone quiet, and the messages and bytes it sent back. The
harness fetches no images, so the bytes are the websocket's only. Means per step kind
over `n` participants, after 3 warm-up ones each.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import psutil

from bench.loadgen import APPS, Person, Record, floor_journey, reverse_keyed_items
from bench.loadgen import survey_journey as journey
from bench.protocol import Browser
from bench.server import ROOT, StreamlitServer

WARM_UP = 3
SETTLE_S = 0.05  # before and after a step: the server's other threads go quiet
# The journey's steps in order, named by what the participant gets.
KINDS = ["page load", "question page", "question page", "profile page", "result"]


class CountingBrowser(Browser):
    """A tab that counts the websocket messages and bytes of each script run."""

    messages = 0
    bytes = 0

    def _read_run(self):
        recv = self.ws.recv
        self.messages = self.bytes = 0

        def counted():
            data = recv()
            self.messages += 1
            self.bytes += len(data)
            return data

        self.ws.recv = counted
        try:
            return super()._read_run()
        finally:
            self.ws.recv = recv


def participant(srv: StreamlitServer, i: int, app: str) -> list[tuple[float, int, int]]:
    """One journey on `srv`: (server CPU ms, messages, bytes) for each step."""
    proc = psutil.Process(srv.pid)

    def cpu_s() -> float:
        t = proc.cpu_times()
        return t.user + t.system

    tab = CountingBrowser(srv.port, "s=SHARE")
    rec = Record(i, 0.0)
    steps: list[tuple[float, int, int]] = []

    def timed(name, fn):
        time.sleep(SETTLE_S)
        before = cpu_s()
        screen = fn()
        time.sleep(SETTLE_S)
        steps.append(((cpu_s() - before) * 1000, tab.messages, tab.bytes))
        return screen

    rec.timed = timed
    person = Person(7, i, reverse_keyed_items())
    try:
        if app == "layout":  # no result page: as many submits as the survey makes
            floor_journey(tab, person, rec, steps=len(KINDS) - 1)
        else:
            journey(tab, person, rec)
    finally:
        tab.close()
    return steps


def by_kind(journeys: list[list[tuple[float, int, int]]]) -> dict[str, dict]:
    """Mean CPU, messages and bytes per step kind (a kind met twice is averaged)."""
    kinds: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for steps in journeys:
        for kind, step in zip(KINDS, steps, strict=False):
            kinds[kind].append(step)
    out = {
        kind: {
            "cpu_ms": round(statistics.mean(v[0] for v in values), 2),
            "messages": round(statistics.mean(v[1] for v in values), 1),
            "bytes": round(statistics.mean(v[2] for v in values)),
            "steps": len(values),
        }
        for kind, values in kinds.items()
    }
    out["journey"] = {
        "cpu_ms": round(statistics.mean(sum(s[0] for s in steps) for steps in journeys), 2)
    }
    return out


def measure(apps: list[str], n: int) -> dict[str, dict]:
    """Per step kind for each app, participants taking turns between the apps' servers."""
    journeys: dict[str, list] = {app: [] for app in apps}
    with contextlib.ExitStack() as stack:
        servers = {app: stack.enter_context(StreamlitServer(APPS[app])) for app in apps}
        for i in range(WARM_UP + n):
            order = apps if i % 2 == 0 else apps[::-1]
            for app in order:
                steps = participant(servers[app], i, app)
                if i >= WARM_UP:
                    journeys[app].append(steps)
    return {app: by_kind(journeys[app]) for app in apps}


def ratio_table(results: dict[str, dict]) -> str:
    """The survey's CPU per step kind beside the floor's, and their ratio."""
    s, f = results["survey"], results["floor"]
    lines = [
        "| Step | Survey: CPU, messages | Floor: CPU, messages | Ratio |",
        "|---|---|---|---|",
    ]
    for kind in dict.fromkeys(KINDS):
        a, b = s[kind], f[kind]
        lines.append(
            f"| {kind} | {a['cpu_ms']:.1f} ms, {a['messages']:g} | "
            f"{b['cpu_ms']:.1f} ms, {b['messages']:g} | {a['cpu_ms'] / b['cpu_ms']:.2f}x |"
        )
    a, b = s["journey"]["cpu_ms"], f["journey"]["cpu_ms"]
    lines.append(f"| all five steps | {a:.1f} ms | {b:.1f} ms | {a / b:.2f}x |")
    return "\n".join(lines)


def one_table(app: str, result: dict) -> str:
    lines = [f"| {app}: step | Server CPU | Messages | Bytes |", "|---|---|---|---|"]
    for kind, s in result.items():
        if kind != "journey":
            lines.append(f"| {kind} | {s['cpu_ms']} ms | {s['messages']:g} | {s['bytes']:,} |")
    lines.append(f"| all steps | {result['journey']['cpu_ms']} ms | | |")
    return "\n".join(lines)


def _commit() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__.split("\n")[0])
    ap.add_argument("--app", choices=sorted(APPS), help="one app on its own")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    apps = [args.app] if args.app else ["survey", "floor"]
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = measure(apps, args.n)
    if args.json:
        out = {
            "when": started,
            "commit": _commit(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "n": args.n,
            "steps": results,
        }
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    if args.app:
        print(one_table(args.app, results[args.app]))
    else:
        print(ratio_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
