"""The benchmarks' servers and their measuring: the launcher is the tests' own
(tests/server.py, the app as `make run` serves it), plus the TCP_NODELAY and GC
settings for a plain `streamlit run` of the floor app, so the ratio compares like with
like; and a process's CPU and memory sampled during a run.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from tests import server as launcher
from tests.server import ROOT, HostsServer, free_port, free_port_block  # noqa: F401 - re-exported

NODELAY = Path(__file__).resolve().parent / "nodelay"  # survey.serving.serve's settings
MONITOR_INTERVAL_S = 0.2  # fine enough to catch the RSS peak of a 5 s burst
RESULTS = Path(__file__).resolve().parent / "results"


def git(*args: str, cwd: str | os.PathLike = ROOT) -> str | None:
    """A git command's output in `cwd`; None if that is not a git checkout."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def results_dir(label: str) -> Path:
    """Where a run's JSON goes: bench/results/<commit>-<label>/ (the one naming rule)."""
    return RESULTS / f"{git('rev-parse', '--short', 'HEAD') or 'nocommit'}-{label}"


class StreamlitServer(launcher.StreamlitServer):
    """The tests' launcher, with bench/nodelay on a plain `streamlit run`'s path."""

    @property
    def tcp_nodelay(self) -> bool:
        """Whether a plain `streamlit run` gets the TCP_NODELAY fix the survey's launcher
        applies.

        By default it does whenever this checkout serves the survey with the fix,
        so the floor app is served the same way and the ratio compares like with
        like. BENCH_TCP_NODELAY=1 or 0 forces it on or off.
        """
        forced = os.environ.get("BENCH_TCP_NODELAY")
        if forced in ("0", "1"):
            return forced == "1" and not self.served_by_survey_serve
        has_fix = launcher.survey_entry_point(self.root) is not None
        return has_fix and not self.served_by_survey_serve

    def pythonpath(self) -> list[str]:
        return [str(NODELAY)] if self.tcp_nodelay else []  # see bench/nodelay/sitecustomize.py


class ClusterServer(launcher.ClusterServer):
    """The tests' cluster; `app` other than the survey (the floor app) runs as plain
    `streamlit run` in every worker, with the same TCP_NODELAY fix."""

    def __init__(
        self,
        workers: int,
        server_args: list[str] | None = None,
        env: dict | None = None,
        app: str = "app.py",
        db: str | os.PathLike | None = None,
    ):
        command = None  # the survey, as make run-workers starts it
        env = dict(env or {})
        if app != "app.py":
            command = [sys.executable, "-m", "streamlit", "run", app]
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(NODELAY), os.environ.get("PYTHONPATH")) if p
            )
        super().__init__(workers, server_args, env, db, command)


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
