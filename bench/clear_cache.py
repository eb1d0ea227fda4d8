"""Benchmark: page turns on a 20,000-response room, quiet and with a tab sending clear_cache.

    python -m bench.clear_cache [--responses 20000] [--rounds 6] [--per-round 8] [--every 0.5]
    BENCH_APP_ROOT=/tmp/old python -m bench.clear_cache --json old.json   # another checkout

Issue 23: any browser tab can send Streamlit's `clear_cache` BackMsg, which empties every
st.cache_* of the server; while rooms lived in st.cache_resource, one tab sending it every
0.5 s raised the p95 page turn from 27 to 613 ms on a 20,000-response room (each drop
meant reading the room again). Rooms now live outside Streamlit's caches.

One real server (`python -m survey.serving.serve`, as `make run` serves it) gets a fresh SQLite
database with N complete real responses in one session (`bench.stage.seed`). Participants
(the protocol load harness, `bench.loadgen`) join that session, turn its pages and see
their result, which compares them with the room. Two conditions, measured in alternating
rounds (quiet, clear, clear, quiet, ...) so the machine's noise falls on both:

- quiet:       the participants only, plus one extra tab connected and idle;
- clear_cache: the same, with that extra tab sending a `clear_cache` BackMsg every 0.5 s.

Reported for each: page turns (form submits) median and p95, the result page apart (the
step that reads the room), and the server's CPU per step (all steps, the page load too,
as `bench.loadgen` counts it), then clear_cache / quiet ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.loadgen import Load, Record, measure, percentiles, run_load
from bench.protocol import Browser, JourneyError
from bench.server import StreamlitServer, results_dir
from bench.stage import seed

CONDITIONS = ("quiet", "clear_cache")


class Clearer:
    """One extra browser tab on the join page; while `active` is set it sends clear_cache
    every `every` seconds, as a person holding the "Clear cache" shortcut would. It keeps
    reading in between, so the server's pings get their pongs."""

    def __init__(self, port: int, code: str, every: float):
        self.tab = Browser(port, f"s={code}")
        self.every = every
        self.active = threading.Event()
        self.done = threading.Event()
        self.sent = 0
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="clearer")

    def start(self) -> Clearer:
        self.tab.open()
        self._thread.start()
        return self

    def _run(self) -> None:
        msg = BackMsg()
        msg.clear_cache = True
        data = msg.SerializeToString()
        due = time.monotonic()
        try:
            while not self.done.is_set():
                now = time.monotonic()
                if self.active.is_set() and now >= due:
                    self.tab.ws.send_binary(data)
                    self.sent += 1
                    due = max(due + self.every, now)
                elif not self.active.is_set():
                    due = now
                wait = max(min(due - time.monotonic(), 0.1), 0.001)
                self.tab.ws.settimeout(wait)
                with contextlib.suppress(websocket.WebSocketTimeoutException):
                    self.tab.ws.recv()
                if not self.tab.ws.connected:
                    raise websocket.WebSocketConnectionClosedException("closed by the server")
        except (websocket.WebSocketException, OSError) as exc:
            self.error = f"clearer's connection lost ({type(exc).__name__})"

    def stop(self) -> None:
        self.done.set()
        self._thread.join(5)
        self.tab.close()


def page_turns(records: list[Record]) -> list[tuple[str, float]]:
    """Every form submit (step name, seconds); the page loads left out."""
    return [(name, s) for r in records for name, s in r.steps if name.startswith("submit")]


def last_turns(records: list[Record]) -> list[float]:
    """Each acknowledged participant's last submit: the one that opens the result page."""
    return [
        [s for name, s in r.steps if name.startswith("submit")][-1]
        for r in records
        if r.acknowledged
    ]


def ms(stats: dict) -> dict:
    return {k: (round(1000 * v, 1) if k != "n" and v is not None else v) for k, v in stats.items()}


