import os
import sqlite3
import subprocess
from collections.abc import Iterator
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
    """One throwaway PostgreSQL server for the whole run, on the RAM disk where there is
    one (tests/postgres.py)."""
    from tests.postgres import Cluster

    with Cluster.started(in_memory=True) as cluster:
        yield cluster


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def target(request, isolated_db, monkeypatch) -> Iterator[str]:
    """SURVEY_DB for one test, on each engine: a fresh file, or a fresh PostgreSQL database
    (dropped after the test: kept, some 330 of them made the run's end wait 40 s)."""
    if request.param == "sqlite":
        yield str(isolated_db)
        return
    with request.getfixturevalue("pg_cluster").database() as url:
        monkeypatch.setenv("SURVEY_DB", url)
        yield url


@pytest.fixture
def any_db(q, target) -> store.Store:
    """The store, on each engine in turn."""
    s = store.Store(q, target)
    yield s
    s.close()


# ---------------------------------------------------------------- broken disks


def mount_tmpfs(where: Path, options: str) -> bool:
    """Mount a tmpfs at `where` (root only); False where we may not."""
    if os.geteuid() != 0:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


def unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def read_only_db(tmp_path) -> Iterator[Path]:
    """A survey database (with one session) that can be read but not written: on a
    read-only tmpfs when we are root (root ignores file modes), else by file modes."""
    from survey import questionnaire
    from survey.store import Store

    where = tmp_path / "read-only"
    mounted = mount_tmpfs(where, "size=4m,mode=0755")
    try:
        where.mkdir(exist_ok=True)
        path = where / "survey.db"
        s = Store(questionnaire.load(), path)
        s.create_session("Hall B", "HALLB")
        s.close()
        conn = sqlite3.connect(path)  # leave no -wal/-shm: a copied-in backup has none
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        else:
            path.chmod(0o444)
            where.chmod(0o555)
        yield path
    finally:
        if mounted:
            unmount(where)
        else:
            where.chmod(0o755)
