"""Backups and a restore taken while a room answers (issue 23's "done means").

150 participants answer through the store, from threads of one process, exactly as the
app's pages do (`Store.save_page`, page by page, the last with `finish`): that is the
storage path the guarantee is about. Every acknowledged save is logged with when it was
sent and when it came back. Meanwhile `python -m survey backup` runs three times as its
own process, then a session is deleted by mistake and `python -m survey restore` brings it
back while the other session's participants go on answering.

The rule checked for each backup: it passes integrity_check, and every response in it is
exactly the state after one of that participant's saves, no earlier than their last save
acknowledged before the backup began and no later than their last save sent before it
ended; a participant with a save acknowledged before it began is in it. So the backup holds
every answer acknowledged before it, and nothing that was not (yet) a committed save.
After the restore, every participant's stored response is their last acknowledged save:
none lost.
"""

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from survey.store import Store, new_token

ROOT = Path(__file__).resolve().parents[2]
EARLY, LATE = 50, 100  # participants of the session deleted by mistake, and of the other
EARLY_ARRIVE_S, LATE_ARRIVE_S = 3.0, 14.0  # arrivals spread over these; reading, below
READ_S = (0.25, 0.8)  # a page's reading time, so saves interleave with the backups


@dataclass
class Participant:
    code: str
    arrive: float
    token: str = field(default_factory=new_token)
    states: list[dict] = field(default_factory=lambda: [{}])  # after each save; [0] = none
    sent: list[float] = field(default_factory=list)
    acked: list[float] = field(default_factory=list)
    error: str = ""


def _answer(store: Store, p: Participant, start: float, rng: random.Random) -> None:
    try:
        _journey(store, p, start, rng)
    except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
        p.error = repr(exc)


def _journey(store: Store, p: Participant, start: float, rng: random.Random) -> None:
    q = store.q
    time.sleep(max(0.0, start + p.arrive - time.monotonic()))
    pages = q.pages()
    for page, items in enumerate([*pages, None]):
        if items is None:  # the profile page: the last, which finishes
            answers = {}
            profile = {pq.id: rng.choice(pq.options) for pq in q.profile if pq.kind == "single"}
            write = dict(answers=answers, profile=profile, page=page, finish=True)
        else:
            answers = {i.id: rng.randint(1, len(q.scale)) for i in items}
            write = dict(answers=answers, profile={}, page=page + 1)
        status = "complete" if write.get("finish") else "in_progress"
        state = {**p.states[-1], **answers, **write["profile"], "status": status}
        while True:
            p.sent.append(time.monotonic())
            saved = store.save_page(p.code, p.token, **write)
            if saved.outcome in ("saved", "completed"):
                break
            p.sent.pop()  # not acknowledged: the phone says so and the participant retries
            if saved.outcome != "unknown_session":
                p.error = saved.outcome
                return
            time.sleep(0.2)
        p.acked.append(time.monotonic())
        p.states.append(state)
        time.sleep(rng.uniform(*READ_S))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "survey", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _stored(path: Path, columns: list[str]) -> dict[str, dict]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        cols = ", ".join(f'"{c}"' for c in ["token", *columns])
        return {
            r[0]: {c: v for c, v in zip(columns, r[1:], strict=True) if v is not None}
            for r in conn.execute(f"SELECT {cols} FROM responses WHERE is_demo = 0")
        }
    finally:
        conn.close()


def _check_backup(path: Path, people: list[Participant], began: float, ended: float, cols):
    held = _stored(path, cols)
    assert path.stat().st_mode & 0o777 == 0o600
    assert set(held) <= {p.token for p in people}, "a response nobody sent"
    for p in people:
        lowest = sum(t < began for t in p.acked)  # acknowledged before the backup began
        highest = sum(t < ended for t in p.sent)  # sent before it ended
        row = held.get(p.token, {})
        matches = [j for j in range(lowest, highest + 1) if p.states[j] == row]
        assert matches, (
            f"{p.token[:6]}: the backup holds {row} , not one of its saves {lowest}..{highest}"
        )
    return held


def test_backups_and_a_restore_while_150_participants_answer_lose_nothing(q, isolated_db, tmp_path):
    store = Store(q, isolated_db)
    store.create_session("Hall A", "HALLA")
    store.create_session("Hall B", "HALLB")
    rng = random.Random(23)
    early = [Participant("HALLA", rng.uniform(0, EARLY_ARRIVE_S)) for _ in range(EARLY)]
    late = [Participant("HALLB", rng.uniform(0, LATE_ARRIVE_S)) for _ in range(LATE)]
    people = early + late
    cols = [*q.item_ids, *(pq.id for pq in q.profile if pq.kind == "single"), "status"]
    start = time.monotonic()
    threads = [
        threading.Thread(target=_answer, args=(store, p, start, random.Random(i)))
        for i, p in enumerate(people)
    ]
    for t in threads:
        t.start()
    backups = []
    try:
        for n, at in enumerate([2.5, 5.0, None], 1):
            if at is None:  # the third once Hall A is done, before its session is deleted
                for t in threads[:EARLY]:
                    t.join()
            else:
                time.sleep(max(0.0, start + at - time.monotonic()))
            path = tmp_path / f"backup-{n}.db"
            old = os.umask(0)
            began = time.monotonic()
            done = _cli("backup", str(path))
            ended = time.monotonic()
            os.umask(old)
            assert done.returncode == 0, done.stderr
            backups.append((path, began, ended))

        # The accident, then the documented procedure: restore, the room still answering.
        assert _cli("session", "delete", "HALLA", "--yes").returncode == 0
        restore_began = time.monotonic()
        done = _cli("restore", str(backups[-1][0]))
        restore_ended = time.monotonic()
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("restored 1 sessions and 50 responses"), done.stdout
    finally:
        for t in threads:
            t.join()
    assert all(not p.error for p in people), [p.error for p in people if p.error]
    assert time.monotonic() - start < 60

    for path, began, ended in backups:
        held = _check_backup(path, people, began, ended, cols)
        # mid-run: some answers were in it, and some came after it
        assert held and any(t > ended for p in people for t in p.acked)
    assert sum(restore_began < t < restore_ended for p in late for t in p.acked) > 0, (
        "nobody answered while the restore ran: the test did not test that"
    )

    final = _stored(isolated_db, cols)
    lost = [p.token[:6] for p in people if final.get(p.token) != p.states[-1]]
    assert lost == [], f"{len(lost)} participants' acknowledged answers are not stored"
    assert all(p.states[-1]["status"] == "complete" for p in people)
    store.close()
