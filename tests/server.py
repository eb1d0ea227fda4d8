"""The app's real server for the browser tests and the benchmarks: start, health-check,
kill, stop.

The server runs as a facilitator would start it (`make run`, i.e. `python -m
survey.serving.serve`) from the repository root, so it reads the project's
.streamlit/config.toml. It listens on 127.0.0.1 (or the address asked for) on a free
port, with its own temporary database, and the passcode from the environment. The
benchmarks (bench/server.py) build on it and add their measuring.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from survey.engine import is_postgres
from survey.serving.supervisor import healthy

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60  # a cold start imports pandas and plotly: ~5 s here, far more on a busy box


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM the server when the thread that started it dies.

    A harness killed mid-run (a CI timeout, Ctrl-C twice) then leaves no
    orphaned server behind. Start servers from a long-lived thread (the main one).
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: nothing to do
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_block(n: int, tries: int = 50) -> int:
    """A port p such that p .. p+n-1 are all free on 127.0.0.1 (nginx, then the workers)."""
    for _ in range(tries):
        base = free_port()
        if base + n >= 65535:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for p in range(base, base + n):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
    raise RuntimeError(f"no {n} consecutive free ports found")


def survey_entry_point(root: Path) -> list[str] | None:
    """How `make run` serves the survey in the checkout at `root`: `python -m <this>`
    (older checkouts, which the benchmarks may serve, had the launcher at survey/serve.py)."""
    if (root / "survey" / "serving" / "serve.py").exists():
        return ["-m", "survey.serving.serve"]
    if (root / "survey" / "serve.py").exists():
        return ["-m", "survey.serve"]
    return None


class StreamlitServer:
    """One server process on a free port, stopped in `stop()` (or on `with` exit).

    `app.py` is served as `make run` serves it; any other app (the benchmarks' floor
    app) with plain `streamlit run`.
    """

    def __init__(
        self,
        app: str = "app.py",
        db: str | os.PathLike | None = None,
        port: int | None = None,
        server_args: list[str] | None = None,
        log_dir: str | os.PathLike | None = None,
        root: str | os.PathLike | None = None,
        env: dict[str, str | None] | None = None,
        address: str = "127.0.0.1",
    ):
        self.app = app
        self.address = address  # where it listens; the harness always talks to 127.0.0.1
        self.env = dict(env or {})  # on top of ours; a None value removes the variable
        # The checkout to serve: this one, or e.g. a `git archive` snapshot of a commit.
        self.root = Path(root or os.environ.get("BENCH_APP_ROOT") or ROOT)
        self._tmp = None
        if db is None or log_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bench-")
        base = Path(self._tmp.name) if self._tmp else None
        if db is None:
            self.db = base / "survey.db"
        else:  # a PostgreSQL URL stays a string: Path would fold its "//"
            self.db = str(db) if is_postgres(db) else Path(db)
        self.log_dir = Path(log_dir) if log_dir is not None else base
        self.port = port or free_port()
        self.server_args = list(server_args or [])
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    @property
    def served_by_survey_serve(self) -> bool:
        return self.app == "app.py" and survey_entry_point(self.root) is not None

    @property
    def entry_point(self) -> list[str]:
        """Serve the survey exactly as `make run` does (where the checkout has its
        launcher); any other app (the floor) with plain `streamlit run`."""
        if self.served_by_survey_serve:
            return survey_entry_point(self.root)
        return ["-m", "streamlit", "run", self.app]

    def pythonpath(self) -> list[str]:
        """Folders put first on the server's PYTHONPATH (the benchmarks add one)."""
        return []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "server not started"
        return self.proc.pid

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"server-{self.port}-{self.starts}.log"

    def start(self) -> StreamlitServer:
        """Start the server; on one that is still running, this is a restart.

        (Starting a second process on the same port would leave the first one
        answering the health check, and orphaned once we stop "ours".)
        """
        self.stop()
        self.starts += 1
        env = {
            **os.environ,
            "SURVEY_DB": str(self.db),
            "SURVEY_ADMIN_PASSWORD": os.environ.get("SURVEY_ADMIN_PASSWORD", "bench-only"),
            "PYTHONUNBUFFERED": "1",
        }
        for name, value in self.env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        if first := self.pythonpath():
            env["PYTHONPATH"] = os.pathsep.join([*first, *filter(None, [env.get("PYTHONPATH")])])
        cmd = [
            sys.executable,
            *self.entry_point,
            "--server.headless",
            "true",
            "--server.address",
            self.address,
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            *self.server_args,
        ]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()/kill()
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited at start:\n{self.log_tail()}")
            if healthy(self.url):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush or clean up, like a power cut of the app."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def cleanup(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def _server_env(db, env: dict | None) -> dict:
    return {
        "SURVEY_DB": str(db),
        "SURVEY_ADMIN_PASSWORD": os.environ.get("SURVEY_ADMIN_PASSWORD", "bench-only"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }


class ClusterServer:
    """The survey as `make run-workers` serves it: N workers behind nginx
    (survey.serving.cluster).

    Same interface as StreamlitServer for the scenarios: a port, the pids to
    watch (every worker plus nginx), a database (a temporary file unless `db`
    names one, or a postgresql:// URL), start/stop. `command` replaces what each
    worker runs (the survey's launcher).
    """

    def __init__(
        self,
        workers: int,
        server_args: list[str] | None = None,
        env: dict | None = None,
        db: str | os.PathLike | None = None,
        command: list[str] | None = None,
    ):
        from survey.serving.cluster import Cluster

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-cluster-")
        self.db = db if db is not None else Path(self._tmp.name) / "survey.db"
        self.port = free_port_block(workers + 1)
        self.cluster = Cluster(
            workers,
            self.port,
            "127.0.0.1",
            ["--browser.gatherUsageStats", "false", *(server_args or [])],
            env=_server_env(self.db, env),
            log_dir=Path(self._tmp.name),
            command=command,
        )

    @property
    def pid(self) -> list[int]:
        return self.cluster.pids

    def start(self) -> ClusterServer:
        self.cluster.start()
        return self

    def cleanup(self) -> None:
        self.cluster.stop()
        self._tmp.cleanup()

    def __enter__(self) -> ClusterServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


class HostsServer:
    """Several app hosts on one machine behind a front nginx (survey.serving.cluster.Hosts),
    on one database `db` (a postgresql:// URL): the port is the front's, the pids are
    every host's workers and nginx and the front nginx."""

    def __init__(self, db: str, hosts: int = 2, workers: int = 2, env: dict | None = None):
        from survey.serving.cluster import Hosts

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-hosts-")
        self.db = db
        self.port = free_port_block(1 + hosts * (workers + 1))
        self.cluster = Hosts(
            hosts,
            workers,
            self.port,
            "127.0.0.1",
            ["--browser.gatherUsageStats", "false"],
            env=_server_env(db, env),
            log_dir=Path(self._tmp.name),
        )

    @property
    def pid(self) -> list[int]:
        return self.cluster.pids

    @property
    def workers(self) -> list[subprocess.Popen]:
        """Every host's worker processes, host by host."""
        return [w for host in self.cluster.hosts for w in host.workers]

    def start(self) -> HostsServer:
        self.cluster.start()
        return self

    def cleanup(self) -> None:
        self.cluster.stop()
        self._tmp.cleanup()

    def __enter__(self) -> HostsServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()
