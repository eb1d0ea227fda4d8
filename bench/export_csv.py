"""Benchmark: export 100k responses to CSV (target <= 1 s).

    python -m bench.export_csv [--n 100000] [--repeat 5]

Uses a real SQLite file filled with demo responses, and the same function the
export page and the CLI call. Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from survey import demo, export, questionnaire
from survey.store import Store


def real(rows: list[dict]) -> list[dict]:
    """Demo rows counted as real participants: every output leaves demo rows out."""
    return [{**r, "is_demo": 0} for r in rows]


def run(n: int, repeat: int) -> dict:
    q = questionnaire.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(q, Path(tmp) / "bench.db")
        code = store.create_session("Benchmark")
        for start in range(0, n, 20_000):
            store.insert_many(code, real(demo.responses(q, min(20_000, n - start), seed=start)))
        times, cpu, size = [], [], 0
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            data = export.responses_csv(store, code)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            size = len(data)
        store.close()
    return {
        "benchmark": "export_csv",
        "responses": n,
        "bytes": size,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        # CPU time of this process: what the export costs when the machine is shared.
        "cpu_median_s": round(statistics.median(cpu), 3),
        "target_s": 1.0,
        "met": statistics.median(times) <= 1.0,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    print(json.dumps(run(args.n, args.repeat), indent=2))


if __name__ == "__main__":
    main()
