"""Several app workers behind nginx, for a room bigger than one process serves.

    python -m survey.cluster --workers 2            # what `make run-workers` does
    python -m survey.cluster --workers 3 --port 80 -- --server.maxUploadSize 10

Streamlit runs all the reruns of one server in one Python process, so a
server uses one core. This starts N workers (`python -m survey.serve`, as
`make run` does) on 127.0.0.1, ports PORT+1 to PORT+N, all on the same SQLite
file, and nginx on PORT in front of them (deploy/nginx.conf.in says how it
routes). Ctrl-C stops everything; if one part dies, the rest are stopped too.

    SURVEY_DB=postgresql://... python -m survey.cluster --hosts 2 --workers 2

tries several app hosts on one machine: each host is such a cluster, on its own
ports, all on one PostgreSQL database, behind a front nginx on PORT that keeps each
browser on its host (deploy/front.conf.in). Real hosts do the same behind any load
balancer (README, "Several hosts: PostgreSQL").
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

from survey import lan, precompressed
from survey.engine import is_postgres

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.in"
FRONT_TEMPLATE = ROOT / "deploy" / "front.conf.in"
START_TIMEOUT_S = 90  # a worker's cold start imports pandas and plotly; several start at once
HOSTS_NEED_POSTGRES = (
    "Several hosts share one database server: set SURVEY_DB=postgresql://user:pass@host:5432/db "
    '(README, "Several hosts: PostgreSQL").'
)
NGINX_HINT = (
    "nginx is needed to run several workers: `apt-get install nginx` (Debian/Ubuntu) "
    "or `brew install nginx` (macOS)."
)


class ClusterError(Exception):
    """The cluster could not start; the message says why in plain words."""


def find_nginx() -> str | None:
    # Debian installs it in /usr/sbin, which is often not on a normal user's PATH.
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/opt/homebrew/bin/nginx") if os.access(p, os.X_OK)),
        None,
    )


def static_dir() -> Path:
    """The folder nginx serves /static/ from: Streamlit's frontend with gzip copies beside
    each text file (survey.precompressed), built once and shared with `make run`."""
    try:
        return precompressed.build()
    except FileNotFoundError as exc:
        raise ClusterError(str(exc)) from exc


def worker_user(folder: Path) -> str:
    """nginx's `user` line: started by root, its workers otherwise run as `nobody`, who
    cannot read a project kept in a private folder (a root user's home, mode 700), and
    every script would get a 403. They run as the owner of the files they serve."""
    if os.geteuid() != 0:
        return "# (not root: nginx runs as this user)"
    st = folder.stat()
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:  # no name for the id (a container's odd mount): numbers do not work
        return "user root root;"
    return f"user {user} {group};"


def nginx_config(listen: str, worker_ports: list[int], static: Path, run_dir: Path) -> str:
    """deploy/nginx.conf.in with its placeholders filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in worker_ports)
    text = TEMPLATE.read_text()
    for name, value in {
        "@USER@": worker_user(static),
        "@LISTEN@": listen,
        "@UPSTREAM_SERVERS@": servers,
        "@STATIC_DIR@": str(static),
        "@RUN_DIR@": str(run_dir),
    }.items():
        text = text.replace(name, value)
    return text


def nginx_run_dir() -> tempfile.TemporaryDirectory:
    """A folder for one nginx's configuration, pid file and temporary files."""
    run_dir = tempfile.TemporaryDirectory(prefix="survey-nginx-")
    Path(run_dir.name).chmod(0o755)  # nginx's worker may run as another user when started as root
    return run_dir


