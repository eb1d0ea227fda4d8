"""Benchmark: the live dashboard's fragment rerun at 100k responses, over the real protocol.

    python -m bench.dashboard [--n 100000] [--runs 30]

A real `streamlit run app.py` server gets a database with N complete responses
in one revealed session. A websocket client signs in as the facilitator, opens
the dashboard, learns the live panel's fragment id from the deltas, then asks
for fragment reruns exactly as the browser's `run_every` timer does, and times
each from request to `script_finished`:

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

PASSCODE = "bench-only"


class Facilitator(Browser):
    """A browser tab on the dashboard: signs in, then triggers fragment reruns."""

    def __init__(self, port: int, code: str):
        super().__init__(port, f"s={code}")
        self.page_name = "dashboard"
        self.fragments: set[str] = set()
        self.passcode_id = ""
        self.signin_id = ""
        self.metrics: dict[str, str] = {}

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
        label = ""
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
                el = msg.delta.new_element
                what = el.WhichOneof("type")
                if what == "text_input" and el.text_input.label == "Passcode":
                    self.passcode_id = el.text_input.id
                elif what == "button" and el.button.label == "Sign in":
                    self.signin_id = el.button.id
                elif what == "metric":
                    label = el.metric.label
                    self.metrics[label] = el.metric.body
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return

    def sign_in(self) -> None:
        self.open()
        if not self.passcode_id:
            raise JourneyError("no passcode form on the dashboard")
        self.rerun(
            [
                WidgetState(id=self.passcode_id, string_value=PASSCODE),
                WidgetState(id=self.signin_id, trigger_value=True),
            ]
        )
        if not self.fragments:
            raise JourneyError("the dashboard rendered no live panel after sign-in")

    def refresh(self) -> float:
        """One timer-driven fragment rerun; seconds from request to script_finished."""
        (fragment,) = self.fragments
        t = time.perf_counter()
        self.rerun([], fragment_id=fragment)
        return time.perf_counter() - t


def seed(db: Path, n: int) -> str:
    q = questionnaire.load()
    store = Store(q, db)
    code = store.create_session("Benchmark room", "BNCH")
    store.set_revealed(code, True)
    for start in range(0, n, 20_000):
        store.insert_many(code, demo.responses(q, min(20_000, n - start), seed=start))
    store.close()
    return code


def run(n: int, runs: int) -> dict:
    q = questionnaire.load()
    with StreamlitServer() as server:
        code = seed(server.db, n)
        server.start()
        tab = Facilitator(server.port, code)
        try:
            tab.sign_in()
            warm = [tab.refresh() for _ in range(3)]  # the first loads 100k rows once
            idle = [tab.refresh() for _ in range(runs)]
            writer = Store(q, server.db)
            answers = {i: 4 for i in q.item_ids}
            changed = []
            for _ in range(runs):
                writer.save_page(code, None, answers, page=4, result=scoring.score(q, answers))
                changed.append(tab.refresh())
            shown = tab.metrics.get("Answers complete")
        finally:
            tab.close()
    return {
        "benchmark": "dashboard_fragment",
        "responses": n,
        "first_load_s": round(warm[0], 3),
        "idle_median_ms": round(1000 * statistics.median(idle), 1),
        "idle_p95_ms": round(1000 * sorted(idle)[int(0.95 * (len(idle) - 1))], 1),
        "changed_median_ms": round(1000 * statistics.median(changed), 1),
        "changed_p95_ms": round(1000 * sorted(changed)[int(0.95 * (len(changed) - 1))], 1),
        "count_shown_at_end": shown,
        "targets_ms": {"idle_median": 10, "changed_median": 150},
        "met": statistics.median(idle) <= 0.010 and statistics.median(changed) <= 0.150,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args()
    print(json.dumps(run(args.n, args.runs), indent=2))


if __name__ == "__main__":
    main()
