"""Benchmark: export 100k responses to CSV (target <= 1 s).

    python -m bench.export_csv [--n 100000] [--repeat 5]

Uses a real SQLite file filled with demo responses, and the same function the
export page and the CLI call. Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.timing import real, timed
from survey import demo, export, questionnaire
from survey.store import Store

TARGET_S = 1.0


def run(n: int, repeat: int) -> dict:
    q = questionnaire.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(q, Path(tmp) / "bench.db")
        code = store.create_session("Benchmark")
        for start in range(0, n, 20_000):
            store.insert_many(code, real(demo.responses(q, min(20_000, n - start), seed=start)))
        figures = timed(lambda: export.responses_csv(store, code), repeat)
        store.close()
    return {
        "benchmark": "export_csv",
        "responses": n,
        **figures,
        "target_s": TARGET_S,
        "met": figures["median_s"] <= TARGET_S,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    print(json.dumps(run(args.n, args.repeat), indent=2))


if __name__ == "__main__":
    main()
