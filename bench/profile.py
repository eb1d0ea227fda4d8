"""Where the server's time goes under load: py-spy on the server during a harness run.

    python -m bench.profile --n 300 --window 20          # needs `pip install py-spy`
    python -m bench.profile --n 300 --window 20 --server-opt server.fileWatcherType=none

Samples only the thread holding the GIL (`py-spy --gil`): one Streamlit process
runs Python on one core at a time, so that thread is the bottleneck. Each
sample is charged to the first known cost centre found walking up from the
innermost frame (SQLite, plotly, the file watcher, ...); the rest is split by
thread (the script thread vs the event loop). Writes the raw folded stacks next
to the JSON, for a flame graph.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.loadgen import APPS, Load, measure, table
from bench.server import StreamlitServer, results_dir

SAMPLE_RATE = 200  # per second: enough samples in a 20 s run, light on a 2-core box

# (cost centre, substrings of a frame that belong to it), matched innermost frame first.
CENTRES = [
    ("file watcher (per-session sys.modules scan)", ("local_sources_watcher", "watchdog")),
    ("garbage collection after each run", ("gc_collect", "(gc)", "collect (gc")),
    ("SQLite", ("sqlite3", "sqlite_utils", "survey/store.py")),
    ("plotly figure building", ("plotly/",)),
    ("pandas", ("pandas/",)),
    ("protobuf / message building", ("protobuf", "_pb2", "forward_msg", "SerializeToString")),
    ("websocket + HTTP stack", ("uvicorn", "starlette", "websockets/", "asyncio/")),
    ("element / widget building", ("streamlit/elements", "streamlit/delta_generator")),
    ("session state, widgets, callbacks", ("streamlit/runtime/state",)),
    ("survey app code", ("(survey/", "(survey.py", "(pages/", "(app.py")),
]


ENTRY_POINTS = (
    "survey/serving/serve.py",
    "survey/serve.py",
)  # the main thread's root frame, not app work


def centre(stack: list[str]) -> str:
    for frame in reversed(stack):
        if any(e in frame for e in ENTRY_POINTS):
            continue
        for name, needles in CENTRES:
            if any(n in frame for n in needles):
                return name
    joined = ";".join(stack)
    if "ScriptRunner" in joined:
        return "script runner (other)"
    if "run_forever" in joined or "_run_once" in joined:
        return "event loop (other)"
    return "other"


def summarize_folded(path: Path, top: int = 25) -> dict:
    centres: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack_s, _, n_s = line.rpartition(" ")
        if not n_s.isdigit():  # a frame name with a newline in it splits a stack: skip the bits
            continue
        n = int(n_s)
        stack = stack_s.split(";")
        total += n
        centres[centre(stack)] += n
        leaves[stack[-1]] += n
    return {
        "samples": total,
        "cost_centres_pct": {k: round(100 * v / total, 1) for k, v in centres.most_common()},
        "top_leaf_frames_pct": {k: round(100 * v / total, 1) for k, v in leaves.most_common(top)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--window", type=float, default=20)
    ap.add_argument("--app", choices=sorted(APPS), default="survey")
    ap.add_argument("--server-opt", action="append", default=[], metavar="SECTION.OPTION=VALUE")
    ap.add_argument(
        "--label", default="profile", help="results go to bench/results/<commit>-<label>"
    )
    args = ap.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is not installed: pip install py-spy")
    out_dir = results_dir(args.label)
    out_dir.mkdir(parents=True, exist_ok=True)
    folded = out_dir / "profile.folded"
    load = Load(args.n, window_s=args.window, journey=args.app)
    opts = [f"--{o}" for o in args.server_opt]
    with StreamlitServer(APPS[args.app], server_args=opts) as srv:
        # Warm the server first, so the profile shows steady state, not imports.
        measure(srv.port, Load(1, seed=-1, journey=args.app), warmup=False)
        spy = subprocess.Popen(
            [py_spy, "record", "--pid", str(srv.pid), "--gil", "--nonblocking"]
            + ["--rate", str(SAMPLE_RATE), "--format", "raw", "--output", str(folded)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        summary, _ = measure(srv.port, load, srv.pid, srv.db, warmup=False)
        spy.send_signal(2)  # SIGINT: py-spy writes its output and exits
        spy.wait(timeout=30)
    profile = summarize_folded(folded)
    out = {"load": summary, "profile": profile, "server_opts": args.server_opt}
    (out_dir / "profile.json").write_text(json.dumps(out, indent=2) + "\n")
    print(table(summary))
    print()
    for k, v in profile["cost_centres_pct"].items():
        print(f"{v:5.1f} %  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
