"""Broken disks for the infrastructure tests: a full disk (a read-only database is in
tests/conftest.py, shared with the page tests)."""

import contextlib
import os
import resource
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import mount_tmpfs, unmount

SMALL_DISK = "384k"  # room for a fresh database, not for thousands of demo rows
FSIZE_LIMIT = 384 * 1024  # the same, for the fallback below


@dataclass
class Disk:
    """A folder on a disk that fills up. On a real tmpfs of SMALL_DISK when we may mount
    one (root); otherwise writes are capped at FSIZE_LIMIT bytes per file with
    RLIMIT_FSIZE (SIGXFSZ ignored, so write() fails with EFBIG instead of ENOSPC: SQLite
    reports a disk I/O error instead of "disk full"). `limits()` applies the cap
    in-process; `preexec` applies it in a child process."""

    path: Path
    real: bool
    preexec: object = field(default=None)

    @contextlib.contextmanager
    def limits(self) -> Iterator[None]:
        if self.real:
            yield
            return
        old = resource.getrlimit(resource.RLIMIT_FSIZE)
        old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, old[1]))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, old)
            signal.signal(signal.SIGXFSZ, old_handler)


def _cap_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, resource.RLIM_INFINITY))


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Disk]:
    where = tmp_path / "small-disk"
    if os.environ.get("SURVEY_TEST_NO_MOUNT") != "1" and mount_tmpfs(
        where, f"size={SMALL_DISK},mode=0755"
    ):
        try:
            yield Disk(where, real=True)
        finally:
            unmount(where)
    else:
        where.mkdir(exist_ok=True)
        yield Disk(where, real=False, preexec=_cap_file_size)


@pytest.fixture
def db(any_db):
    """In the unit tests every store test runs on both engines (SQLite and PostgreSQL);
    a test of SQLite's file handling asks for `sqlite_db` instead."""
    return any_db


@pytest.fixture
def sqlite_db(q, isolated_db):
    from survey.store import Store

    s = Store(q, isolated_db)
    yield s
    s.close()
