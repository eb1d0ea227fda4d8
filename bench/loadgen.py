"""The load benchmark: simulated participants (tests/load.py) timed, monitored and summed up.

The participants, the run and the database check are the load tests' own (tests/load.py);
this adds the server's and the load generator's CPU and memory, the figures, and a CLI.

    python -m bench.loadgen --n 1000 --window 60            # own server, temporary DB
    python -m bench.loadgen --n 400 --window 0 --json out.json
    python -m bench.loadgen --app floor --n 100             # the bare one-widget app
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import psutil

from bench.server import ResourceMonitor, StreamlitServer
from tests.load import (  # noqa: F401 - re-exported: the benchmarks import them from here
    JOURNEYS,
    QUESTIONNAIRE,
    Load,
    Person,
    Record,
    check_db,
    floor_journey,
    reverse_keyed_items,
    run_load,
    served_questionnaire,
    served_questionnaire_path,
    survey_journey,
    survey_submits,
    warm_up,
)

APPS = {"survey": "app.py", "floor": "bench/floor_app.py", "layout": "bench/layout_app.py"}


# ---------------------------------------------------------------- figures


def percentiles(values: list[float]) -> dict:
    """n, median, 95th percentile and maximum (linear interpolation between the values)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    cuts = statistics.quantiles(
        values * 2 if len(values) == 1 else values, n=100, method="inclusive"
    )
    return {
        "n": len(values),
        "p50": round(cuts[49], 4),
        "p95": round(cuts[94], 4),
        "max": round(max(values), 4),
    }


def summarize(
    load: Load,
    records: list[Record],
    wall_s: float,
    server: dict | None = None,
    client: dict | None = None,
    db: dict | None = None,
) -> dict:
    steps = [s for r in records for _, s in r.steps]
    by_step: dict[str, list[float]] = {}
    for r in records:
        for name, s in r.steps:
            by_step.setdefault(name, []).append(s)
    acked = [r for r in records if r.acknowledged]
    journeys = [r.end_s - r.arrive_s for r in acked]
    lost = db["lost"] if db else 0
    last_end = max((r.end_s for r in records if r.end_s is not None), default=0.0)
    return {
        "journey": load.journey,
        "params": {
            "n": load.n,
            "window_s": load.window_s,
            "concurrency": load.concurrency,
            "time_limit_s": load.time_limit_s,
            "seed": load.seed,
            "code": load.code,
            "think_s": load.think_s,
            "linger": load.linger,
        },
        "completed": len(acked) - lost,
        "failed": len(records) - len(acked),
        "lost": lost,
        "acknowledged": len(acked),
        "failures": dict(Counter(r.error for r in records if r.error).most_common(10)),
        "classes": dict(Counter(r.klass for r in acked if r.klass)),
        "steps_per_participant": round(len(steps) / len(acked), 2) if acked else None,
        "step_latency_s": percentiles(steps),
        "step_latency_by_step_s": {k: percentiles(v) for k, v in by_step.items()},
        # From scheduled arrival to result: includes any wait for a concurrency slot.
        "journey_s": percentiles(journeys),
        "last_finished_s": round(last_end, 2),
        "total_s": round(wall_s, 2),
        "throughput": {
            "participants_per_s": round(len(acked) / last_end, 2) if last_end else None,
            "steps_per_s": round(len(steps) / last_end, 2) if last_end else None,
        },
        # Less sensitive to other load on the machine than latency is: what one
        # step costs the server, and so roughly how many steps/s one core can serve.
        "server_cpu_ms_per_step": (
            round(1000 * server["cpu_seconds"] / len(steps), 2)
            if server and server.get("cpu_seconds") and steps
            else None
        ),
        "server": server,
        "loadgen": client,
        "db": db,
    }


def table(summary: dict) -> str:
    """The summary as a short human-readable table."""
    p = summary["params"]
    lat, jr = summary["step_latency_s"], summary["journey_s"]
    srv = summary.get("server") or {}
    rows = [
        ("journey", f"{summary['journey']}  N={p['n']}  window={p['window_s']} s"),
        (
            "completed / failed / lost",
            f"{summary['completed']} / {summary['failed']} / {summary['lost']}",
        ),
        ("classes", ", ".join(f"{k} {v}" for k, v in sorted(summary["classes"].items())) or "-"),
        ("step latency p50 / p95 / max", _secs(lat["p50"], lat["p95"], lat["max"])),
        ("journey (arrival->end) p50/p95/max", _secs(jr["p50"], jr["p95"], jr["max"])),
        ("total time", f"{summary['total_s']} s (last finished {summary['last_finished_s']} s)"),
        (
            "throughput",
            f"{summary['throughput']['participants_per_s']} participants/s, "
            f"{summary['throughput']['steps_per_s']} steps/s",
        ),
    ]
    if srv:
        rows.append(("server CPU avg / peak", f"{srv['cpu_avg_pct']} % / {srv['cpu_peak_pct']} %"))
        rows.append(("server CPU per step", f"{summary['server_cpu_ms_per_step']} ms"))
        rows.append(
            (
                "server RSS before / peak / after",
                f"{srv['rss_before_mb']} / {srv['rss_peak_mb']} / {srv['rss_after_mb']} MB",
            )
        )
    if summary.get("loadgen"):
        lg = summary["loadgen"]
        rows.append(("load generator CPU avg", f"{lg['cpu_avg_pct']} %"))
        if "background_cpu_pct" in lg:
            rows.append(("other processes' CPU avg", f"{lg['background_cpu_pct']} % (noise)"))
    if summary.get("db"):
        rows.append(
            (
                "DB integrity / complete rows",
                f"{summary['db']['integrity_check']} / {summary['db']['complete_rows']}",
            )
        )
    if summary["failures"]:
        rows.append(("failures", "; ".join(f"{k} x{v}" for k, v in summary["failures"].items())))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _secs(*values: float | None) -> str:
    return " / ".join("-" if v is None else f"{v:.3f}" for v in values) + " s"


