"""Run every capacity benchmark and print a Markdown block for BENCHMARKS.md.

    python -m bench.all                    # what `make bench` runs (about 12 minutes)
    python -m bench.all --only burst,crash
    python -m bench.all --quick            # small sizes: checks the wiring, not the targets
    python -m bench.all --server-opt server.fileWatcherType=none   # try a config change

Each scenario gets a fresh server and a temporary database. Results go to
bench/results/<commit>-<label>/<scenario>.json. Set BENCH_APP_ROOT to serve another checkout
(e.g. a `git archive` of a commit) instead of this working tree, with
BENCH_APP_LABEL to name it in the report. The survey is served as `make run`
serves it; BENCH_TCP_NODELAY=0/1 turns the TCP_NODELAY fix off/on for apps
started with plain `streamlit run` (see bench/server.py).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import sqlite3
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psutil
import streamlit

from bench import page_weight, scenarios
from bench.loadgen import APPS, Load
from bench.server import RESULTS, ROOT, StreamlitServer, git, results_dir

SCENARIOS = ("spread", "burst", "floor", "workers", "memory", "crash", "weight")
QUIET_CPU_PCT = 20  # machine-wide CPU (all cores) below which a run may start
QUIET_WAIT_S = 300  # give up waiting for a quiet machine after this, and say so in the report

# The targets of issue 6.
SPREAD_P95_S = 1.0
BURST_WITHIN_S = 15.0
FLOOR_RATIO = 1.5
IDLE_SESSION_KB = 1024
STABLE_KB_PER_CYCLE_SESSION = 10  # growth after the first round: 1% of the idle budget


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    os_name = platform.platform()
    if Path("/etc/debian_version").exists():
        os_name = f"Debian {Path('/etc/debian_version').read_text().strip()}"
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": os_name,
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def app_version() -> str:
    if os.environ.get("BENCH_APP_LABEL"):  # e.g. "commit abc1234 (git archive snapshot)"
        return os.environ["BENCH_APP_LABEL"]
    root = Path(os.environ.get("BENCH_APP_ROOT") or ROOT)
    rev = git("rev-parse", "--short", "HEAD", cwd=root)
    if rev is None:
        return f"{root} (not a git checkout)"
    app = ("app.py", "pages", "survey", ".streamlit")
    dirty = git("status", "--porcelain", "--", *app, cwd=root)
    return rev + (" with uncommitted app changes" if dirty else "")


def serving(app: str) -> str:
    """How the harness starts this app: the command, and whether TCP_NODELAY is on."""
    srv = StreamlitServer(app)
    try:
        how = "python " + " ".join(srv.entry_point)
        if srv.served_by_survey_serve:
            return how + " (TCP_NODELAY and GC settings on)"
        same = " + bench/nodelay (the same TCP_NODELAY and GC settings)"
        return how + (same if srv.tcp_nodelay else "")
    finally:
        srv.cleanup()


@contextlib.contextmanager
def one_at_a_time():
    """Two benchmark runs on one 2-core box spoil each other's figures: queue them."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("another benchmark run is going on; waiting for it to finish ...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def wait_for_quiet(enabled: bool) -> float:
    """Wait until the machine is mostly idle; return the busy % seen at the start of the run."""
    deadline = time.monotonic() + (QUIET_WAIT_S if enabled else 0)
    while True:
        busy = psutil.cpu_percent(interval=3)
        if busy < QUIET_CPU_PCT or time.monotonic() >= deadline:
            return busy
        print(f"  machine busy ({busy:.0f}% CPU); waiting for a quiet moment ...", flush=True)


