"""Protocol-level load generator: simulated participants, the run, the database check, figures.

Each simulated participant is one browser tab (`bench.protocol.Browser`): it runs the
page with ?s=CODE, fills each page's form as a person would, submits it, and repeats
until the result page. Only 127.0.0.1 is ever contacted.

    python -m bench.loadgen --n 1000 --window 60            # own server, temporary DB
    python -m bench.loadgen --n 400 --window 0 --json out.json
    python -m bench.loadgen --app floor --n 100             # the bare one-widget app

One thread per participant: websocket-client is blocking, and a few hundred
threads that mostly wait on sockets cost little next to the server's reruns.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import sqlite3
import sys
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.protocol import Browser, JourneyError, Screen, Widget
from bench.server import ROOT, ResourceMonitor, StreamlitServer
from survey import questionnaire
from survey.engine import is_postgres
from survey.store import Store
from survey.ui.participant import ANSWER_PREFIX

MAX_PAGES = 12  # a journey that has not reached a result after this many submits is broken
THREAD_STACK = 512 * 1024  # the default 8 MB per thread adds up at 1,000 participants
QUESTIONNAIRE = ROOT / "data" / "questionnaire.toml"
APPS = {"survey": "app.py", "floor": "bench/floor_app.py", "layout": "bench/layout_app.py"}


# ---------------------------------------------------------------- simulated people


def served_questionnaire_path() -> Path:
    """SURVEY_QUESTIONNAIRE if set, else the served checkout's data/questionnaire.toml."""
    app_root = Path(os.environ.get("BENCH_APP_ROOT") or ROOT)
    return Path(
        os.environ.get("SURVEY_QUESTIONNAIRE") or app_root / QUESTIONNAIRE.relative_to(ROOT)
    )


