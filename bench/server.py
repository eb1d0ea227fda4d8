"""A Streamlit server for the load harness and the browser tests: start, health-check,
watch, kill, stop.

The server runs as a facilitator would start it (`make run`, i.e. `python -m
survey.serve`, which is `streamlit run app.py` plus TCP_NODELAY) from the
repository root, so it reads the project's .streamlit/config.toml. It listens
on 127.0.0.1 only, on a free port, with its own temporary database, and the
passcode from the environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from survey.cluster import healthy
from survey.engine import is_postgres

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60  # a cold start imports pandas and plotly: ~5 s here, far more on a busy box
NODELAY = Path(__file__).resolve().parent / "nodelay"  # survey.serve's settings for streamlit run
MONITOR_INTERVAL_S = 0.2  # fine enough to catch the RSS peak of a 5 s burst


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


RESULTS = Path(__file__).resolve().parent / "results"


def results_dir(label: str) -> Path:
    """Where a run's JSON goes: bench/results/<commit>-<label>/ (the one naming rule)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        rev = "nocommit"
    return RESULTS / f"{rev}-{label}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """One `streamlit run` process on 127.0.0.1, stopped in `stop()` (or on `with` exit)."""

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
        return self.app == "app.py" and (self.root / "survey" / "serve.py").exists()

    @property
    def entry_point(self) -> list[str]:
        """Serve the survey exactly as `make run` does (`python -m survey.serve`, where it
        exists); any other app (the floor) with plain `streamlit run`."""
        if self.served_by_survey_serve:
            return ["-m", "survey.serve"]
        return ["-m", "streamlit", "run", self.app]

    @property
    def tcp_nodelay(self) -> bool:
        """Whether a plain `streamlit run` gets the TCP_NODELAY fix survey.serve applies.

        By default it does whenever this checkout serves the survey with the fix,
        so the floor app is served the same way and the ratio compares like with
        like. BENCH_TCP_NODELAY=1 or 0 forces it on or off.
        """
        forced = os.environ.get("BENCH_TCP_NODELAY")
        if forced in ("0", "1"):
            return forced == "1" and not self.served_by_survey_serve
        return (self.root / "survey" / "serve.py").exists() and not self.served_by_survey_serve

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
        if self.tcp_nodelay:  # see bench/nodelay/sitecustomize.py
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(NODELAY), env.get("PYTHONPATH")) if p
            )
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
            time.sleep(0.2)
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


class ClusterServer:
    """The survey as `make run-workers` serves it: N workers behind nginx (survey.cluster).

    Same interface as StreamlitServer for the scenarios: a port, the pids to
    watch (every worker plus nginx), a database (a temporary file unless `db`
    names one, or a postgresql:// URL), start/stop.
    """

    def __init__(
        self,
        workers: int,
        server_args: list[str] | None = None,
        env: dict | None = None,
        app: str = "app.py",
        db: str | os.PathLike | None = None,
    ):
        from survey.cluster import Cluster

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-cluster-")
        self.db = db if db is not None else Path(self._tmp.name) / "survey.db"
        self.port = free_port_block(workers + 1)
        env = {
            "SURVEY_DB": str(self.db),
            "SURVEY_ADMIN_PASSWORD": os.environ.get("SURVEY_ADMIN_PASSWORD", "bench-only"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        command = None  # the survey: survey.serve, as make run-workers starts it
        if app != "app.py":  # the floor app: plain streamlit run, with the same TCP_NODELAY fix
            command = [sys.executable, "-m", "streamlit", "run", app]
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(NODELAY), os.environ.get("PYTHONPATH")) if p
            )
        self.cluster = Cluster(
            workers,
            self.port,
            "127.0.0.1",
            ["--browser.gatherUsageStats", "false", *(server_args or [])],
            env=env,
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
    """Several app hosts on one machine behind a front nginx (survey.cluster.Hosts), on one
    database `db` (a postgresql:// URL): the port is the front's, the pids are every
    host's workers and nginx and the front nginx."""

    def __init__(self, db: str, hosts: int = 2, workers: int = 2, env: dict | None = None):
        from survey.cluster import Hosts

        self._tmp = tempfile.TemporaryDirectory(prefix="bench-hosts-")
        self.db = db
        self.port = free_port_block(1 + hosts * (workers + 1))
        env = {
            "SURVEY_DB": db,
            "SURVEY_ADMIN_PASSWORD": os.environ.get("SURVEY_ADMIN_PASSWORD", "bench-only"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.cluster = Hosts(
            hosts,
            workers,
            self.port,
            "127.0.0.1",
            ["--browser.gatherUsageStats", "false"],
            env=env,
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


class ResourceMonitor:
    """Samples a process's CPU and RSS in a background thread: before, peak and after.

    CPU is reported two ways: the busiest sample (percent of one core) and the
    average over the whole window from CPU-time deltas, which does not depend
    on the sampling interval.
    """

    def __init__(self, pid: int | list[int], interval: float = MONITOR_INTERVAL_S):
        # Several pids (the workers and nginx of a cluster) are summed as one server.
        self.procs = [psutil.Process(p) for p in ([pid] if isinstance(pid, int) else pid)]
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="monitor")
        self.samples: list[tuple[float, float, int]] = []  # (t, cpu %, rss bytes)

    def _cpu_s(self) -> float:
        return sum(t.user + t.system for t in (p.cpu_times() for p in self.procs))

    def _rss(self) -> int:
        return sum(p.memory_info().rss for p in self.procs)

    def start(self) -> ResourceMonitor:
        self.t0 = time.monotonic()
        self.rss_before = self._rss()
        self.cpu_before = self._cpu_s()
        for p in self.procs:
            p.cpu_percent(None)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                cpu = sum(p.cpu_percent(None) for p in self.procs)
                self.samples.append((time.monotonic() - self.t0, cpu, self._rss()))
            except psutil.Error:  # the process is gone (the crash run kills it)
                return

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        wall = time.monotonic() - self.t0
        try:
            rss_after = self._rss()
            cpu_s = self._cpu_s() - self.cpu_before
        except psutil.Error:
            rss_after, cpu_s = None, None
        rss = [s[2] for s in self.samples] + [self.rss_before]
        return {
            "rss_before_mb": mb(self.rss_before),
            "rss_peak_mb": mb(max(rss)),
            "rss_after_mb": mb(rss_after) if rss_after is not None else None,
            "cpu_peak_pct": round(max((s[1] for s in self.samples), default=0.0), 1),
            "cpu_avg_pct": round(100 * cpu_s / wall, 1) if cpu_s is not None and wall else None,
            "cpu_seconds": round(cpu_s, 2) if cpu_s is not None else None,
            "wall_seconds": round(wall, 2),
        }


def mb(n: int | float) -> float:
    return round(n / 2**20, 1)


class TreeCPU:
    """CPU seconds of a process and all its children, those that have exited too.

    For a PostgreSQL server, which forks a backend process per connection: the pids a
    ResourceMonitor watches are fixed at its start, and would miss a backend opened
    later. Exited children count once their parent has waited for them (the postmaster
    always does).
    """

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)

    def seconds(self) -> float:
        t = self.proc.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for child in self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # it exited in the meantime
                c = child.cpu_times()
                total += c.user + c.system
        return total