def start_nginx(
    nginx: str, conf: str, run_dir: Path, port: int, spawn: Callable[[list[str], str], Popen]
) -> Popen:
    """Write `conf` into `run_dir`, run nginx with it in the foreground, and wait until
    the port answers the health check (through nginx, from a worker behind it)."""
    path = run_dir / "nginx.conf"
    path.write_text(conf)
    proc = spawn([nginx, "-e", "stderr", "-p", str(run_dir), "-c", str(path)], "nginx")
    deadline = time.monotonic() + 10
    while not healthy(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None:
            raise ClusterError(f"nginx stopped at start (is port {port} free?).")
        if time.monotonic() > deadline:
            raise ClusterError("nginx did not answer in time.")
        time.sleep(0.1)
    return proc


def check_page(port: int) -> None:
    """Fetch the page and its main script through nginx on `port`, as a browser would.

    The health check goes to a worker, so it answers 200 even when nginx cannot
    read the static files, and every browser would get a blank page.
    """
    base = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(base + "/", timeout=10) as r:
            page = r.read().decode("utf-8", "replace")
        script = re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', page)
        if script is None:
            raise ClusterError("The app's page names no script; is Streamlit complete?")
        req = urllib.request.Request(f"{base}/{script.group(1)}")
        req.add_header("Accept-Encoding", "gzip")
        with urllib.request.urlopen(req, timeout=10) as r:
            if not r.read(1):
                raise ClusterError(f"nginx served an empty {script.group(1)}.")
    except urllib.error.HTTPError as exc:
        raise ClusterError(
            f"nginx answers {exc.code} for {exc.url}: it cannot serve the app's scripts "
            f"from {static_dir()}, so browsers would see a blank page. Its worker user "
            "must be able to read that folder and every folder above it."
        ) from exc
    except OSError as exc:
        raise ClusterError(f"nginx did not serve the app's page: {exc}") from exc


class Cluster:
    """N workers and nginx in front of them, started and stopped together."""

    def __init__(
        self,
        workers: int = 2,
        port: int = 8501,
        address: str = "",
        worker_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        command: list[str] | None = None,
    ):
        if workers < 1:
            raise ClusterError("--workers must be at least 1.")
        self.port = port
        self.listen = f"{address}:{port}" if address else str(port)
        self.worker_ports = [port + 1 + i for i in range(workers)]
        self.worker_args = list(worker_args or [])
        self.env = {**os.environ, **(env or {})}
        self.log_dir = log_dir  # None: the parts write to this terminal
        # What each worker runs; the benchmarks also serve their bare floor app this way.
        self.command = command or [sys.executable, "-m", "survey.serve"]
        self.workers: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._run_dir: tempfile.TemporaryDirectory | None = None
        self._logs: list = []

    # ------------------------------------------------------------ starting

    def start(self) -> Cluster:
        nginx = find_nginx()
        if nginx is None:
            raise ClusterError(NGINX_HINT)
        try:
            static = static_dir()  # before the workers, so they find it ready
            self._start_workers()
            self._waithealthy()
            self._start_nginx(nginx, static)
            self._check_static()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_workers(self) -> None:
        for p in self.worker_ports:
            cmd = [
                *self.command,
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(p),
                # The join link is printed once, for nginx's port, not per worker.
                "--logger.hideWelcomeMessage",
                "true",
                *self.worker_args,
            ]
            self.workers.append(self._spawn(cmd, f"worker-{p}"))

    def _waithealthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        pending = dict(zip(self.worker_ports, self.workers, strict=True))
        while pending and time.monotonic() < deadline:
            for p, proc in list(pending.items()):
                if proc.poll() is not None:
                    raise ClusterError(f"The worker on port {p} stopped while starting.")
                if healthy(f"http://127.0.0.1:{p}"):
                    del pending[p]
            time.sleep(0.2)
        if pending:
            raise ClusterError(f"Workers on ports {sorted(pending)} did not start in time.")

    def _start_nginx(self, nginx: str, static: Path) -> None:
        self._run_dir = nginx_run_dir()
        run_dir = Path(self._run_dir.name)
        conf = nginx_config(self.listen, self.worker_ports, static, run_dir)
        self.nginx = start_nginx(nginx, conf, run_dir, self.port, self._spawn)

    def _check_static(self) -> None:
        check_page(self.port)

    def _spawn(self, cmd: list[str], name: str) -> subprocess.Popen:
        out = None
        if self.log_dir is not None:
            out = open(Path(self.log_dir) / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
            self._logs.append(out)
        return subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT if out else None
        )

    # ------------------------------------------------------------ running and stopping

    @property
    def pids(self) -> list[int]:
        """Every process of the cluster: the workers, then nginx's master and worker."""
        pids = [w.pid for w in self.workers]
        if self.nginx is not None:
            pids.append(self.nginx.pid)
            pids += _children(self.nginx.pid)
        return pids

    def wait(self) -> int:
        """Block until one part exits (then stop the rest); its exit code."""
        parts = [*self.workers, self.nginx]
        while True:
            for proc in parts:
                if proc is not None and proc.poll() is not None:
                    self.stop()
                    return proc.returncode or 1
            time.sleep(0.5)

    def stop(self) -> None:
        parts = [p for p in (self.nginx, *self.workers) if p is not None]
        for proc in parts:
            if proc.poll() is None:
                proc.terminate()
        for proc in parts:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self._logs:
            log.close()
        self._logs = []
        if self._run_dir is not None:
            self._run_dir.cleanup()
            self._run_dir = None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's server.cookieSecret


def front_config(listen: str, host_ports: list[int], run_dir: Path) -> str:
    """deploy/front.conf.in with its placeholders filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in host_ports)
    text = FRONT_TEMPLATE.read_text()
    for name, value in {
        "@USER@": worker_user(run_dir),
        "@LISTEN@": listen,
        "@UPSTREAM_SERVERS@": servers,
        "@RUN_DIR@": str(run_dir),
    }.items():
        text = text.replace(name, value)
    return text


class Hosts:
    """Several app hosts tried on one machine, behind a front nginx with cookie affinity.

    Each host is a `Cluster` (its own nginx and workers) on its own block of ports:
    the front listens on PORT, host i's nginx on PORT + 1 + i * (workers + 1), its
    workers on the ports after it. They share one database, which for real hosts is
    a PostgreSQL server (SURVEY_DB=postgresql://...), and one `server.cookieSecret`:
    STREAMLIT_SERVER_COOKIE_SECRET if set, else one made here for this run.
    """

    def __init__(
        self,
        hosts: int = 2,
        workers: int = 2,
        port: int = 8501,
        address: str = "",
        worker_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
    ):
        if hosts < 1:
            raise ClusterError("--hosts must be at least 1.")
        env = dict(env or {})
        secret = env.get(COOKIE_SECRET_ENV) or os.environ.get(COOKIE_SECRET_ENV)
        env[COOKIE_SECRET_ENV] = secret or secrets.token_hex(32)
        self.port = port
        self.listen = f"{address}:{port}" if address else str(port)
        self.hosts: list[Cluster] = []
        for i in range(hosts):
            host_logs = None
            if log_dir is not None:  # each host's nginx.log and worker logs in its own folder
                host_logs = Path(log_dir) / f"host-{i + 1}"
                host_logs.mkdir(parents=True, exist_ok=True)
            host_port = port + 1 + i * (workers + 1)
            self.hosts.append(Cluster(workers, host_port, "127.0.0.1", worker_args, env, host_logs))
        self.log_dir = log_dir
        self.nginx: subprocess.Popen | None = None
        self._run_dir: tempfile.TemporaryDirectory | None = None
        self._log = None

    def start(self) -> Hosts:
        nginx = find_nginx()
        if nginx is None:
            raise ClusterError(NGINX_HINT)
        try:
            for host in self.hosts:
                host.start()
            self._run_dir = nginx_run_dir()
            run_dir = Path(self._run_dir.name)
            conf = front_config(self.listen, [h.port for h in self.hosts], run_dir)
            self.nginx = start_nginx(nginx, conf, run_dir, self.port, self._spawn)
            check_page(self.port)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, cmd: list[str], name: str) -> subprocess.Popen:
        if self.log_dir is not None:
            self._log = open(Path(self.log_dir) / f"front-{name}.log", "wb")  # noqa: SIM115
        out = self._log
        return subprocess.Popen(
            cmd, cwd=ROOT, env=os.environ, stdout=out, stderr=subprocess.STDOUT if out else None
        )

    @property
    def pids(self) -> list[int]:
        """Every process: each host's workers and nginx, then the front nginx."""
        pids = [p for host in self.hosts for p in host.pids]
        if self.nginx is not None:
            pids += [self.nginx.pid, *_children(self.nginx.pid)]
        return pids

    def wait(self) -> int:
        """Block until one part of any host exits (then stop everything); its exit code."""
        parts = [self.nginx, *(p for h in self.hosts for p in (h.nginx, *h.workers))]
        while True:
            for proc in parts:
                if proc is not None and proc.poll() is not None:
                    self.stop()
                    return proc.returncode or 1
            time.sleep(0.5)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for host in self.hosts:
            host.stop()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._run_dir is not None:
            self._run_dir.cleanup()
            self._run_dir = None

    def __enter__(self) -> Hosts:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def healthy(base_url: str) -> bool:
    """Whether a Streamlit server (or nginx in front of one) answers its health check."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:  # not Linux
        return []
    return [int(c) for c in text.split()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m survey.cluster", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--workers", type=int, default=2, help="app processes (about one per core)")
    ap.add_argument("--port", type=int, default=8501, help="the port people open (nginx)")
    ap.add_argument("--address", default="", help="address nginx listens on (default: all)")
    ap.add_argument(
        "--hosts", type=int, default=1, help="app hosts on this machine, behind a front nginx"
    )
    ap.add_argument("worker_args", nargs="*", help="after --: extra options for every worker")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    cluster = None
    try:
        if args.hosts > 1 and not is_postgres(os.environ.get("SURVEY_DB", "")):
            raise ClusterError(HOSTS_NEED_POSTGRES)
        if args.hosts > 1:
            cluster = Hosts(args.hosts, args.workers, args.port, args.address, args.worker_args)
            what = f"{args.hosts} hosts of {args.workers} workers behind a front nginx"
        else:
            cluster = Cluster(args.workers, args.port, args.address, args.worker_args)
            what = f"{args.workers} workers behind nginx"
        cluster.start()
        public_url = os.environ.get("SURVEY_PUBLIC_URL")
        print(
            lan.start_banner(args.address, args.port, lan.discover(), public_url)
            + f"  {what}. Ctrl-C stops everything.\n",
            file=sys.stderr,
            flush=True,
        )
        return cluster.wait()
    except ClusterError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