class ClientMonitor:
    """The load generator's own CPU, and the whole machine's.

    On 2 cores the load generator competes with the server, and so does
    anything else running on the box: both are reported, so a noisy figure
    can be recognised as such.
    """

    def start(self) -> ClientMonitor:
        self.proc = psutil.Process()
        self.t0, self.cpu0, self.busy0 = time.monotonic(), self._own(), _machine_busy()
        return self

    def _own(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def stop(self) -> dict:
        wall = time.monotonic() - self.t0
        cpu = self._own() - self.cpu0
        busy = _machine_busy() - self.busy0
        return {
            "cpu_seconds": round(cpu, 2),
            "cpu_avg_pct": round(100 * cpu / wall, 1),
            "machine_busy_seconds": round(busy, 2),
            "wall_seconds": round(wall, 2),
        }


def _machine_busy() -> float:
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def measure(
    port: int,
    load: Load,
    pid: int | None = None,
    db: str | Path | None = None,
    on_done: Callable[[Record], None] | None = None,
    warmup: bool = True,
    cpu_of: Mapping[str, Callable[[], float]] | None = None,
) -> tuple[dict, list[Record]]:
    """One monitored run against a running server, checked against its database.

    One participant goes through first, unmeasured: a facilitator has always
    opened the app before the room joins, so imports are done and caches warm.
    `cpu_of` names other processes to count apart from the server (a database
    server): each gives CPU seconds so far, read just before and after the run.
    """
    if warmup:
        warm_up(port, load.code, load.journey)
    cpu_of = dict(cpu_of or {})
    apart = {name: seconds() for name, seconds in cpu_of.items()}
    server_mon = ResourceMonitor(pid).start() if pid else None
    client_mon = ClientMonitor().start()
    records, wall = run_load(port, load, on_done)
    client = client_mon.stop()
    server = server_mon.stop() if server_mon else None
    apart = {name: round(cpu_of[name]() - before, 2) for name, before in apart.items()}
    if server and server["cpu_seconds"] is not None:
        # Everything else on the machine during the run, in % of one core.
        other = (
            client["machine_busy_seconds"]
            - client["cpu_seconds"]
            - server["cpu_seconds"]
            - sum(apart.values())
        )
        client["background_cpu_pct"] = round(100 * max(other, 0) / client["wall_seconds"], 1)
    checked = check_db(db, records) if db and load.journey == "survey" else None
    summary = summarize(load, records, wall, server, client, checked)
    steps = sum(len(r.steps) for r in records)
    for name, seconds in apart.items():
        summary[name] = {
            "cpu_seconds": seconds,
            "cpu_ms_per_step": round(1000 * seconds / steps, 2) if steps else None,
        }
    return summary, records


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100, help="participants")
    ap.add_argument("--window", type=float, default=0, help="arrival window in s (0: all at once)")
    ap.add_argument("--concurrency", type=int, default=500, help="max participants at once")
    ap.add_argument("--time-limit", type=float, default=300, help="hard stop for the run, s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--think", type=float, default=0, help="pause before each submit, s")
    ap.add_argument("--app", choices=sorted(APPS), default="survey")
    ap.add_argument(
        "--leave", action="store_true", help="close each tab at its result (default: keep open)"
    )
    ap.add_argument("--code", default="SHARE", help="session code participants join")
    ap.add_argument("--port", type=int, help="use a running server on 127.0.0.1:PORT")
    ap.add_argument("--pid", type=int, help="its pid, for CPU/RSS")
    ap.add_argument("--db", help="its SURVEY_DB, for the lost check")
    ap.add_argument(
        "--server-opt",
        action="append",
        default=[],
        metavar="SECTION.OPTION=VALUE",
        help="extra `streamlit run` config option, e.g. runner.postScriptGC=true; repeatable",
    )
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args(argv)
    load = Load(
        n=args.n,
        window_s=args.window,
        concurrency=args.concurrency,
        time_limit_s=args.time_limit,
        seed=args.seed,
        code=args.code,
        think_s=args.think,
        journey=args.app,
        linger=not args.leave,
    )
    if args.port:
        summary, _ = measure(args.port, load, args.pid, args.db)
    else:
        extra = [f"--{opt}" for opt in args.server_opt]
        with StreamlitServer(APPS[args.app], server_args=extra) as srv:
            summary, _ = measure(srv.port, load, srv.pid, srv.db)
    print(table(summary))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if summary["failed"] == 0 and summary["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
