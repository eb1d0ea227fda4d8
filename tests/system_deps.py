"""What the test suite needs outside Python, installed where it can be: `make test` runs this.

    python -m tests.system_deps          # check, and install what is missing
    python -m tests.system_deps --check  # only say what is missing

The browser tests drive Chromium, the multi-worker tests nginx, and the
PostgreSQL tests Debian's server binaries (/usr/lib/postgresql/*/bin). As root
on Debian or Ubuntu the missing ones are installed with apt-get; elsewhere
Chromium comes from Playwright's own download. Whatever cannot be installed
stops `make test` with one line giving the exact command to run.

PSPP (GNU's SPSS clone) and LibreOffice Calc, which open our .sav, CSV and workbook
as an analyst would, are installed the same way where apt-get can; elsewhere their
tests are skipped, and this says so.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from survey.serving.nginx import find_nginx
from tests import chromium as browser


def chromium() -> str | None:
    """The Chromium the e2e tests will use (tests/chromium.py)."""
    return browser.find()


def postgres_bin() -> str | None:
    """A folder holding PostgreSQL's initdb and pg_ctl (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return str(Path(found[0]).parent)
    on_path = shutil.which("initdb")
    return str(Path(on_path).parent) if on_path and shutil.which("pg_ctl") else None


def os_release() -> dict[str, str]:
    try:
        lines = Path("/etc/os-release").read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {k: v.strip().strip('"') for k, v in pairs}


def missing() -> list[str]:
    """The names of what is missing, among chromium, nginx and postgresql."""
    checks = {"chromium": chromium, "nginx": find_nginx, "postgresql": postgres_bin}
    return [name for name, found in checks.items() if not found()]


def _apt_packages(names: list[str], distro: dict[str, str]) -> list[str]:
    # Ubuntu's "chromium" package is only a wrapper around a snap, which a container or
    # CI runner has no daemon for: there, Playwright's own download is the browser.
    if "ubuntu" in {distro.get("ID", ""), *distro.get("ID_LIKE", "").split()}:
        return [n for n in names if n != "chromium"]
    return names


def _run(cmd: list[str]) -> bool:
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(cmd, env=env).returncode == 0


def install(names: list[str]) -> None:
    """Install what it can: apt-get as root on Debian/Ubuntu, then Playwright's Chromium."""
    distro = os_release()
    apt = shutil.which("apt-get")
    if names and apt and os.geteuid() == 0 and distro:
        packages = _apt_packages(names, distro)
        if packages and _run([apt, "update", "-qq"]):
            _run([apt, "install", "-y", "-qq", *packages])
    if "chromium" in names and chromium() is None:
        # Playwright downloads a browser that fits its driver; --with-deps needs root and apt.
        cmd = [sys.executable, "-m", "playwright", "install", "chromium"]
        if apt and os.geteuid() == 0:
            cmd.append("--with-deps")
        _run(cmd)


def how_to_install(name: str) -> str:
    """The one command a person runs to get `name`, on this kind of machine."""
    mac = sys.platform == "darwin"
    sudo = "" if os.geteuid() == 0 else "sudo "
    if name == "chromium":
        return (
            f"{sys.executable} -m playwright install chromium"
            + ("" if mac else f"  (or: {sudo}apt-get install chromium)")
            + f"; or set {browser.ENV} to a Chromium executable"
        )
    if name == "nginx":
        return "brew install nginx" if mac else f"{sudo}apt-get install nginx"
    return "brew install postgresql@16" if mac else f"{sudo}apt-get install postgresql"


OPTIONAL = {"pspp": "pspp", "soffice": "libreoffice-calc-nogui"}  # command: its package


def optional_missing() -> list[str]:
    """Packages of tools some tests use when present (they skip without them)."""
    return [package for command, package in OPTIONAL.items() if not shutil.which(command)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.system_deps", description=__doc__)
    ap.add_argument("--check", action="store_true", help="only report, install nothing")
    args = ap.parse_args(argv)
    absent = missing()
    if absent and not args.check:
        install(absent)
        absent = missing()
    extra = optional_missing()
    if extra and not args.check:
        install(extra)
        extra = optional_missing()
    for name in extra:
        print(f"Without {name} its tests are skipped (apt-get install {name})", file=sys.stderr)
    for name in absent:
        print(f"The tests need {name}: {how_to_install(name)}", file=sys.stderr)
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