def run(args: argparse.Namespace) -> dict:
    only = args.only.split(",") if args.only else list(SCENARIOS)
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    opts = [f"--{o}" for o in args.server_opt]
    q = args.quick
    spread_load = Load(
        100 if q else args.spread_n, window_s=10 if q else args.spread_window, seed=1
    )
    burst_load = Load(40 if q else args.burst_n, window_s=0, seed=2)
    out: dict = {"machine": machine(), "app": app_version(), "server_opts": args.server_opt}
    out["served_as"] = {app: serving(path) for app, path in APPS.items()}
    out["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out["command"] = "python -m bench.all " + " ".join(sys.argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    meta, earlier = args.out / "run.json", None
    if args.only and meta.exists():  # adding scenarios to an earlier run: keep its description
        earlier = json.loads(meta.read_text())
        earlier.setdefault("later", []).append({"command": out["command"], "date": out["date"]})
    meta.write_text(json.dumps(earlier or out, indent=2) + "\n")

    def step(name: str, fn) -> dict:
        busy = wait_for_quiet(not args.no_wait)
        print(f"- {name} (machine {busy:.0f}% busy at start) ...", flush=True)
        t0 = time.monotonic()
        result = fn()
        result["machine_busy_pct_at_start"] = busy
        result["scenario_seconds"] = round(time.monotonic() - t0, 1)
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        return result

    if "spread" in only or "floor" in only:
        out["spread"] = step("spread", lambda: scenarios.journeys(spread_load, opts))
    if "burst" in only:
        out["burst"] = step("burst", lambda: scenarios.journeys(burst_load, opts))
    if "floor" in only:
        floor_load = replace(spread_load, journey="floor")
        out["floor"] = step("floor", lambda: scenarios.journeys(floor_load, opts))
        # The survey page's widgets alone: how much of the gap to the floor is Streamlit's.
        layout_load = replace(spread_load, journey="layout")
        out["layout"] = step("layout", lambda: scenarios.journeys(layout_load, opts))
        # One participant at a time: the per-rerun round trip with no queueing at all.
        solo = Load(10 if q else 30, concurrency=1, seed=4)
        out["solo"] = step(
            "solo",
            lambda: {
                "survey": scenarios.journeys(solo, opts),
                "floor": scenarios.journeys(replace(solo, journey="floor"), opts),
                "layout": scenarios.journeys(replace(solo, journey="layout"), opts),
            },
        )
    if "workers" in only:
        # The multi-worker recipe (make run-workers): the same loads through nginx, with one
        # worker and with --workers of them; the floor app served the same way for its ratio.
        w = args.workers
        out["workers"] = step(
            "workers",
            lambda: {
                "workers": w,
                "burst_1": scenarios.journeys(burst_load, opts, workers=1),
                "burst": scenarios.journeys(burst_load, opts, workers=w),
                "spread": scenarios.journeys(spread_load, opts, workers=w),
                "floor": scenarios.journeys(replace(spread_load, journey="floor"), opts, workers=w),
            },
        )
    if "memory" in only:
        m, cycles = (50, 3) if q else (args.memory_sessions, 6)
        out["memory"] = step("memory", lambda: scenarios.memory(m, cycles, server_opts=opts))
    if "crash" in only:
        n = 40 if q else args.crash_n
        out["crash"] = step("crash", lambda: scenarios.crash(n, server_opts=opts))
    if "weight" in only:
        out["weight"] = step("weight", lambda: _weight(opts, args.workers))
    return out


def load(results_dir: Path) -> dict:
    """A results directory read back: the run's description plus every scenario in it."""
    r = json.loads((results_dir / "run.json").read_text())
    for name in (*SCENARIOS, "solo", "layout"):
        path = results_dir / f"{name}.json"
        if path.exists():
            r[name] = json.loads(path.read_text())
    if "spread" in r and "floor" in r:
        r["floor"]["ratio"] = scenarios.floor_ratio(r["spread"], r["floor"])
    return r


def _weight(opts: list[str], workers: int) -> dict:
    """Page weight from one process, and through nginx with `workers` workers."""
    try:
        out = page_weight.measure(server_opts=opts)
        out["workers_pages"] = page_weight.measure(server_opts=opts, workers=workers)["pages"]
        out["workers"] = workers
        return out
    except Exception as exc:  # no browser on this machine: the other figures still stand
        return {"skipped": f"{type(exc).__name__}: {str(exc)[:200]}", "pages": {}}


# ---------------------------------------------------------------- verdicts and Markdown


def verdicts(r: dict) -> dict:
    """Each target of issue 6: the figure measured and whether it is met."""
    v: dict = {}
    if "spread" in r:
        s = r["spread"]
        p95 = s["step_latency_s"]["p95"]
        ok = s["failed"] == 0 and s["lost"] == 0 and p95 is not None and p95 <= SPREAD_P95_S
        v["spread"] = {"met": ok, "p95_s": p95, "completed": s["completed"], "lost": s["lost"]}
    if "burst" in r:
        b = r["burst"]
        slowest = b["journey_s"]["max"]
        ok = b["failed"] == 0 and b["lost"] == 0 and slowest is not None
        ok = ok and slowest <= BURST_WITHIN_S
        v["burst"] = {"met": ok, "slowest_journey_s": slowest, "lost": b["lost"]}
    if "floor" in r:
        ratio = r["floor"].get("ratio")  # needs the spread run of the same suite
        v["floor"] = {"met": ratio is not None and ratio <= FLOOR_RATIO, "ratio": ratio}
    if "workers" in r:
        wk = r["workers"]
        b = wk["burst"]
        slowest = b["journey_s"]["max"]
        ok = b["failed"] == 0 and b["lost"] == 0 and slowest is not None
        v["burst_workers"] = {"met": ok and slowest <= BURST_WITHIN_S, "slowest_journey_s": slowest}
        ratio = scenarios.floor_ratio(wk["spread"], wk["floor"])
        v["floor_workers"] = {"met": ratio is not None and ratio <= FLOOR_RATIO, "ratio": ratio}
    if "memory" in r:
        m = r["memory"]
        per, growth = m["rss_per_idle_session_kb"], m["rss_growth_per_session_after_first_cycle_kb"]
        ok = m["errors"] == 0 and per <= IDLE_SESSION_KB and growth <= STABLE_KB_PER_CYCLE_SESSION
        v["memory"] = {"met": ok, "kb_per_idle_session": per, "kb_growth_per_cycle": growth}
    if "crash" in r:
        c = r["crash"]
        ok = c["killed"] and c["lost"] == 0 and c["db"]["integrity_check"] == "ok"
        ok = ok and c["resumed_ok"] == c["resumed_checked"]
        v["crash"] = {"met": ok, "acknowledged": c["acknowledged"], "lost": c["lost"]}
    return v


def _lat(s: dict) -> str:
    lat = s["step_latency_s"]
    return f"{lat['p50'] * 1000:.0f} / {lat['p95'] * 1000:.0f} / {lat['max'] * 1000:.0f} ms"


def _cpu_per_step(s: dict) -> float | None:
    if s.get("server_cpu_ms_per_step") is not None:
        return s["server_cpu_ms_per_step"]
    cpu, n = (s.get("server") or {}).get("cpu_seconds"), s["step_latency_s"]["n"]
    return round(1000 * cpu / n, 2) if cpu and n else None  # results from before the field


def _steps(r: dict) -> str:
    s = next((r[k] for k in ("spread", "burst") if k in r), None)
    n = s and s.get("steps_per_participant")
    return f"{n:g}" if n else "one per page"


def _yes(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def markdown(r: dict) -> str:
    mc, v = r["machine"], verdicts(r)
    lines = [
        f"### Capacity run, {r['date']}",
        "",
        f"- Machine: {mc['nproc']} cores ({mc['cpu_model']}), {mc['ram_gb']} GB RAM, {mc['os']}; "
        f"Python {mc['python']}, Streamlit {mc['streamlit']}, SQLite {mc['sqlite']}.",
        f"- App: commit {r['app']}"
        + (f"; extra server options: `{' '.join(r['server_opts'])}`" if r["server_opts"] else "")
        + ".",
        "- Served as: "
        + "; ".join(f"{app}: `{how}`" for app, how in r.get("served_as", {}).items())
        + ".",
        *([f"- Note: {r['note']}"] if r.get("note") else []),
        f"- Command: `{r['command'].strip()}`"
        + (" (`make bench`)" if r["command"].strip() == "python -m bench.all" else "")
        + "".join(f"; then `{x['command'].strip()}` ({x['date']})" for x in r.get("later", []))
        + ".",
        "- A step is one rerun as the participant sees it: from sending the websocket message "
        "(the page load, or a form submit) to `script_finished`. Each participant makes "
        f"{_steps(r)}: the page load, then each question page and the profile page. The "
        "page load also fetches the page's HTML first, as a browser does. No think time.",
        "",
        "| Target | Measured | |",
        "|---|---|---|",
    ]
    if "spread" in r:
        s = r["spread"]
        p = s["params"]
        lines.append(
            f"| Spread: {p['n']:,} arriving over {p['window_s']:g} s; all complete, 0 lost, "
            f"p95 step <= {SPREAD_P95_S:g} s | {s['completed']:,} complete, {s['failed']} failed, "
            f"{s['lost']} lost; step p50/p95/max {_lat(s)} | {_yes(v['spread']['met'])} |"
        )
    if "burst" in r:
        b = r["burst"]
        lines.append(
            f"| Burst: {b['params']['n']} at once; 0 lost, all finished within "
            f"{BURST_WITHIN_S:g} s | {b['completed']} complete, {b['failed']} failed, "
            f"{b['lost']} lost; last result {b['journey_s']['max']:.1f} s after arrival "
            f"(p50 {b['journey_s']['p50']:.1f} s) | {_yes(v['burst']['met'])} |"
        )
    if "floor" in r and r["floor"].get("ratio") is not None:
        f = r["floor"]
        lines.append(
            f"| Floor ratio: median step <= {FLOOR_RATIO:g}x the bare one-widget app under the "
            f"same spread load | {f['ratio']}x (survey p50 "
            f"{r['spread']['step_latency_s']['p50'] * 1000:.0f} ms, floor p50 "
            f"{f['step_latency_s']['p50'] * 1000:.0f} ms) | {_yes(v['floor']['met'])} |"
        )
    if "layout" in r and "floor" in r:
        ratio = scenarios.floor_ratio(r["layout"], r["floor"])
        solo = r.get("solo", {})
        solo_ratio = (
            scenarios.floor_ratio(solo["survey"], solo["floor"]) if "floor" in solo else None
        )
        lines.append(
            "| (no target) Where the gap comes from: the survey page's widgets alone "
            "(`bench/layout_app.py`) under the same spread load; and one participant at a time "
            f"| layout {ratio}x the floor (p50 {r['layout']['step_latency_s']['p50'] * 1000:.0f}"
            f" ms); one at a time the survey is {solo_ratio}x the floor | |"
        )
    if "workers" in r:
        wk, n_w = r["workers"], r["workers"]["workers"]
        b, b1 = wk["burst"], wk["burst_1"]
        lines.append(
            f"| Burst with `make run-workers` ({n_w} workers behind nginx): {b['params']['n']} "
            f"at once; 0 lost, all finished within {BURST_WITHIN_S:g} s | {b['completed']} "
            f"complete, {b['failed']} failed, {b['lost']} lost; last result "
            f"{b['journey_s']['max']:.1f} s after arrival (1 worker behind the same nginx: "
            f"{b1['journey_s']['max']:.1f} s) | {_yes(v['burst_workers']['met'])} |"
        )
        ratio = v["floor_workers"]["ratio"]
        lines.append(
            f"| Floor ratio with {n_w} workers each behind nginx, same spread load | {ratio}x "
            f"(survey p50 {wk['spread']['step_latency_s']['p50'] * 1000:.0f} ms, floor p50 "
            f"{wk['floor']['step_latency_s']['p50'] * 1000:.0f} ms; spread p95 "
            f"{wk['spread']['step_latency_s']['p95'] * 1000:.0f} ms, {wk['spread']['lost']} lost) "
            f"| {_yes(v['floor_workers']['met'])} |"
        )
    if "memory" in r:
        m = r["memory"]
        lines.append(
            f"| Memory: <= 1 MB RSS per idle session, stable over connect/disconnect | "
            f"{m['rss_per_idle_session_kb']:.0f} KB per idle session ({m['sessions']} held); "
            f"RSS after {m['cycles']} rounds of {m['sessions']} connect+disconnect: "
            f"{', '.join(f'{x:g}' for x in m['rss_after_each_cycle_mb'])} MB | "
            f"{_yes(v['memory']['met'])} |"
        )
    if "crash" in r:
        c = r["crash"]
        lines.append(
            f"| Crash: SIGKILL mid-burst, restart; every acknowledged answer stored, "
            f"integrity ok | killed after {c['killed_after_acknowledged']} of {c['params']['n']} "
            f"saw their result ({c['cut_off']} cut off mid-survey); {c['lost']} lost, "
            f"integrity_check {c['db']['integrity_check']}, {c['resumed_ok']}/"
            f"{c['resumed_checked']} got their result back from their link | "
            f"{_yes(v['crash']['met'])} |"
        )
    if r.get("weight", {}).get("pages"):
        w = r["weight"]
        served = [("one process", w["pages"])]
        if w.get("workers_pages"):
            served.append((f"nginx + {w['workers']} workers", w["workers_pages"]))
        lines.append(
            "| (no target) What a phone downloads, which the harness does not: one real "
            "Chromium, empty cache | "
            + "; ".join(
                f"{how}, {name}: {p['requests']} requests, {p['kb'] / 1024:.1f} MB, "
                f"{p.get('kb_on_the_wire', p['kb']) / 1024:.1f} MB sent "
                f"({p['compressed_responses']} compressed), {p['server_cpu_ms']:.0f} ms server CPU"
                for how, pages in served
                for name, p in pages.items()
            )
            + " | |"
        )
    runs = [(k, r[k]) for k in ("spread", "burst", "floor", "layout") if k in r]
    if "workers" in r:
        n_w = r["workers"]["workers"]
        runs += [
            ("burst, nginx + 1 worker", r["workers"]["burst_1"]),
            (f"burst, nginx + {n_w} workers", r["workers"]["burst"]),
            (f"spread, nginx + {n_w} workers", r["workers"]["spread"]),
            (f"floor spread, nginx + {n_w} workers", r["workers"]["floor"]),
        ]
    if "solo" in r:
        runs += [
            ("one at a time", r["solo"]["survey"]),
            ("floor, one at a time", r["solo"]["floor"]),
        ]
        if "layout" in r["solo"]:
            runs.append(("layout, one at a time", r["solo"]["layout"]))
    if runs:
        lines += [
            "",
            "| Run | Participants | Step p50 / p95 / max | Arrival to result p50 / max | "
            "Throughput | Server CPU avg / peak | Server CPU per step | "
            "Server RSS before / peak / after | Other load |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, s in runs:
            srv, lg, jr = s["server"], s["loadgen"], s["journey_s"]
            lines.append(
                f"| {name} ({s['journey']}) | {s['completed']} of {s['params']['n']} | {_lat(s)} | "
                f"{jr['p50']:.1f} / {jr['max']:.1f} s | "
                f"{s['throughput']['steps_per_s']} steps/s | "
                f"{srv['cpu_avg_pct']} / {srv['cpu_peak_pct']} % | "
                f"{_cpu_per_step(s)} ms | "
                f"{srv['rss_before_mb']:.0f} / {srv['rss_peak_mb']:.0f} / "
                f"{srv['rss_after_mb']:.0f} MB | "
                f"{lg.get('background_cpu_pct', '?')} % |"
            )
        lines += [
            "",
            "CPU figures are % of one core (200 % = both cores). *Other load* is the CPU "
            "that other processes on the machine used during the run; the load generator's own "
            "share is in bench/results/*.json.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.all", description=__doc__.split("\n")[0])
    ap.add_argument("--only", help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    ap.add_argument("--quick", action="store_true", help="small sizes, to check the wiring")
    ap.add_argument("--server-opt", action="append", default=[], metavar="SECTION.OPTION=VALUE")
    ap.add_argument(
        "--out",
        type=Path,
        help="where the JSON results go (default bench/results/<commit>-<label>)",
    )
    ap.add_argument("--label", default="capacity", help="names the default --out folder")
    ap.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    ap.add_argument("--spread-n", type=int, default=1000)
    ap.add_argument("--spread-window", type=float, default=60)
    ap.add_argument("--burst-n", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2, help="workers in the `workers` scenario")
    ap.add_argument("--memory-sessions", type=int, default=300)
    ap.add_argument("--crash-n", type=int, default=200)
    ap.add_argument(
        "--report", action="store_true", help="run nothing: print the Markdown of --out's results"
    )
    args = ap.parse_args(argv)
    args.out = args.out or results_dir(args.label)
    if not args.report:
        with one_at_a_time():
            run(args)
    # Read back from disk, so a partial re-run (--only) reports with the earlier scenarios.
    results = load(args.out)
    (args.out / "summary.json").write_text(json.dumps(verdicts(results), indent=2) + "\n")
    print()
    print(markdown(results))
    return 0 if all(x["met"] for x in verdicts(results).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
