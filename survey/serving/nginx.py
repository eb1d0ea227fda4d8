"""nginx in front of the workers (and of the hosts): its configuration from the templates
in deploy/, started under the cluster's supervisor, and a check that it serves the page."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

from survey.serving import precompressed
from survey.serving.supervisor import ClusterError, Supervisor

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.in"
FRONT_TEMPLATE = ROOT / "deploy" / "front.conf.in"
NGINX_START_S = 10  # nginx itself starts in milliseconds; the workers behind it are up already
NGINX_HINT = (
    "nginx is needed to run several workers: `apt-get install nginx` (Debian/Ubuntu) "
    "or `brew install nginx` (macOS)."
)


def find_nginx() -> str | None:
    # Debian installs it in /usr/sbin, which is often not on a normal user's PATH.
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/opt/homebrew/bin/nginx") if os.access(p, os.X_OK)),
        None,
    )


def static_dir() -> Path:
    """The folder nginx serves /static/ from: Streamlit's frontend with gzip copies beside
    each text file (survey.serving.precompressed), built once and shared with `make run`."""
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


def _fill(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def _upstreams(ports: list[int]) -> str:
    return "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in ports)


def nginx_config(listen: str, worker_ports: list[int], static: Path, run_dir: Path) -> str:
    """deploy/nginx.conf.in with its placeholders filled in."""
    return _fill(
        TEMPLATE,
        {
            "@USER@": worker_user(static),
            "@LISTEN@": listen,
            "@UPSTREAM_SERVERS@": _upstreams(worker_ports),
            "@STATIC_DIR@": str(static),
            "@RUN_DIR@": str(run_dir),
        },
    )


def front_config(listen: str, host_ports: list[int], run_dir: Path) -> str:
    """deploy/front.conf.in with its placeholders filled in."""
    return _fill(
        FRONT_TEMPLATE,
        {
            "@USER@": worker_user(run_dir),
            "@LISTEN@": listen,
            "@UPSTREAM_SERVERS@": _upstreams(host_ports),
            "@RUN_DIR@": str(run_dir),
        },
    )


def start_nginx(
    supervisor: Supervisor,
    nginx: str,
    config: Callable[[Path], str],
    port: int,
    name: str = "nginx",
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
) -> Popen:
    """Run nginx in the foreground with `config(its folder)` (the folder also holds its
    pid and temporary files), and wait until the port answers the health check
    (through nginx, from a worker behind it)."""
    run_dir = supervisor.temporary_dir("survey-nginx-")
    path = run_dir / "nginx.conf"
    path.write_text(config(run_dir))
    cmd = [nginx, "-e", "stderr", "-p", str(run_dir), "-c", str(path)]
    proc = supervisor.spawn(cmd, name, env, log_dir)
    supervisor.wait_healthy(
        {port: proc},
        NGINX_START_S,
        stopped="nginx stopped at start (is port {port} free?).",
        late="nginx did not answer in time.",
    )
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
