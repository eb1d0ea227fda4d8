"""Benchmark: the projector stage's live rerun at 100k responses, over the real protocol.

    python -m bench.stage [--n 100000] [--runs 30] [--view distribution]

A real server (`python -m survey.serving.serve`) gets a database with N complete
responses in one revealed session, its stage set to VIEW. A websocket client
opens the read-only stage link as the projector does, learns the live view's
fragment id from the deltas, then asks for fragment reruns exactly as the
browser's `run_every` timer does, and times each from request to `script_finished`:

- idle:    nothing changed since the last refresh (target <= 10 ms median);
- changed: one new response completed just before each refresh (target <= 150 ms median).

Both are measured in the same run, after a warm-up that loads the room once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.protocol import Browser, JourneyError
from bench.server import StreamlitServer
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


def run(n: int, runs: int, view: str) -> dict:
    q = questionnaire.load()
    with StreamlitServer() as server:
        code, token = seed(server.db, n, view)
        server.start()
        tab = Projector(server.port, code, token)
        try:
            tab.show()
            warm = [tab.refresh() for _ in range(3)]  # the first loads 100k rows once
            idle = [tab.refresh() for _ in range(runs)]
            writer = Store(q, server.db)
            answers = {i: 4 for i in q.item_ids}
            changed = []
            for _ in range(runs):
                writer.save_page(code, None, answers, page=4, result=scoring.score(q, answers))
                changed.append(tab.refresh())
        finally:
            tab.close()
    return {
        "benchmark": "stage_fragment",
        "responses": n,
        "view": view,
        "first_load_s": round(warm[0], 3),
        "idle_median_ms": round(1000 * statistics.median(idle), 1),
        "idle_p95_ms": round(1000 * sorted(idle)[int(0.95 * (len(idle) - 1))], 1),
        "changed_median_ms": round(1000 * statistics.median(changed), 1),
        "changed_p95_ms": round(1000 * sorted(changed)[int(0.95 * (len(changed) - 1))], 1),
        "targets_ms": {"idle_median": 10, "changed_median": 150},
        "met": statistics.median(idle) <= 0.010 and statistics.median(changed) <= 0.150,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--view", default="distribution", help="the stage view to rerun")
    args = p.parse_args()
    print(json.dumps(run(args.n, args.runs, args.view), indent=2))


if __name__ == "__main__":
    main()
