"""Benchmark: build the session report and rooms compared at 10,000 responses (target <= 3 s).

    python -m bench.report [--n 10000] [--repeat 5]

Uses a real SQLite file filled with demo responses, and the functions the export
page and the CLI call (read, aggregate, figures, HTML). Also times the XLSX and
SPSS exports of the same rows (`python -m bench.workbook` sets the workbook beside the writer
it replaced). Prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.timing import real, timed
from survey import compare, demo, formats, questionnaire, report
from survey.store import Store

TARGET_S = 3.0


def run(n: int, repeat: int) -> dict:
    q = questionnaire.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(q, Path(tmp) / "bench.db")
        code = store.create_session("Benchmark")
        other = store.create_session("Benchmark, second room")
        for start in range(0, n, 20_000):
            store.insert_many(code, real(demo.responses(q, min(20_000, n - start), seed=start)))
        store.insert_many(other, real(demo.responses(q, n, seed=n)))
        session = timed(lambda: report.session_html(store, code), repeat)
        compared = timed(lambda: compare.compare_html(store, [code, other]), repeat)
        xlsx = timed(lambda: formats.xlsx_bytes(store, code), repeat)
        sav = timed(lambda: formats.sav_bytes(store, code), repeat)
        store.close()
    return {
        "benchmark": "report",
        "responses": n,
        "session_report": session,
        "rooms_compared_2_rooms": compared,
        "xlsx": xlsx,
        "sav": sav,
        "target_s": TARGET_S,
        "met": session["median_s"] <= TARGET_S and compared["median_s"] <= TARGET_S,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    print(json.dumps(run(args.n, args.repeat), indent=2))


if __name__ == "__main__":
    main()
