"""The load harness at small N, so it cannot rot: real server, real websocket protocol, real DB.

No timing is asserted here; the timed runs are `make bench` (see BENCHMARKS.md).
"""

from __future__ import annotations

import sqlite3
import tomllib

import pytest

from tests.load import (
    QUESTIONNAIRE,
    Load,
    check_db,
    reopen,
    run_load,
    run_until_killed,
    survey_submits,
    warm_up,
)
from tests.server import StreamlitServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def survey_server():
    with StreamlitServer("app.py") as srv:
        yield srv


def test_thirty_participants_all_finish_and_every_result_is_stored(survey_server):
    records, _ = run_load(survey_server.port, Load(30, window_s=2, seed=7, time_limit_s=120))

    failures = [r.error for r in records if r.error]
    assert failures == []
    assert all(r.acknowledged and r.token for r in records)
    # The page load, then each question page and the profile page: real form submits.
    assert {len(r.steps) for r in records} == {1 + survey_submits()}
    assert {r.klass for r in records} == {"believer", "spectator"}

    db = check_db(survey_server.db, records)
    assert db["lost"] == 0
    assert db["class_mismatch"] == 0
    assert db["integrity_check"] == "ok"
    assert db["complete_rows"] == 30

    # The forms were really filled in: scores spread out, and optional profile
    # answers (the first profile question) were stored for most people.
    profile_id = tomllib.loads(QUESTIONNAIRE.read_text())["profile"][0]["id"]
    conn = sqlite3.connect(survey_server.db)
    try:
        low, high = conn.execute("SELECT MIN(overall), MAX(overall) FROM responses").fetchone()
        answered = conn.execute(
            f'SELECT COUNT(DISTINCT "{profile_id}") FROM responses WHERE "{profile_id}" IS NOT NULL'
        ).fetchone()[0]
    finally:
        conn.close()
    assert high - low > 40
    assert answered >= 2


def test_sigkill_mid_burst_loses_no_acknowledged_answer(survey_server):
    warm_up(survey_server.port)
    # Arrivals spread over a short window, and a pause before each submit: at the kill
    # some are reading a page, some are mid-submit and some are done.
    load = Load(40, window_s=3, think_s=0.3, seed=3, time_limit_s=120)
    records, _, kill = run_until_killed(survey_server, load, kill_after=0.5)
    survey_server.start()  # the same port, the same database

    assert kill is not None, "the kill should land before everyone is done"
    cut_off = [r for r in records if not r.acknowledged and r.start_s is not None]
    assert cut_off, "the kill should land while some participants are mid-survey"
    db = check_db(survey_server.db, records)
    assert db["acknowledged"] >= 20
    assert db["lost"] == 0
    assert db["class_mismatch"] == 0
    assert db["integrity_check"] == "ok"
    # After the restart, people who saw their result get it back from their own link.
    acknowledged = [r for r in records if r.acknowledged][:5]
    assert acknowledged
    assert reopen(acknowledged, survey_server.port, load.code) == [True] * len(acknowledged)
