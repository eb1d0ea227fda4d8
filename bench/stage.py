"""Benchmark: the projector stage's live rerun at 100k responses, over the real protocol.

    python -m bench.stage [--n 100000] [--runs 30] [--view distribution] [--against REV]

A real server (`python -m survey.serving.serve`) gets a database with N complete
responses in one revealed session, its stage set to VIEW. A websocket client
opens the read-only stage link as the projector does, learns the live view's
fragment id from the deltas, then asks for fragment reruns exactly as the
browser's `run_every` timer does, and times each from request to `script_finished`:

- idle:    nothing changed since the last refresh (target <= 10 ms median);
- changed: one new response completed just before each refresh (target <= 150 ms median).

Both are measured in the same run, after a warm-up that loads the room once.
With --against REV, a second server serves a `git archive` of that commit on a copy
of the same database, and the two stages are polled in turn: before and after, side
by side under the same load.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import statistics
import subprocess
import tarfile
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.protocol import Browser, JourneyError
from bench.server import ROOT, StreamlitServer
from survey import demo, questionnaire, scoring
from survey.store import Store


class Projector(Browser):
    """A browser tab on the stage link: opens it, then triggers the live view's reruns."""

    def __init__(self, port: int, code: str, token: str):
        super().__init__(port, f"s={code}&t={token}")
        self.page_name = "stage"
        self.fragments: set[str] = set()

    def rerun(self, states: list[WidgetState], fragment_id: str = "") -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_hash
        cs.page_name = "" if self.page_hash else self.page_name
        cs.widget_states.widgets.extend(states)
        if fragment_id:
            cs.fragment_id = fragment_id
        self.ws.settimeout(60)
        self.ws.send_binary(msg.SerializeToString())
        self._read()

    def _read(self) -> None:
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                if msg.delta.fragment_id:
                    self.fragments.add(msg.delta.fragment_id)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return

    def show(self) -> None:
        self.open()
        if not self.fragments:
            raise JourneyError("the stage rendered no live view")

    def refresh(self) -> float:
        """One timer-driven fragment rerun; seconds from request to script_finished."""
        (fragment,) = self.fragments
        t = time.perf_counter()
        self.rerun([], fragment_id=fragment)
        return time.perf_counter() - t


def seed(db: Path, n: int, view: str) -> tuple[str, str]:
    """A revealed session of n real-looking complete responses; its code and stage token."""
    q = questionnaire.load()
    store = Store(q, db)
    code = store.create_session("Benchmark room", "BNCH")
    store.set_revealed(code, True)
    store.set_stage(code, view=view)
    for start in range(0, n, 20_000):
        rows = demo.responses(q, min(20_000, n - start), seed=start)
        store.insert_many(code, [{**r, "is_demo": 0} for r in rows])  # no demo badge
    token = store.stage(code)["token"]
    store.close()
    return code, token


def snapshot(rev: str, into: Path) -> Path:
    """The checkout of commit `rev` (a `git archive`), for a server to serve."""
    tar = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(into, filter="data")
    return into


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)  # the seeded database once, copied for each server (WAL included)
    b.close()
    a.close()


def _ms(times: list[float]) -> dict:
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(1000 * statistics.quantiles(times, n=20)[-1], 1),
    }


def run(n: int, runs: int, view: str, against: str | None = None) -> dict:
    q = questionnaire.load()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-stage-")))
        seeded = tmp / "seeded.db"
        code, token = seed(seeded, n, view)
        roots = {"this tree": ROOT}
        if against:
            roots[against] = snapshot(against, tmp / "against")
        tabs, writers = {}, {}
        for name, root in roots.items():
            db = tmp / f"{len(tabs)}.db"
            _copy(seeded, db)
            server = stack.enter_context(StreamlitServer(db=db, root=root))  # started
            tabs[name] = Projector(server.port, code, token)
            stack.callback(tabs[name].close)
            tabs[name].show()
            writers[name] = Store(q, db)
        first = {name: tab.refresh() for name, tab in tabs.items()}  # loads 100k rows once
        for _ in range(2):
            for tab in tabs.values():
                tab.refresh()
        idle = {name: [] for name in tabs}
        for _ in range(runs):  # in turn, so both see the same load
            for name, tab in tabs.items():
                idle[name].append(tab.refresh())
        answers = {i: 4 for i in q.item_ids}
        changed = {name: [] for name in tabs}
        for _ in range(runs):
            for name, tab in tabs.items():
                writers[name].save_page(
                    code, None, answers, page=4, result=scoring.score(q, answers)
                )
                changed[name].append(tab.refresh())
    out = {"benchmark": "stage_fragment", "responses": n, "view": view}
    for name in tabs:
        out[name] = {
            "first_load_s": round(first[name], 3),
            "idle": _ms(idle[name]),
            "changed": _ms(changed[name]),
            "met": statistics.median(idle[name]) <= 0.010
            and statistics.median(changed[name]) <= 0.150,
        }
    out["targets_ms"] = {"idle_median": 10, "changed_median": 150}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--view", default="distribution", help="the stage view to rerun")
    p.add_argument("--against", help="a commit to measure side by side (e.g. HEAD~1)")
    args = p.parse_args()
    print(json.dumps(run(args.n, args.runs, args.view, args.against), indent=2))


if __name__ == "__main__":
    main()
