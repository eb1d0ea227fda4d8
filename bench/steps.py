"""What each step costs the server, one participant at a time: CPU, messages and bytes.

    python -m bench.steps [--app survey|floor|layout] [--n 30] [--json FILE]

One server process, one participant after another (no load, so nothing queues):
for each step (the page load, each page's Next) the server's CPU time from just
before the message is sent until the run has finished and gone quiet, and the
messages and bytes it sent back. The harness does not fetch images, so the bytes
are the websocket's only. Averages per step over `n` participants, after 3 warm-up ones.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict

import psutil

from bench.loadgen import (
    APPS,
    JOURNEYS,
    Person,
    Record,
    floor_journey,
    reverse_keyed_items,
    survey_submits,
)
from bench.protocol import Browser
from bench.server import StreamlitServer

WARM_UP = 3
SETTLE_S = 0.05  # before and after a step: the server's other threads go quiet


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


def measure(app: str, n: int) -> dict[str, dict]:
    by_step: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    journey = JOURNEYS[app]
    with StreamlitServer(APPS[app]) as srv:
        proc = psutil.Process(srv.pid)

        def cpu_s() -> float:
            t = proc.cpu_times()
            return t.user + t.system

        for i in range(WARM_UP + n):
            tab = CountingBrowser(srv.port, "s=SHARE")
            rec = Record(i, 0.0)
            steps: list[tuple[str, float, int, int]] = []

            def timed(name, fn, steps=steps, tab=tab):
                time.sleep(SETTLE_S)
                before = cpu_s()
                screen = fn()
                time.sleep(SETTLE_S)
                steps.append((name, (cpu_s() - before) * 1000, tab.messages, tab.bytes))
                return screen

            rec.timed = timed
            person = Person(7, i, reverse_keyed_items())
            if journey is floor_journey:
                journey(tab, person, rec, steps=survey_submits())
            else:
                journey(tab, person, rec)
            tab.close()
            if i >= WARM_UP:
                for k, (name, ms, messages, size) in enumerate(steps):
                    by_step[f"{k} {name}"].append((ms, messages, size))
    return {
        step: {
            "cpu_ms": round(statistics.mean(v[0] for v in values), 1),
            "messages": round(statistics.mean(v[1] for v in values), 1),
            "bytes": round(statistics.mean(v[2] for v in values)),
        }
        for step, values in sorted(by_step.items())
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__.split("\n")[0])
    ap.add_argument("--app", choices=sorted(APPS), default="survey")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    steps = measure(args.app, args.n)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"app": args.app, "n": args.n, "steps": steps}, fh, indent=2)
    print(f"| {args.app}: step | Server CPU | Messages | Bytes |")
    print("|---|---|---|---|")
    for step, s in steps.items():
        print(f"| {step} | {s['cpu_ms']} ms | {s['messages']:g} | {s['bytes']:,} |")
    total = sum(s["cpu_ms"] for s in steps.values())
    print(f"| all {len(steps)} steps | {total:.1f} ms | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
