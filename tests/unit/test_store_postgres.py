"""What only a server database can do: go away under a running app, and come back."""

import pytest

from survey import questionnaire
from survey.store import DEFAULT_SESSION, Store, Unavailable
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
