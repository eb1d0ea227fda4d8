"""Several app workers behind nginx, for a room bigger than one process serves.

    python -m survey.serving.cluster --workers 2            # what `make run-workers` does
    python -m survey.serving.cluster --workers 3 --port 80 -- --server.maxUploadSize 10

Streamlit runs all the reruns of one server in one Python process, so a
server uses one core. This starts N workers (`python -m survey.serving.serve`, as
`make run` does) on 127.0.0.1, ports PORT+1 to PORT+N, all on the same SQLite
file, and nginx on PORT in front of them (deploy/nginx.conf.in says how it
routes). Ctrl-C stops everything; if one part dies, the rest are stopped too
(survey/serving/supervisor.py).

    SURVEY_DB=postgresql://... python -m survey.serving.cluster --hosts 2 --workers 2

tries several app hosts on one machine: each host is such a cluster, on its own
ports, all on one PostgreSQL database, behind a front nginx on PORT that keeps each
browser on its host (deploy/front.conf.in). Real hosts do the same behind any load
balancer (README, "Several hosts: PostgreSQL").
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from pathlib import Path
from subprocess import Popen

from survey.engine import is_postgres
from survey.serving import lan
from survey.serving.nginx import (
    NGINX_HINT,
    check_page,
    find_nginx,
    front_config,
    nginx_config,
    start_nginx,
    static_dir,
)
from survey.serving.supervisor import ClusterError, Supervisor

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90  # a worker's cold start imports pandas and plotly; several start at once
HOSTS_NEED_POSTGRES = (
    "Several hosts share one database server: set SURVEY_DB=postgresql://user:pass@host:5432/db "
    '(README, "Several hosts: PostgreSQL").'
)
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's server.cookieSecret


class _Supervised:
    """What a cluster and a set of hosts share: every process they start runs under one
    `Supervisor`, which waits for them and stops them together."""

    supervisor: Supervisor

    def start(self):  # pragma: no cover - each kind starts its own parts
        raise NotImplementedError

    @property
    def pids(self) -> list[int]:
        """Every process started: workers, then each nginx's master and its workers."""
        return self.supervisor.pids

    def wait(self) -> int:
        """Block until one part exits (then stop the rest); its exit code."""
        return self.supervisor.wait()

    def stop(self) -> None:
        self.supervisor.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Cluster(_Supervised):
    """N workers and nginx in front of them, started and stopped together.

    `supervisor` is shared when several clusters run as hosts behind a front (Hosts)."""

    def __init__(
        self,
        workers: int = 2,
        port: int = 8501,
        address: str = "",
        worker_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        command: list[str] | None = None,
        supervisor: Supervisor | None = None,
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
        self.command = command or [sys.executable, "-m", "survey.serving.serve"]
        self.supervisor = supervisor or Supervisor(ROOT)
        self.workers: list[Popen] = []
        self.nginx: Popen | None = None

    def start(self) -> Cluster:
        nginx = find_nginx()
        if nginx is None:
            raise ClusterError(NGINX_HINT)
        try:
            static = static_dir()  # before the workers, so they find it ready
            for p in self.worker_ports:
                self.workers.append(self._spawn_worker(p))
            self.supervisor.wait_healthy(
                dict(zip(self.worker_ports, self.workers, strict=True)),
                START_TIMEOUT_S,
                stopped="The worker on port {port} stopped while starting.",
                late="Workers on ports {ports} did not start in time.",
            )

            def config(run_dir: Path) -> str:
                return nginx_config(self.listen, self.worker_ports, static, run_dir)

            self.nginx = start_nginx(
                self.supervisor, nginx, config, self.port, env=self.env, log_dir=self.log_dir
            )
            check_page(self.port)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn_worker(self, port: int) -> Popen:
        cmd = [
            *self.command,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            # The join link is printed once, for nginx's port, not per worker.
            "--logger.hideWelcomeMessage",
            "true",
            *self.worker_args,
        ]
        return self.supervisor.spawn(cmd, f"worker-{port}", self.env, self.log_dir)


class Hosts(_Supervised):
    """Several app hosts tried on one machine, behind a front nginx with cookie affinity.

    Each host is a `Cluster` (its own nginx and workers) on its own block of ports:
    the front listens on PORT, host i's nginx on PORT + 1 + i * (workers + 1), its
    workers on the ports after it. They share one database, which for real hosts is
    a PostgreSQL server (SURVEY_DB=postgresql://...), and one `server.cookieSecret`:
    STREAMLIT_SERVER_COOKIE_SECRET if set, else one made here for this run. One
    supervisor holds every host's processes and the front's.
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
        self.supervisor = Supervisor(ROOT)
        self.hosts: list[Cluster] = []
        for i in range(hosts):
            host_logs = None
            if log_dir is not None:  # each host's nginx.log and worker logs in its own folder
                host_logs = Path(log_dir) / f"host-{i + 1}"
                host_logs.mkdir(parents=True, exist_ok=True)
            host_port = port + 1 + i * (workers + 1)
            self.hosts.append(
                Cluster(
                    workers,
                    host_port,
                    "127.0.0.1",
                    worker_args,
                    env,
                    host_logs,
                    supervisor=self.supervisor,
                )
            )
        self.log_dir = log_dir
        self.nginx: Popen | None = None

    def start(self) -> Hosts:
        nginx = find_nginx()
        if nginx is None:
            raise ClusterError(NGINX_HINT)
        try:
            for host in self.hosts:
                host.start()

            def config(run_dir: Path) -> str:
                return front_config(self.listen, [h.port for h in self.hosts], run_dir)

            self.nginx = start_nginx(
                self.supervisor, nginx, config, self.port, "front-nginx", log_dir=self.log_dir
            )
            check_page(self.port)
        except BaseException:
            self.stop()
            raise
        return self


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m survey.serving.cluster", description=__doc__.split("\n")[0]
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
