"""What each step costs the server, one participant at a time: the survey beside the floor.

    python -m bench.steps [--n 40] [--before REV] [--json FILE]  # survey and floor
    python -m bench.steps --app survey|floor|layout [--n 30]      # one app on its own

Each app gets one server process (the survey as `make run` serves it, the floor app
with the same TCP_NODELAY and GC settings). Participants go one at a time, taking turns
between the apps (survey first, then floor first, ...), so whatever else the machine
does falls on both alike. Each drives the same journey with the same answers: the page
load (the first question page), two more question pages, the optional profile page and
the result. With --before REV, the survey as it was at commit REV (a `git archive` of
it, served the same way) takes its turns too, so before and after share one run. For
each step: the server's CPU from just before the message is sent until
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
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable

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


def cpu_clock(pid: int) -> Callable[[], float]:
    """The process's CPU time in seconds, threads that have ended included. On Linux its
    CPU clock, to the nanosecond; elsewhere psutil's, in clock ticks (10 ms: a step
    costs about that, so only a mean over many steps means anything there)."""
    clock = ((~pid) << 3) | 2  # Linux's CPU clock of a whole process (CPUCLOCK_SCHED)
    with contextlib.suppress(AttributeError, OSError):
        time.clock_gettime(clock)
        return lambda: time.clock_gettime(clock)
    proc = psutil.Process(pid)

    def ticks() -> float:
        t = proc.cpu_times()
        return t.user + t.system

    return ticks


def participant(srv: StreamlitServer, i: int, app: str) -> list[tuple[float, int, int]]:
    """One journey on `srv`: (server CPU ms, messages, bytes) for each step."""
    cpu_s = cpu_clock(srv.pid)

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
        "cpu_ms": round(statistics.mean(sum(s[0] for s in steps) for steps in journeys), 2),
        "messages": round(statistics.mean(sum(s[1] for s in steps) for steps in journeys), 1),
    }
    return out


def measure(apps: list[str], n: int, before: str | None = None) -> dict[str, dict]:
    """Per step kind for each app, participants taking turns between the apps' servers
    (and the survey at commit `before`, named "before", if given)."""
    with contextlib.ExitStack() as stack:
        servers = {app: stack.enter_context(StreamlitServer(APPS[app])) for app in apps}
        if before:
            root = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-before-"))
            archive = subprocess.run(
                ["git", "archive", before], cwd=ROOT, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", root], input=archive, check=True)
            servers["before"] = stack.enter_context(StreamlitServer("app.py", root=root))
            apps = [*apps, "before"]
        journeys: dict[str, list] = {app: [] for app in apps}
        for i in range(WARM_UP + n):
            order = apps if i % 2 == 0 else apps[::-1]
            for app in order:
                steps = participant(servers[app], i, "survey" if app == "before" else app)
                if i >= WARM_UP:
                    journeys[app].append(steps)
    return {app: by_kind(journeys[app]) for app in apps}


def ratio_table(results: dict[str, dict]) -> str:
    """The survey's CPU per step kind beside the floor's, and their ratio (and the
    survey before, with its ratio, when measured)."""
    s, f, b = results["survey"], results["floor"], results.get("before")

    def cell(r: dict) -> str:
        return f"{r['cpu_ms']:.1f} ms, {r['messages']:g}"

    head = "| Step |" + (" Survey before: CPU, messages | Ratio |" if b else "")
    head += " Survey: CPU, messages | Floor: CPU, messages | Ratio |"
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for kind in [*dict.fromkeys(KINDS), "journey"]:
        name = "all five steps" if kind == "journey" else kind
        row = f"| {name} |"
        if b:
            row += f" {cell(b[kind])} | {b[kind]['cpu_ms'] / f[kind]['cpu_ms']:.2f}x |"
        row += (
            f" {cell(s[kind])} | {cell(f[kind])} | {s[kind]['cpu_ms'] / f[kind]['cpu_ms']:.2f}x |"
        )
        lines.append(row)
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
    ap.add_argument("--before", metavar="REV", help="also the survey at this commit")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    apps = [args.app] if args.app else ["survey", "floor"]
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = measure(apps, args.n, None if args.app else args.before)
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
