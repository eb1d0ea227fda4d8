"""Simulated participants over the websocket protocol, the run, and the database check.

Each simulated participant is one browser tab (`tests.protocol.Browser`): it runs the
page with ?s=CODE, fills each page's form as a person would, submits it, and repeats
until the result page. Only 127.0.0.1 is ever contacted. The load tests run it at small N;
the benchmarks (bench/loadgen.py) time it at large N.

One thread per participant: websocket-client is blocking, and a few hundred
threads that mostly wait on sockets cost little next to the server's reruns.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from survey import questionnaire
from survey.engine import is_postgres
from survey.store import Store
from survey.ui.participant import ANSWER_PREFIX
from tests.protocol import Browser, JourneyError, Screen, Widget
from tests.server import ROOT, StreamlitServer

MAX_PAGES = 12  # a journey that has not reached a result after this many submits is broken
THREAD_STACK = 512 * 1024  # the default 8 MB per thread adds up at 1,000 participants
QUESTIONNAIRE = ROOT / "data" / "questionnaire.toml"


# ---------------------------------------------------------------- simulated people


def served_questionnaire_path() -> Path:
    """SURVEY_QUESTIONNAIRE if set, else the served checkout's data/questionnaire.toml."""
    app_root = Path(os.environ.get("BENCH_APP_ROOT") or ROOT)
    return Path(
        os.environ.get("SURVEY_QUESTIONNAIRE") or app_root / QUESTIONNAIRE.relative_to(ROOT)
    )


