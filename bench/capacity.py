"""Capacity with `make run-workers`, and the server's CPU per page turn with `make run`.

    python -m bench.capacity [--n 2000] [--window 60] [--workers 2] [--floor] [--think S]
                             [--json FILE]

Two runs of the load harness (bench/loadgen.py: Streamlit's websocket protocol, no
browser, so the frontend's download is not in these figures; bench/phone.py has it):
- `n` participants arriving over `window` seconds, through nginx in front of
  `workers` workers (`make run-workers`): lost answers and the page-turn latency;
- 1,000 over 60 s on one process (`make run`): the server's CPU per page turn, to
  compare with the figure before the frontend was served precompressed.
With --floor, both runs also on the framework's floor (bench/floor_app.py: the survey's
five steps with the least code Streamlit allows), and the big one on the survey page's
layout without its logic (bench/layout_app.py), in the same run: what Streamlit itself
can do here under the same load, against what the survey does. With --think S, the survey's
big run once more with each participant pausing S seconds on every page before Next,
as people reading the questions do (the simulated phones otherwise never pause).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime

from bench import scenarios
from bench.loadgen import Load

P95_TARGET_S = 1.0


def summary_line(name: str, s: dict) -> str:
    lat = s["step_latency_s"]
    return (
        f"| {name} | {s['completed']} of {s['params']['n']} | {s['failed']} | {s['lost']} | "
        f"{lat['p50'] * 1000:.0f} / {lat['p95'] * 1000:.0f} / {lat['max'] * 1000:.0f} ms | "
        f"{s.get('server_cpu_ms_per_step', '?')} ms |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.capacity", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--floor", action="store_true", help="also run the floor and layout apps")
    ap.add_argument("--think", type=float, default=0, help="also run with S s of reading a page")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_avg = round(os.getloadavg()[0], 1)

    def big(journey: str, think_s: float = 0) -> dict:
        load = Load(
            args.n,
            window_s=args.window,
            seed=13,
            concurrency=args.n,
            time_limit_s=600,
            journey=journey,
            think_s=think_s,
        )
        return scenarios.journeys(load, workers=args.workers)

    out = {"when": started, "load_average_at_start": load_avg, "workers": big("survey")}
    if args.floor:
        out["floor_workers"] = big("floor")
        out["layout_workers"] = big("layout")
    if args.think:
        out["reading_workers"] = big("survey", args.think)
    one = Load(1000, window_s=60, seed=1, time_limit_s=600)
    out["one_process"] = scenarios.journeys(one)
    if args.floor:
        out["floor_one_process"] = scenarios.journeys(replace(one, journey="floor"))
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    print("| Run | Complete | Failed | Lost | Step p50 / p95 / max | Server CPU per step |")
    print("|---|---|---|---|---|---|")
    many = f"{args.n} over {args.window:g} s, nginx + {args.workers}"
    print(summary_line(f"{many}, survey", out["workers"]))
    if args.floor:
        print(summary_line(f"{many}, floor app", out["floor_workers"]))
        print(summary_line(f"{many}, layout app", out["layout_workers"]))
    if args.think:
        print(summary_line(f"{many}, survey, {args.think:g} s a page", out["reading_workers"]))
    print(summary_line("1,000 over 60 s, one process, survey", out["one_process"]))
    if args.floor:
        print(summary_line("1,000 over 60 s, one process, floor app", out["floor_one_process"]))
    w = out["workers"]
    ok = w["lost"] == 0 and w["failed"] == 0 and w["step_latency_s"]["p95"] <= P95_TARGET_S
    print(f"\nTarget (0 lost, p95 <= {P95_TARGET_S} s): {'met' if ok else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
