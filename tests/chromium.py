"""The Chromium the browser tests (and the benchmarks that open a real page) drive.

Flags and the lookup order measured on this machine (../shared/TECH-NOTES.md): Playwright
cannot download its browsers here, so Debian's chromium is used where there is one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "SURVEY_CHROMIUM"  # names the Chromium executable to drive
DEBIAN = "/usr/bin/chromium"
# Root in a container needs --no-sandbox, and nothing may phone home.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def executable(playwright_own: str | None = None) -> str | None:
    """$SURVEY_CHROMIUM, else Debian's chromium, else one on PATH, else `playwright_own`
    (Playwright's own browser) if that file exists; None when there is none of these.

    A SURVEY_CHROMIUM that names no executable gives None too: it is never passed over.
    """
    wanted = os.environ.get(ENV)
    if wanted:
        return shutil.which(wanted) or (wanted if Path(wanted).is_file() else None)
    if Path(DEBIAN).is_file():
        return DEBIAN
    if found := shutil.which("chromium"):
        return found
    return playwright_own if playwright_own and Path(playwright_own).is_file() else None


def playwright_own() -> str | None:
    """Where Playwright keeps its own Chromium (the file may not be there); None without a
    usable Playwright driver."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            return pw.chromium.executable_path
    except Exception:  # no Playwright driver, or no browser registry
        return None


def find() -> str | None:
    """`executable`, asking Playwright (a second to start its driver) only when there is
    no other Chromium and $SURVEY_CHROMIUM names none."""
    if found := executable():
        return found
    return None if os.environ.get(ENV) else executable(playwright_own())
