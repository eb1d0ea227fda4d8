from pathlib import Path

import pytest
from hypothesis import settings

from survey import questionnaire, store

# A shared 2-core machine stalls now and then: Hypothesis's 200 ms deadline per example
# would turn a pause into a failure that says nothing about the code.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "data" / "questionnaire.toml"


@pytest.fixture(autouse=True)
def isolated_db(tmp_path, monkeypatch) -> Path:
    """Every test gets its own database file; data/survey.db is never touched."""
    path = tmp_path / "survey.db"
    monkeypatch.setenv("SURVEY_DB", str(path))
    monkeypatch.delenv("SURVEY_QUESTIONNAIRE", raising=False)
    monkeypatch.setenv("SURVEY_ADMIN_PASSWORD", "letmein-test")
    return path


@pytest.fixture(scope="session")
def q() -> questionnaire.Questionnaire:
    return questionnaire.load(QUESTIONNAIRE)


@pytest.fixture
def db(q, isolated_db) -> store.Store:
    s = store.Store(q, isolated_db)
    yield s
    s.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL server for the whole run (tests/postgres.py)."""
    from tests.postgres import Cluster

    with Cluster.started() as cluster:
        yield cluster


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def target(request, isolated_db, monkeypatch) -> str:
    """SURVEY_DB for one test, on each engine: a fresh file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(isolated_db)
    url = request.getfixturevalue("pg_cluster").new_database()
    monkeypatch.setenv("SURVEY_DB", url)
    return url


@pytest.fixture
def any_db(q, target) -> store.Store:
    """The store, on each engine in turn."""
    s = store.Store(q, target)
    yield s
    s.close()