def condition_figures(rounds: list[dict], records: list[Record]) -> dict:
    turns = [s for _, s in page_turns(records)]
    steps = sum(r["steps"] for r in rounds)
    cpu = sum(r["server_cpu_s"] for r in rounds)
    return {
        "rounds": len(rounds),
        "participants": sum(r["participants"] for r in rounds),
        "completed": sum(r["completed"] for r in rounds),
        "failed": sum(r["failed"] for r in rounds),
        "lost": sum(r["lost"] for r in rounds),
        "page_turn_ms": ms(percentiles(turns)),
        "result_page_turn_ms": ms(percentiles(last_turns(records))),
        "page_load_ms": ms(
            percentiles([s for r in records for name, s in r.steps if name == "load"])
        ),
        "steps": steps,
        "server_cpu_s": round(cpu, 2),
        "server_cpu_ms_per_step": round(1000 * cpu / steps, 2) if steps else None,
        "clear_cache_sent": sum(r["clear_cache_sent"] for r in rounds),
        "background_cpu_pct_mean": round(
            sum(r["background_cpu_pct"] or 0 for r in rounds) / len(rounds), 1
        ),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def run(
    responses: int, rounds: int, per_round: int, every: float, window: float, think: float
) -> dict:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()
    out_rounds: list[dict] = []
    records: dict[str, list[Record]] = {c: [] for c in CONDITIONS}
    with StreamlitServer() as server:
        t = time.monotonic()
        code, _ = seed(server.db, responses, "distribution")
        seed_s = time.monotonic() - t
        server.start()
        # A facilitator has opened the app, and the room was read once, before anyone joins.
        warm, _ = run_load(server.port, Load(2, seed=-1, code=code))
        if not all(r.acknowledged for r in warm):
            raise RuntimeError(f"warm-up participant failed: {[r.error for r in warm]}")
        clearer = Clearer(server.port, code, every).start()
        try:
            for i in range(rounds):
                pair = CONDITIONS if i % 2 == 0 else CONDITIONS[::-1]  # q c, c q, q c, ...
                for condition in pair:
                    out_rounds.append(
                        one_round(
                            server,
                            code,
                            clearer,
                            condition,
                            len(out_rounds),
                            per_round,
                            window,
                            think,
                            records[condition],
                        )
                    )
                    r = out_rounds[-1]
                    print(
                        f"round {r['round']:2d} {condition:11s} load {r['load_average'][0]:.2f}"
                        f"  turn p50 {r['page_turn_ms']['p50']} p95 {r['page_turn_ms']['p95']}"
                        f" ms  cpu/step {r['server_cpu_ms_per_step']} ms"
                        f"  cleared {r['clear_cache_sent']}  failed {r['failed']}",
                        flush=True,
                    )
        finally:
            clearer.stop()
        if clearer.error:
            raise RuntimeError(clearer.error)
    figures = {
        c: condition_figures([r for r in out_rounds if r["condition"] == c], records[c])
        for c in CONDITIONS
    }
    quiet, clear = figures["quiet"], figures["clear_cache"]
    return {
        "benchmark": "clear_cache",
        "started": started,
        "load_average_before": load_before,
        "responses": responses,
        "params": {
            "rounds_per_condition": rounds,
            "participants_per_round": per_round,
            "clear_cache_every_s": every,
            "arrival_window_s": window,
            "think_s": think,
        },
        "seed_seconds": round(seed_s, 1),
        "conditions": figures,
        "ratio_clear_over_quiet": {
            "page_turn_p50": ratio(clear["page_turn_ms"]["p50"], quiet["page_turn_ms"]["p50"]),
            "page_turn_p95": ratio(clear["page_turn_ms"]["p95"], quiet["page_turn_ms"]["p95"]),
            "result_page_p95": ratio(
                clear["result_page_turn_ms"]["p95"], quiet["result_page_turn_ms"]["p95"]
            ),
            "server_cpu_per_step": ratio(
                clear["server_cpu_ms_per_step"], quiet["server_cpu_ms_per_step"]
            ),
        },
        "rounds": out_rounds,
    }


def one_round(
    server: StreamlitServer,
    code: str,
    clearer: Clearer,
    condition: str,
    index: int,
    n: int,
    window: float,
    think: float,
    into: list[Record],
) -> dict:
    load = Load(n, window_s=window, think_s=think, seed=100 + index, code=code, time_limit_s=120)
    load_average = os.getloadavg()
    sent_before = clearer.sent
    if condition == "clear_cache":
        clearer.active.set()
        time.sleep(clearer.every)  # the first clear lands before the first participant
    try:
        summary, recs = measure(server.port, load, server.pid, server.db, warmup=False)
    finally:
        clearer.active.clear()
    into.extend(recs)
    steps = sum(len(r.steps) for r in recs)
    return {
        "round": index,
        "condition": condition,
        "load_average": load_average,
        "participants": n,
        "completed": summary["completed"],
        "failed": summary["failed"],
        "lost": summary["lost"],
        "failures": summary["failures"],
        "steps": steps,
        "page_turn_ms": ms(percentiles([s for _, s in page_turns(recs)])),
        "server_cpu_s": summary["server"]["cpu_seconds"],
        "server_cpu_ms_per_step": summary["server_cpu_ms_per_step"],
        "background_cpu_pct": summary["loadgen"].get("background_cpu_pct"),
        "clear_cache_sent": clearer.sent - sent_before,
        "db_integrity": summary["db"]["integrity_check"] if summary["db"] else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.clear_cache", description=__doc__.split("\n")[0]
    )
    p.add_argument("--responses", type=int, default=20_000, help="complete responses in the room")
    p.add_argument("--rounds", type=int, default=6, help="rounds per condition")
    p.add_argument("--per-round", type=int, default=8, help="participants per round")
    p.add_argument("--every", type=float, default=0.5, help="s between clear_cache messages")
    p.add_argument("--window", type=float, default=8.0, help="arrival window of a round, s")
    p.add_argument("--think", type=float, default=0.5, help="pause before each submit, s")
    p.add_argument("--label", default="clear-cache", help="results folder: <commit>-<label>")
    p.add_argument("--json", help="write the result here instead (e.g. another checkout's run)")
    args = p.parse_args(argv)
    try:
        result = run(
            args.responses, args.rounds, args.per_round, args.every, args.window, args.think
        )
    except JourneyError as exc:
        print(f"failed: {exc}")
        return 1
    path = Path(args.json) if args.json else results_dir(args.label) / "clear_cache.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    result["served_checkout"] = os.environ.get("BENCH_APP_ROOT") or "this one"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("conditions", "ratio_clear_over_quiet")}, indent=2))
    print(f"saved {path}")
    failed = sum(c["failed"] + c["lost"] for c in result["conditions"].values())
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
