"""A throwaway PostgreSQL server for the tests and the benchmarks: `initdb` and `pg_ctl`
on a free port, in a temporary folder, stopped and removed afterwards.

    with Cluster.started() as pg:
        url = pg.new_database()       # postgresql://survey@127.0.0.1:PORT/test_3
        with pg.database() as url:    # the same, dropped when the block ends
            ...

The tests ask for `Cluster.started(in_memory=True)`: the server's folder is then on the RAM
disk (/dev/shm) when there is one with room. On this machine's disk (ext4 mounted with
`discard`) each CREATE DATABASE took 0.4 s under load and removing 300 test databases' files
at the end 91 s; on the RAM disk 0.06 s and under a second. The benchmarks keep the disk,
as a real server would.

As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root), from
a folder under the system's temporary directory that this user owns, so it works from a
project folder nobody else may read. `fsync` is off: a commit still writes the WAL to the
operating system, so a stopped or killed server keeps every committed answer; only a power
cut would lose some, and that is not what the tests check.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.system_deps import postgres_bin

USER = "survey"  # the superuser initdb makes; trust authentication on loopback only
RAM_DISK = Path("/dev/shm")
# A cluster whose test databases are dropped after each test stays under 100 MB; below this
# much free room (a container's 64 MB /dev/shm) the disk is used instead. `make test` runs
# one cluster per test process (pytest-xdist), so the room asked for is this much each.
RAM_DISK_ROOM = 512 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ram_disk() -> Path | None:
    """The RAM disk to hold a throwaway server's folder, if there is one with room."""
    try:
        room = shutil.disk_usage(RAM_DISK).free
    except OSError:  # no /dev/shm (macOS) or not readable
        return None
    processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    enough = room >= RAM_DISK_ROOM * processes
    return RAM_DISK if enough and os.access(RAM_DISK, os.W_OK) else None


def _run_as() -> str | None:
    """The account to run the server as when we are root (it refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("PostgreSQL can't run as root and there is no postgres user")


class Cluster:
    def __init__(self, base: Path, port: int, owner: str | None):
        self.base = base
        self.port = port
        self.owner = owner
        self.bin = Path(postgres_bin() or "")
        self._names = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.owner, "--", *args] if self.owner else list(args)

    def start(self) -> None:
        if not self.bin.is_dir():
            raise RuntimeError("PostgreSQL's server is missing: run `python -m tests.system_deps`")
        if self.owner:
            shutil.chown(self.base, self.owner)
        subprocess.run(
            self._cmd(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )
        self._pg_ctl_start()

    def _pg_ctl_start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off -c max_connections=300"
        )
        subprocess.run(
            self._cmd(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.base / "server.log"),
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def start_again(self) -> None:
        """Start a server stopped with `stop`, on the same port and data."""
        self._pg_ctl_start()

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            capture_output=True,
        )

    def new_database(self) -> str:
        """A new, empty database on this server; its URL."""
        import psycopg

        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `new_database`, with any connection still open to it.

        This process's connection pool for it is closed first: left open, it would keep
        reconnecting to a database that is gone."""
        import psycopg

        from survey.engine.postgres import Postgres

        Postgres(url, prepare=None).close()
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new, empty database for a block (one test); dropped when the block ends, so
        the server holds only the databases in use."""
        url = self.new_database()
        try:
            yield url
        finally:
            self.drop_database(url)

    @classmethod
    @contextlib.contextmanager
    def started(cls, in_memory: bool = False) -> Iterator[Cluster]:
        """A server for the block, removed afterwards; on the RAM disk if `in_memory` and
        there is one (the module's docstring says why)."""
        parent = _ram_disk() if in_memory else None
        base = Path(tempfile.mkdtemp(prefix="survey-pg-", dir=parent))
        cluster = cls(base, _free_port(), _run_as())
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()
            shutil.rmtree(base, ignore_errors=True)
