"""The capacity scenarios of issue 6, each on its own fresh server and temporary database.

- spread: N participants arriving at random over a window (1,000 over 60 s)
- burst:  N participants arriving at once (400)
- floor:  the same load on bench/floor_app.py, for the latency ratio
- memory: RSS per idle connected session, and RSS across connect/disconnect cycles
- crash:  SIGKILL mid-burst, restart on the same database, check every acknowledged answer
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import psutil

from bench.loadgen import APPS, measure, summarize
from bench.server import ClusterServer, ResourceMonitor, StreamlitServer, mb
from tests.load import Load, check_db, reopen, run_load, run_until_killed, warm_up
from tests.protocol import Browser, JourneyError

OPEN_CONCURRENCY = 50  # sessions opened at once in the memory scenario: a steady trickle
RESUME_CHECKS = 5  # acknowledged participants who reopen their link after the crash


def journeys(
    load: Load,
    server_opts: Sequence[str] = (),
    workers: int = 0,
    db: str | None = None,
    cpu_of: Mapping[str, Callable[[], float]] | None = None,
) -> dict:
    """One load run on a fresh server (the survey or the floor app), with a warm-up participant.

    workers=0: one process, as `make run` serves it. workers=N: the survey as
    `make run-workers` serves it, N workers behind nginx (CPU and RSS summed).
    db: SURVEY_DB (a temporary SQLite file by default). cpu_of: other processes'
    CPU to count apart (see `measure`).
    """
    if workers:
        srv = ClusterServer(workers, list(server_opts), app=APPS[load.journey], db=db)
    else:
        srv = StreamlitServer(APPS[load.journey], db=db, server_args=list(server_opts))
    with srv:
        if workers:  # warm every worker: each has its own imports and caches
            run_load(srv.port, Load(4 * workers, seed=-1, code=load.code, journey=load.journey))
        summary, _ = measure(srv.port, load, srv.pid, srv.db, cpu_of=cpu_of)
    summary["workers"] = workers
    summary["load_average_before"] = os.getloadavg()
    return summary


def floor_ratio(ours: dict, floor: dict) -> float | None:
    """Our median per-step latency over the bare app's, both under the same load."""
    a, b = ours["step_latency_s"]["p50"], floor["step_latency_s"]["p50"]
    return round(a / b, 2) if a and b else None


# ---------------------------------------------------------------- memory


def _rss_settled(proc: psutil.Process, samples: int = 5, gap: float = 0.2) -> int:
    values = []
    for _ in range(samples):
        values.append(proc.memory_info().rss)
        time.sleep(gap)
    return int(statistics.median(values))


def _open_sessions(
    port: int, m: int, code: str, hold: threading.Event | None = None
) -> tuple[list[str], list[threading.Thread]]:
    """Open m tabs on the first survey page; returns once all have it on screen.

    With `hold`, the tabs stay connected until it is set: join the returned
    threads after setting it. Without, they have closed again on return.
    """
    errors: list[str] = []
    opened = threading.Semaphore(0)
    gate = threading.BoundedSemaphore(OPEN_CONCURRENCY)

    def tab() -> None:
        b = Browser(port, f"s={code}")
        try:
            with gate:
                screen = b.open()
                screen.advance_form()  # it really is the first survey page
            opened.release()
            if hold is not None:
                b.idle(hold)
        except JourneyError as exc:
            errors.append(str(exc))
            opened.release()
        finally:
            b.close()

    threads = [threading.Thread(target=tab, daemon=True) for _ in range(m)]
    for th in threads:
        th.start()
    for _ in range(m):
        opened.acquire()
    if hold is None:
        for th in threads:
            th.join()
    return errors, threads


def memory(
    m: int = 300, cycles: int = 6, code: str = "SHARE", server_opts: Sequence[str] = ()
) -> dict:
    """RSS per idle connected session, then RSS after each of `cycles` connect/disconnect rounds.

    Streamlit keeps up to 128 disconnected sessions for 120 s so a dropped phone
    can reconnect, so the first round may grow RSS; after that it should be flat.
    """
    with StreamlitServer(APPS["survey"], server_args=list(server_opts)) as srv:
        warm_up(srv.port, code)
        proc = psutil.Process(srv.pid)
        time.sleep(1)
        base = _rss_settled(proc)

        hold = threading.Event()
        t0 = time.monotonic()
        errors, tabs = _open_sessions(srv.port, m, code, hold)
        open_s = time.monotonic() - t0
        time.sleep(2)
        held = _rss_settled(proc)
        hold.set()
        for th in tabs:
            th.join()
        time.sleep(1)
        after_close = _rss_settled(proc)

        series = []
        for _ in range(cycles):
            errors += _open_sessions(srv.port, m, code)[0]
            time.sleep(1)
            series.append(_rss_settled(proc))
    per_session_kb = (held - base) / m / 1024
    # Growth after the first round, per connect/disconnect: a leak shows up here.
    retained_kb = (series[-1] - series[0]) / ((cycles - 1) * m) / 1024 if cycles > 1 else 0.0
    return {
        "sessions": m,
        "cycles": cycles,
        "errors": len(errors),
        "open_seconds": round(open_s, 2),
        "rss_base_mb": mb(base),
        "rss_with_sessions_mb": mb(held),
        "rss_after_close_mb": mb(after_close),
        "rss_per_idle_session_kb": round(per_session_kb, 1),
        "rss_after_each_cycle_mb": [mb(v) for v in series],
        "rss_growth_per_session_after_first_cycle_kb": round(retained_kb, 2),
        "load_average_before": os.getloadavg(),
    }


# ---------------------------------------------------------------- crash


def crash(
    n: int = 200,
    window_s: float = 5.0,
    kill_after: float = 0.5,
    think_s: float = 0.3,
    seed: int = 3,
    code: str = "SHARE",
    server_opts: Sequence[str] = (),
) -> dict:
    """SIGKILL the server once `kill_after` of the participants saw their result; restart; check.

    Arrivals are spread over a short window, and participants pause before each
    submit, so that at the kill some are reading a page, some are mid-submit and
    some are done (in a pure burst they move in lockstep and finish together).
    """
    load = Load(n, window_s=window_s, seed=seed, code=code, think_s=think_s, time_limit_s=120)
    srv = StreamlitServer(APPS["survey"], server_args=list(server_opts))
    srv.start()
    try:
        warm_up(srv.port, code)
        mon = ResourceMonitor(srv.pid).start()
        records, wall, kill = run_until_killed(srv, load, kill_after)
        server = mon.stop()
        srv.start()  # same port, same database
        db = check_db(srv.db, records)
        resumed = reopen([r for r in records if r.acknowledged][:RESUME_CHECKS], srv.port, code)
    finally:
        srv.cleanup()
    summary = summarize(load, records, wall, server, None, db)
    summary.update(
        killed=kill is not None,
        killed_after_acknowledged=kill and kill.acknowledged,
        killed_at_s=kill and kill.at_s,
        cut_off=sum(1 for r in records if not r.acknowledged and r.start_s is not None),
        resumed_ok=sum(resumed),
        resumed_checked=len(resumed),
        load_average_before=os.getloadavg(),
    )
    return summary
