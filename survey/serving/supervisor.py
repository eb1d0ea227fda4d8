"""Child processes started, health-checked, watched and stopped together.

The cluster's workers and nginx (and, for several hosts, every host's and the front's)
are children of one `Supervisor`: if one dies the rest are stopped, and stopping stops
them in the reverse of their start, nginx before the workers it forwards to.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from subprocess import Popen

import psutil

STOP_TIMEOUT_S = 10  # a worker closes its sessions; nginx drains; then SIGKILL


class ClusterError(Exception):
    """The cluster could not start; the message says why in plain words."""


def healthy(base_url: str) -> bool:
    """Whether a Streamlit server (or nginx in front of one) answers its health check."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Supervisor:
    """Processes started in `cwd`, each with its log (or this terminal), stopped together."""

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.procs: list[Popen] = []
        self._held = contextlib.ExitStack()  # the logs and temporary folders, for stop()

    def spawn(
        self,
        cmd: list[str],
        name: str,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
    ) -> Popen:
        """Start `cmd`; its output goes to `log_dir/name.log`, or to this terminal."""
        out = None
        if log_dir is not None:
            out = self._held.enter_context(open(Path(log_dir) / f"{name}.log", "wb"))  # noqa: SIM115
        proc = Popen(
            cmd,
            cwd=self.cwd,
            env=env if env is not None else os.environ,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
        self.procs.append(proc)
        return proc

    def temporary_dir(self, prefix: str) -> Path:
        """A folder removed at stop(), readable by others (nginx's workers may run as
        another user when started as root)."""
        path = Path(self._held.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
        path.chmod(0o755)
        return path

    @staticmethod
    def wait_healthy(parts: dict[int, Popen], timeout_s: float, stopped: str, late: str) -> None:
        """Wait until each process answers the health check on 127.0.0.1:<its port>.

        Raises ClusterError with `stopped` (formatted with the port) when one exits
        first, or `late` (formatted with the sorted ports still silent) at the timeout.
        """
        deadline = time.monotonic() + timeout_s
        pending = dict(parts)
        while pending:
            for port, proc in list(pending.items()):
                if proc.poll() is not None:
                    raise ClusterError(stopped.format(port=port))
                if healthy(f"http://127.0.0.1:{port}"):
                    del pending[port]
            if pending and time.monotonic() > deadline:
                raise ClusterError(late.format(ports=sorted(pending)))
            if pending:
                time.sleep(0.1)

    @property
    def pids(self) -> list[int]:
        """Every running process: each child, followed by its own children (nginx's
        master forks its workers)."""
        pids = []
        for proc in self.procs:
            with contextlib.suppress(psutil.Error):  # it exited in the meantime
                children = psutil.Process(proc.pid).children(recursive=True)
                pids += [proc.pid, *(c.pid for c in children)]
        return pids

    def wait(self) -> int:
        """Block until one child exits, then stop the rest; its exit code (1 for 0)."""
        while True:
            for proc in self.procs:
                if proc.poll() is not None:
                    code = proc.returncode or 1
                    self.stop()
                    return code
            time.sleep(0.5)

    def stop(self) -> None:
        """Terminate every child, the last started first, then kill what outlives
        STOP_TIMEOUT_S; close the logs and remove the temporary folders."""
        procs, self.procs = self.procs[::-1], []
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._held.close()