def served_questionnaire() -> dict:
    """The questionnaire the served app uses, as TOML data ({} if unreadable)."""
    try:
        return tomllib.loads(served_questionnaire_path().read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def reverse_keyed_items(data: dict | None = None) -> frozenset[str]:
    """Item ids whose "Very often" means spectator. A believer answers them low."""
    data = served_questionnaire() if data is None else data
    return frozenset(i["id"] for i in data.get("items", []) if i.get("reverse"))


def survey_submits(data: dict | None = None) -> int:
    """Form submits from joining to the result: the item pages, then the profile page.

    The floor participant makes as many, so the two runs compare step for step.
    """
    data = served_questionnaire() if data is None else data
    n_items = len(data.get("items", [])) or 21
    pages = -(-n_items // data.get("items_per_page", 6))
    return pages + (1 if data.get("profile") else 0)


class Person:
    """A participant's answering habits: a latent tendency from 0 (spectator) to 1 (believer).

    Seeded per participant, so a run is reproducible and a test can rely on both
    classes occurring.
    """

    def __init__(self, seed: int, index: int, reverse: frozenset[str]):
        self.rng = random.Random(seed * 1_000_003 + index)
        self.tendency = self.rng.random()
        self.reverse = reverse

    def answer(self, w: Widget) -> object:
        if w.kind == "radio" and w.key.startswith(ANSWER_PREFIX):
            # Likert item: options run from "Never" to "Very often".
            item = w.key.removeprefix(ANSWER_PREFIX)
            lean = self.tendency if item not in self.reverse else 1 - self.tendency
            mean = lean * (len(w.options) - 1)
            i = min(max(round(self.rng.gauss(mean, 0.8)), 0), len(w.options) - 1)
            return w.options[i]
        if w.kind == "radio":  # an optional profile question: most people answer it
            return self.rng.choice(w.options) if self.rng.random() < 0.85 else None
        if w.kind == "pills":
            k = self.rng.randint(0, min(4, len(w.options))) if w.multi else 1
            return self.rng.sample(w.options, k)
        raise JourneyError(f"cannot fill a {w.kind} widget")


@dataclass
class Record:
    """One participant's run: what they saw and how long each step took."""

    index: int
    arrive_s: float  # scheduled arrival, from the start of the run
    start_s: float | None = None  # when it connected (later than arrival if concurrency-capped)
    end_s: float | None = None
    steps: list[tuple[str, float]] = field(default_factory=list)
    acknowledged: bool = False  # the client saw the end: the result page (floor: last submit)
    title: str = ""
    klass: str | None = None
    token: str | None = None
    error: str | None = None

    def timed(self, name: str, fn: Callable[[], Screen]) -> Screen:
        t0 = time.perf_counter()
        screen = fn()
        self.steps.append((name, time.perf_counter() - t0))
        return screen


def survey_journey(b: Browser, person: Person, rec: Record, think_s: float = 0) -> None:
    screen = rec.timed("load", b.open)
    for _ in range(MAX_PAGES):
        if screen.errors:
            raise JourneyError(f"the page shows an error: {screen.errors[0][:120]}")
        if screen.title.startswith("You're a"):
            rec.acknowledged = True
            rec.title = screen.title
            rec.klass = "believer" if "Believer" in screen.title else "spectator"
            rec.token = b.params.get("p")
            return
        fields, button = screen.advance_form()
        if not fields:
            raise JourneyError(f"an empty form on {screen.progress!r}")
        values = {w: person.answer(w) for w in fields}
        before = screen.progress
        time.sleep(think_s)
        screen = rec.timed(f"submit {before or '?'}", lambda: b.submit(values, button))  # noqa: B023
        if screen.progress and screen.progress == before:
            raise JourneyError(f"the page did not advance from {before!r}")
    raise JourneyError(f"no result after {MAX_PAGES} pages")


def floor_journey(
    b: Browser, person: Person, rec: Record, think_s: float = 0, steps: int = 4
) -> None:
    """A bare app's journey (the benchmarks' floor): fill and submit its form `steps` times."""
    screen = rec.timed("load", b.open)
    for i in range(steps):
        fields, button = screen.advance_form()
        values = {w: person.rng.choice(w.options) for w in fields}
        time.sleep(think_s)
        screen = rec.timed(f"submit {i + 1}", lambda: b.submit(values, button))  # noqa: B023
    rec.acknowledged = True


JOURNEYS = {"survey": survey_journey, "floor": floor_journey, "layout": floor_journey}


# ---------------------------------------------------------------- a run


@dataclass
class Load:
    """How the participants arrive."""

    n: int
    window_s: float = 0.0  # 0: all at once; else uniform random arrivals over the window
    concurrency: int = 500  # participants connected at once; later ones queue, like a full room
    time_limit_s: float = 300.0  # hard stop for the whole run
    seed: int = 1
    code: str = "SHARE"  # the session to join (SHARE is the app's always-open default)
    think_s: float = 0.0  # pause before each submit; 0 is the harshest case
    journey: str = "survey"
    # Keep each tab open on its result until everyone is done, as people do. It also
    # keeps Streamlit from dropping its compiled-page cache, which it does each time
    # the last session disconnects: closing at once would make the run too pessimistic.
    linger: bool = True

    def arrivals(self) -> list[float]:
        if self.window_s <= 0:
            return [0.0] * self.n
        rng = random.Random(self.seed)
        return sorted(rng.uniform(0, self.window_s) for _ in range(self.n))


def run_load(
    port: int, load: Load, on_done: Callable[[Record], None] | None = None
) -> tuple[list[Record], float]:
    """Run every participant to its end (or the time limit). Returns records and wall time.

    `on_done` is called from the participant's thread as each one finishes,
    which is how the crash run knows when half have been acknowledged.
    """
    reverse = reverse_keyed_items()
    journey = JOURNEYS[load.journey]
    if journey is floor_journey:  # as many submits as a survey participant makes
        journey = functools.partial(floor_journey, steps=survey_submits())
    slots = threading.BoundedSemaphore(load.concurrency)
    finished = threading.Semaphore(0)  # one release per participant whose journey is over
    leave = threading.Event()  # lingering tabs close when this is set
    t0 = time.monotonic()
    deadline = t0 + load.time_limit_s
    records = [Record(i, a) for i, a in enumerate(load.arrivals())]

    def participant(rec: Record) -> None:
        if not slots.acquire(timeout=max(deadline - time.monotonic(), 0)):
            rec.error = "time limit (never got a slot)"
            finished.release()
            return
        b = Browser(port, f"s={load.code}", deadline)
        try:
            rec.start_s = time.monotonic() - t0
            journey(b, Person(load.seed, rec.index, reverse), rec, load.think_s)
        except JourneyError as exc:
            rec.error = str(exc)
        except Exception as exc:  # a harness bug must show up as a failure, not a hang
            rec.error = f"{type(exc).__name__}: {exc}"
        finally:
            rec.end_s = time.monotonic() - t0  # before the close handshake: the user is done
            if on_done:
                on_done(rec)
            slots.release()
            finished.release()
        try:
            if load.linger and rec.acknowledged:
                b.idle(leave)
        except JourneyError:
            pass  # the server went away while the tab sat on the result (the crash run)
        finally:
            b.close()

    old_stack = threading.stack_size(THREAD_STACK)
    threads = []
    try:
        for rec in records:
            wait = t0 + rec.arrive_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if time.monotonic() >= deadline:
                rec.error = "time limit (never started)"
                continue
            th = threading.Thread(target=participant, args=(rec,), daemon=True)
            th.start()
            threads.append(th)
    finally:
        threading.stack_size(old_stack)
    for _ in threads:
        finished.acquire(timeout=max(deadline - time.monotonic(), 0) + 5)
    wall = time.monotonic() - t0
    leave.set()
    for th in threads:
        th.join(5)
    return records, wall


def warm_up(port: int, code: str = "SHARE", journey: str = "survey") -> None:
    """One participant through first, unmeasured, as a facilitator opens the app before the
    room joins: imports done, caches warm."""
    warm, _ = run_load(port, Load(1, seed=-1, code=code, journey=journey))
    if not warm[0].acknowledged:
        raise RuntimeError(f"warm-up participant failed: {warm[0].error}")


# ---------------------------------------------------------------- a crash mid-run


@dataclass
class Kill:
    """When the server was killed: after how many results, and how long into the run."""

    acknowledged: int
    at_s: float


def run_until_killed(
    srv: StreamlitServer, load: Load, kill_after: float
) -> tuple[list[Record], float, Kill | None]:
    """Run `load`, SIGKILL the server once `kill_after` of the participants saw their result.

    Returns the records, the wall time, and the kill (None if everyone finished first:
    the server is then killed after the run, still a valid durability check). The server
    is left dead; `srv.start()` restarts it on the same port and database.
    """
    threshold = max(1, int(load.n * kill_after))
    lock = threading.Lock()
    acked = 0
    kill: Kill | None = None
    t0 = time.monotonic()

    def on_done(rec: Record) -> None:
        nonlocal acked, kill
        with lock:
            acked += rec.acknowledged
            if acked >= threshold and kill is None:
                srv.kill()
                kill = Kill(acked, round(time.monotonic() - t0, 2))

    records, wall = run_load(srv.port, load, on_done)
    if kill is None:
        srv.kill()
    return records, wall, kill


def reopen(records: list[Record], port: int, code: str) -> list[bool]:
    """Each participant reopens their own link: is the result they saw there?"""
    ok = []
    for rec in records:
        b = Browser(port, f"s={code}&p={rec.token}")
        try:
            ok.append(b.open().title == rec.title)
        except JourneyError:
            ok.append(False)
        finally:
            b.close()
    return ok


# ---------------------------------------------------------------- the database check


def check_db(db: str | Path, records: list[Record]) -> dict:
    """Compare what participants were shown with what the database holds.

    `db` is the served SURVEY_DB: a SQLite file, read directly (an older checkout's
    schema too, see BENCH_APP_ROOT), or a postgresql:// URL, read through the app's
    own store. lost: the participant saw a result, but their token is missing from
    the database or not marked complete. mismatched: stored class differs from the
    class shown.
    """
    acked = {r.token: r for r in records if r.acknowledged}
    if is_postgres(db):
        complete, count, integrity = _complete_in_server(str(db))
    else:
        complete, count, integrity = _complete_in_file(db, [t for t in acked if t])
    lost = [t for t in acked if not t or t not in complete]
    mismatched = [t for t, r in acked.items() if t in complete and complete[t] != r.klass]
    return {
        "acknowledged": len(acked),
        "lost": len(lost),
        "lost_tokens": lost[:20],
        "class_mismatch": len(mismatched),
        "complete_rows": count,
        "integrity_check": integrity,
    }


# Each returns the complete responses looked at (token -> stored class), how many
# complete responses the database holds in all, and its integrity check.


def _complete_in_file(path: str | Path, tokens: list[str]) -> tuple[dict[str, str], int, str]:
    conn = sqlite3.connect(str(path), timeout=30)
    found: dict[str, str] = {}
    try:
        for i in range(0, len(tokens), 500):
            chunk = tokens[i : i + 500]
            sql = (
                "SELECT token, \"class\" FROM responses WHERE status = 'complete' AND token IN "
                f"({','.join('?' * len(chunk))})"
            )
            found.update(conn.execute(sql, chunk))
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        count = conn.execute("SELECT COUNT(*) FROM responses WHERE status = 'complete'")
        return found, count.fetchone()[0], integrity
    finally:
        conn.close()


def _complete_in_server(url: str) -> tuple[dict[str, str], int, str]:
    store = Store(questionnaire.load(served_questionnaire_path()), url)
    try:
        _, rows = store.rows(include_incomplete=False, columns=["token", "class"])
    finally:
        store.close()
    return dict(rows), len(rows), "not checked (PostgreSQL)"
