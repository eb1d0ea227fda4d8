"""What only a server database can do: go away under a running app, and come back."""

import pytest

from survey import questionnaire
from survey.engine import postgres as engine_postgres
from survey.store import DEFAULT_SESSION, CsvCell, Store, Unavailable
from tests.postgres import Cluster


@pytest.fixture
def own_server():
    """A PostgreSQL server of this test's own, so it can be stopped and started."""
    with Cluster.started() as cluster:
        yield cluster


def test_a_server_that_stops_under_the_app_is_unavailable_and_the_app_recovers(own_server):
    q = questionnaire.load()
    url = own_server.new_database().replace("survey@", "survey:pw-not-shown@")
    s = Store(q, url)
    try:
        assert s.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 3}).outcome == "saved"
        own_server.stop()

        with pytest.raises(Unavailable) as failed:
            s.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 4})
        assert "can't be reached" in failed.value.reason
        assert "pw-not-shown" not in str(failed.value) and "survey:***@" in str(failed.value)
        assert failed.value.PLAIN == "Answers can't be saved right now."

        own_server.start_again()
        # The pool drops the dead connections; the next answers are stored.
        saved = None
        for _ in range(5):  # each try may still meet one connection from before the stop
            try:
                saved = s.save_page(DEFAULT_SESSION, None, {q.item_ids[0]: 5})
                break
            except Unavailable:
                continue
        assert saved is not None and saved.outcome == "saved"
        assert s.get_response(saved.token)[q.item_ids[0]] == 5
    finally:
        s.close()


def test_every_read_of_a_server_that_stopped_is_unavailable(own_server, monkeypatch):
    # These reads once forgot to report a failure as `Unavailable`; the engine does it now.
    # Each waits for the pool to give up: 1 s instead of 10 (the test took 40 s).
    monkeypatch.setattr(engine_postgres, "POOL_TIMEOUT_S", 1)
    q = questionnaire.load()
    s = Store(q, own_server.new_database())
    try:
        own_server.stop()
        reads = {
            "room_key": lambda: s.room_key(DEFAULT_SESSION),
            "room_epoch": lambda: s.room_epoch(DEFAULT_SESSION),
            "stage": lambda: s.stage(DEFAULT_SESSION),
            "stage_for_link": lambda: s.stage_for_link(DEFAULT_SESSION, "a-token"),
            "settle_countdown": lambda: s.settle_countdown(DEFAULT_SESSION, "2030-01-01T00:00Z"),
            "csv_lines": lambda: list(s.csv_lines([CsvCell("token")], "=")),
        }
        for name, read in reads.items():
            with pytest.raises(Unavailable, match="can't be reached|no database connection"):
                read()
            assert name  # each named, so a failure says which read
    finally:
        s.close()
