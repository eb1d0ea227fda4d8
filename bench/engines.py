"""PostgreSQL against SQLite: the same room and the same serving, on each storage engine.

    python -m bench.engines [--n 1000] [--window 60] [--workers 2] [--pools 4,10] [--json FILE]

In one run, `n` participants arriving over `window` seconds (the load harness,
bench/loadgen.py), through nginx in front of `workers` workers (`make run-workers`,
survey.serving.cluster), once on SQLite (a temporary file) and once on PostgreSQL (a
throwaway server on this machine, tests/postgres.py). Each engine gets a fresh
cluster and database, warmed up the same way. With `--pools`, PostgreSQL runs once
per pool size (SURVEY_DB_POOL, connections per worker), side by side in the same run.

The server's CPU is the workers' and nginx's, as in bench/capacity.py. PostgreSQL's
own processes (the postmaster and the backend of every pooled connection) are
counted apart and added for the "in all" figure: SQLite's work is done inside the
workers, PostgreSQL's mostly in its server. PostgreSQL runs locally, on loopback,
so these figures show the store's cost, not a network's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import scenarios
from bench.loadgen import Load
from bench.server import TreeCPU, results_dir
from tests.postgres import Cluster as Postgres

PG_CPU = "postgres_server"  # the summary's key for PostgreSQL's own CPU


def postmaster_pid(pg: Postgres) -> int:
    """The server's main process: the first line of postmaster.pid in its data folder."""
    return int((pg.data / "postmaster.pid").read_text().split()[0])


def pool_size() -> int:
    from survey.engine.postgres import POOL_SIZE

    return int(os.environ.get("SURVEY_DB_POOL") or POOL_SIZE)


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def figures(s: dict) -> dict:
    """What the comparison reads from one run's summary."""
    app = s["server_cpu_ms_per_step"]
    pg = (s.get(PG_CPU) or {}).get("cpu_ms_per_step") or 0.0
    return {
        "complete": s["completed"],
        "failed": s["failed"],
        "lost": s["lost"],
        "step_p50_s": s["step_latency_s"]["p50"],
        "step_p95_s": s["step_latency_s"]["p95"],
        "app_cpu_ms_per_step": app,
        "postgres_cpu_ms_per_step": pg if PG_CPU in s else None,
        "cpu_ms_per_step_in_all": round(app + pg, 2) if app is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.engines", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--window", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pools", help="PostgreSQL pool sizes to run, e.g. 4,10 (default: as set)")
    ap.add_argument("--json", help="default: bench/results/<commit>-engines/engines.json")
    args = ap.parse_args(argv)

    def load() -> Load:  # the same arrivals on both engines
        return Load(args.n, window_s=args.window, seed=16, concurrency=args.n, time_limit_s=600)

    out: dict = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "serving": (
            f"survey.serving.cluster: nginx in front of {args.workers} workers (make run-workers)"
        ),
        "postgres": "local throwaway server (tests/postgres.py), loopback, fsync off",
        "survey_db_pool": pool_size(),  # connections per worker
    }
    pools = [int(p) for p in args.pools.split(",")] if args.pools else [pool_size()]
    out["sqlite"] = scenarios.journeys(load(), workers=args.workers)
    with Postgres.started() as pg:
        server = TreeCPU(postmaster_pid(pg))
        for pool in pools:
            os.environ["SURVEY_DB_POOL"] = str(pool)  # the workers inherit it
            run = scenarios.journeys(
                load(), workers=args.workers, db=pg.new_database(), cpu_of={PG_CPU: server.seconds}
            )
            out.setdefault("postgresql_by_pool", {})[str(pool)] = run
            out["postgresql"] = out["postgresql_by_pool"][str(pools[0])]
            print(f"pool {pool}: {figures(run)}", file=sys.stderr)
    lite, post = figures(out["sqlite"]), figures(out["postgresql"])
    out["figures"] = {"sqlite": lite, "postgresql": post}
    out["ratio_postgresql_over_sqlite"] = {
        name: ratio(post[key], lite[key])
        for name, key in (
            ("step_p95", "step_p95_s"),
            ("app_cpu_per_step", "app_cpu_ms_per_step"),
            ("cpu_per_step_in_all", "cpu_ms_per_step_in_all"),
        )
    }
    path = Path(args.json) if args.json else results_dir("engines") / "engines.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")

    print(
        "| Engine | Complete / failed / lost | Step p50 / p95 | App CPU / step "
        "| PostgreSQL CPU / step |"
    )
    print("|---|---|---|---|---|")
    for name, f in (("SQLite", lite), ("PostgreSQL", post)):
        pg_cpu = f["postgres_cpu_ms_per_step"]
        print(
            f"| {name} | {f['complete']} / {f['failed']} / {f['lost']} | "
            f"{f['step_p50_s'] * 1000:.0f} / {f['step_p95_s'] * 1000:.0f} ms | "
            f"{f['app_cpu_ms_per_step']} ms | {'-' if pg_cpu is None else f'{pg_cpu} ms'} |"
        )
    print(f"\nPostgreSQL / SQLite: {out['ratio_postgresql_over_sqlite']}\nJSON: {path}")
    return 0 if lite["lost"] == post["lost"] == 0 and lite["failed"] == post["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