def served_questionnaire() -> dict:
    """The questionnaire the served app uses, as TOML data ({} if unreadable)."""
    try:
        return tomllib.loads(served_questionnaire_path().read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def reverse_keyed_items(data: dict | None = None) -> frozenset[str]:
    """Item ids whose "Very often" means spectator. A believer answers them low."""
    data = served_questionnaire() if data is None else data
    return frozenset(i["id"] for i in data.get("items", []) if i.get("reverse"))


def survey_submits(data: dict | None = None) -> int:
    """Form submits from joining to the result: the item pages, then the profile page.

    The floor participant makes as many, so the two runs compare step for step.
    """
    data = served_questionnaire() if data is None else data
    n_items = len(data.get("items", [])) or 21
    pages = -(-n_items // data.get("items_per_page", 6))
    return pages + (1 if data.get("profile") else 0)


class Person:
    """A participant's answering habits: a latent tendency from 0 (spectator) to 1 (believer).

    Seeded per participant, so a run is reproducible and a test can rely on both
    classes occurring.
    """

    def __init__(self, seed: int, index: int, reverse: frozenset[str]):
        self.rng = random.Random(seed * 1_000_003 + index)
        self.tendency = self.rng.random()
        self.reverse = reverse

    def answer(self, w: Widget) -> object:
        if w.kind == "radio" and w.key.startswith(ANSWER_PREFIX):
            # Likert item: options run from "Never" to "Very often".
            item = w.key.removeprefix(ANSWER_PREFIX)
            lean = self.tendency if item not in self.reverse else 1 - self.tendency
            mean = lean * (len(w.options) - 1)
            i = min(max(round(self.rng.gauss(mean, 0.8)), 0), len(w.options) - 1)
            return w.options[i]
        if w.kind == "radio":  # an optional profile question: most people answer it
            return self.rng.choice(w.options) if self.rng.random() < 0.85 else None
        if w.kind == "pills":
            k = self.rng.randint(0, min(4, len(w.options))) if w.multi else 1
            return self.rng.sample(w.options, k)
        raise JourneyError(f"cannot fill a {w.kind} widget")


@dataclass
class Record:
    """One participant's run: what they saw and how long each step took."""

    index: int
    arrive_s: float  # scheduled arrival, from the start of the run
    start_s: float | None = None  # when it connected (later than arrival if concurrency-capped)
    end_s: float | None = None
    steps: list[tuple[str, float]] = field(default_factory=list)
    acknowledged: bool = False  # the client saw the end: the result page (floor: last submit)
    title: str = ""
    klass: str | None = None
    token: str | None = None
    error: str | None = None

    def timed(self, name: str, fn: Callable[[], Screen]) -> Screen:
        t0 = time.perf_counter()
        screen = fn()
        self.steps.append((name, time.perf_counter() - t0))
        return screen


def survey_journey(b: Browser, person: Person, rec: Record, think_s: float = 0) -> None:
    screen = rec.timed("load", b.open)
    for _ in range(MAX_PAGES):
        if screen.errors:
            raise JourneyError(f"the page shows an error: {screen.errors[0][:120]}")
        if screen.title.startswith("You're a"):
            rec.acknowledged = True
            rec.title = screen.title
            rec.klass = "believer" if "Believer" in screen.title else "spectator"
            rec.token = b.params.get("p")
            return
        fields, button = screen.advance_form()
        if not fields:
            raise JourneyError(f"an empty form on {screen.progress!r}")
        values = {w: person.answer(w) for w in fields}
        before = screen.progress
        time.sleep(think_s)
        screen = rec.timed(f"submit {before or '?'}", lambda: b.submit(values, button))  # noqa: B023
        if screen.progress and screen.progress == before:
            raise JourneyError(f"the page did not advance from {before!r}")
    raise JourneyError(f"no result after {MAX_PAGES} pages")


def floor_journey(
    b: Browser, person: Person, rec: Record, think_s: float = 0, steps: int = 4
) -> None:
    screen = rec.timed("load", b.open)
    for i in range(steps):
        fields, button = screen.advance_form()
        values = {w: person.rng.choice(w.options) for w in fields}
        time.sleep(think_s)
        screen = rec.timed(f"submit {i + 1}", lambda: b.submit(values, button))  # noqa: B023
    rec.acknowledged = True


JOURNEYS = {"survey": survey_journey, "floor": floor_journey, "layout": floor_journey}


# ---------------------------------------------------------------- a run


@dataclass
class Load:
    """How the participants arrive."""

    n: int
    window_s: float = 0.0  # 0: all at once; else uniform random arrivals over the window
    concurrency: int = 500  # participants connected at once; later ones queue, like a full room
    time_limit_s: float = 300.0  # hard stop for the whole run
    seed: int = 1
    code: str = "SHARE"  # the session to join (SHARE is the app's always-open default)
    think_s: float = 0.0  # pause before each submit; 0 is the harshest case
    journey: str = "survey"
    # Keep each tab open on its result until everyone is done, as people do. It also
    # keeps Streamlit from dropping its compiled-page cache, which it does each time
    # the last session disconnects: closing at once would make the run too pessimistic.
    linger: bool = True

    def arrivals(self) -> list[float]:
        if self.window_s <= 0:
            return [0.0] * self.n
        rng = random.Random(self.seed)
        return sorted(rng.uniform(0, self.window_s) for _ in range(self.n))


def run_load(
    port: int, load: Load, on_done: Callable[[Record], None] | None = None
) -> tuple[list[Record], float]:
    """Run every participant to its end (or the time limit). Returns records and wall time.

    `on_done` is called from the participant's thread as each one finishes,
    which is how the crash scenario knows when half have been acknowledged.
    """
    reverse = reverse_keyed_items()
    journey = JOURNEYS[load.journey]
    if journey is floor_journey:  # as many submits as a survey participant makes
        journey = functools.partial(floor_journey, steps=survey_submits())
    slots = threading.BoundedSemaphore(load.concurrency)
    finished = threading.Semaphore(0)  # one release per participant whose journey is over
    leave = threading.Event()  # lingering tabs close when this is set
    t0 = time.monotonic()
    deadline = t0 + load.time_limit_s
    records = [Record(i, a) for i, a in enumerate(load.arrivals())]

    def participant(rec: Record) -> None:
        if not slots.acquire(timeout=max(deadline - time.monotonic(), 0)):
            rec.error = "time limit (never got a slot)"
            finished.release()
            return
        b = Browser(port, f"s={load.code}", deadline)
        try:
            rec.start_s = time.monotonic() - t0
            journey(b, Person(load.seed, rec.index, reverse), rec, load.think_s)
        except JourneyError as exc:
            rec.error = str(exc)
        except Exception as exc:  # a harness bug must show up as a failure, not a hang
            rec.error = f"{type(exc).__name__}: {exc}"
        finally:
            rec.end_s = time.monotonic() - t0  # before the close handshake: the user is done
            if on_done:
                on_done(rec)
            slots.release()
            finished.release()
        try:
            if load.linger and rec.acknowledged:
                b.idle(leave)
        except JourneyError:
            pass  # the server went away while the tab sat on the result (the crash scenario)
        finally:
            b.close()

    old_stack = threading.stack_size(THREAD_STACK)
    threads = []
    try:
        for rec in records:
            wait = t0 + rec.arrive_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if time.monotonic() >= deadline:
                rec.error = "time limit (never started)"
                continue
            th = threading.Thread(target=participant, args=(rec,), daemon=True)
            th.start()
            threads.append(th)
    finally:
        threading.stack_size(old_stack)
    for _ in threads:
        finished.acquire(timeout=max(deadline - time.monotonic(), 0) + 5)
    wall = time.monotonic() - t0
    leave.set()
    for th in threads:
        th.join(5)
    return records, wall


# ---------------------------------------------------------------- checking and reporting


def check_db(db: str | Path, records: list[Record]) -> dict:
    """Compare what participants were shown with what the database holds.

    `db` is the served SURVEY_DB: a SQLite file, read directly (an older checkout's
    schema too, see BENCH_APP_ROOT), or a postgresql:// URL, read through the app's
    own store. lost: the participant saw a result, but their token is missing from
    the database or not marked complete. mismatched: stored class differs from the
    class shown.
    """
    acked = {r.token: r for r in records if r.acknowledged}
    if is_postgres(db):
        complete, count, integrity = _complete_in_server(str(db))
    else:
        complete, count, integrity = _complete_in_file(db, [t for t in acked if t])
    lost = [t for t in acked if not t or t not in complete]
    mismatched = [t for t, r in acked.items() if t in complete and complete[t] != r.klass]
    return {
        "acknowledged": len(acked),
        "lost": len(lost),
        "lost_tokens": lost[:20],
        "class_mismatch": len(mismatched),
        "complete_rows": count,
        "integrity_check": integrity,
    }


# Each returns the complete responses looked at (token -> stored class), how many
# complete responses the database holds in all, and its integrity check.


def _complete_in_file(path: str | Path, tokens: list[str]) -> tuple[dict[str, str], int, str]:
    conn = sqlite3.connect(str(path), timeout=30)
    found: dict[str, str] = {}
    try:
        for i in range(0, len(tokens), 500):
            chunk = tokens[i : i + 500]
            sql = (
                "SELECT token, \"class\" FROM responses WHERE status = 'complete' AND token IN "
                f"({','.join('?' * len(chunk))})"
            )
            found.update(conn.execute(sql, chunk))
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        count = conn.execute("SELECT COUNT(*) FROM responses WHERE status = 'complete'")
        return found, count.fetchone()[0], integrity
    finally:
        conn.close()


def _complete_in_server(url: str) -> tuple[dict[str, str], int, str]:
    store = Store(questionnaire.load(served_questionnaire_path()), url)
    try:
        _, rows = store.rows(include_incomplete=False, columns=["token", "class"])
    finally:
        store.close()
    return dict(rows), len(rows), "not checked (PostgreSQL)"


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    v = sorted(values)

    def q(p: float) -> float:
        k = (len(v) - 1) * p
        lo = int(k)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (v[hi] - v[lo]) * (k - lo)

    return {"n": len(v), "p50": round(q(0.5), 4), "p95": round(q(0.95), 4), "max": round(v[-1], 4)}


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
        warm, _ = run_load(port, Load(1, seed=-1, code=load.code, journey=load.journey))
        if not warm[0].acknowledged:
            raise RuntimeError(f"warm-up participant failed: {warm[0].error}")
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
