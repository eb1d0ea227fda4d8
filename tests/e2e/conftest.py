"""A real Streamlit server and a real Chromium for the end-to-end journeys.

In the manner of datasette's and Streamlit's own e2e harness: start
`streamlit run app.py` on a free port against a temporary database, poll
`/_stcore/health`, yield the URL, and stop the server in `finally`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from bench.page_weight import LAUNCH_ARGS  # Chromium flags measured on this machine
from bench.server import StreamlitServer
from survey import lan, questionnaire
from survey.store import Store

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

PASSCODE = "e2e-facilitator-passcode"
MIN_GROUP = 3  # k: small, so a journey reaches "past k" with a handful of participants
REFRESH_S = 1.0  # dashboard refresh: short, so "updates without reload" is quick to see
DEBIAN_CHROMIUM = "/usr/bin/chromium"
BROWSER_ENV = "SURVEY_CHROMIUM"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Playwright's default of 5 s is tight for a rerun on a busy 2-core CI runner.
expect.set_options(timeout=10_000)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class AppServer:
    url: str  # e.g. http://127.0.0.1:41234, no trailing slash
    db_path: Path
    log_path: Path


@contextlib.contextmanager
def running_server(tmp: Path, address: str = "0.0.0.0", **extra_env: str) -> Iterator[AppServer]:
    """The app as `make run` serves it (`python -m survey.serve`) on a free port against a
    fresh database in `tmp`: the same launcher as the benchmarks (bench/server.py).

    Like `make run`, it listens on every address, so the join link (this machine's LAN
    address when the browser used 127.0.0.1) opens on a phone; the browser still uses
    127.0.0.1, as a facilitator on the laptop itself does."""
    env: dict[str, str | None] = {
        "SURVEY_ADMIN_PASSWORD": PASSCODE,
        "SURVEY_MIN_GROUP": str(MIN_GROUP),
        "SURVEY_REFRESH_S": str(REFRESH_S),
        # The join URL must be the one the browser used, so the QR check is real.
        "SURVEY_PUBLIC_URL": None,
        "SURVEY_QUESTIONNAIRE": None,
        **extra_env,
    }
    # Others edit the code while the suite runs; the server under test must not reload.
    server = StreamlitServer(
        db=tmp / "survey.db",
        log_dir=tmp,
        env=env,
        server_args=["--server.fileWatcherType", "none"],
        address=address,
    )
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(f"The app's server did not come up: {exc}", pytrace=False)
    try:
        yield AppServer(server.url, server.db, server.log_path)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """One Streamlit server for the whole e2e run, on its own temporary database."""
    with running_server(tmp_path_factory.mktemp("e2e-server")) as server:
        yield server


@pytest.fixture(scope="module")
def server_store(app_server: AppServer) -> Store:
    """The running server's database, opened from the test process to seed and check."""
    s = Store(questionnaire.load(ROOT / "data" / "questionnaire.toml"), app_server.db_path)
    yield s
    s.close()


def chromium_executable(pw: Playwright) -> str:
    """The browser to drive: $SURVEY_CHROMIUM, else Debian's chromium, else Playwright's own."""
    wanted = os.environ.get(BROWSER_ENV)
    if wanted:
        found = shutil.which(wanted) or (wanted if Path(wanted).is_file() else None)
        if not found:
            pytest.fail(f"{BROWSER_ENV}={wanted} is not an executable file.", pytrace=False)
        return found
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    try:
        own = pw.chromium.executable_path
    except Exception:  # Playwright raises if its browser registry is unusable
        own = ""
    if own and Path(own).is_file():
        return own
    pytest.fail(
        "No Chromium for the end-to-end tests. Install one with "
        "`apt-get install chromium` (Debian/Ubuntu) or `python -m playwright install chromium`, "
        f"or point {BROWSER_ENV} at a Chromium executable.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_executable(pw), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so fixtures can tell a failure.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def new_page(browser: Browser, request) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies and Streamlit session).

    Every page is screenshotted into artifacts/ when the test fails.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page(viewport: dict | None = None, **context_args) -> Page:
        if viewport == PHONE:
            context_args = {"is_mobile": True, "has_touch": True, **context_args}
        ctx = browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True, **context_args
        )
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        page = ctx.new_page()
        pages.append(page)
        return page

    yield open_page

    reports = request.node.stash.get(_REPORTS, {})
    failed = any(r.failed for r in reports.values())
    if failed:
        for i, page in enumerate(pages):
            # A crashed page must not hide the test's own failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{i}.png", full_page=True)
    for ctx in contexts:
        ctx.close()


# ---------------------------------------------------------------- page helpers


def join_link(server: AppServer, code: str) -> str:
    """The join link the app shows for `code` when the browser used `server.url`."""
    return f"{lan.join_base(server.url, lan.discover())}/?s={code}"


def wait_ready(page: Page) -> None:
    page.locator(READY).wait_for(state="attached")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def sign_in(page: Page, url: str, passcode: str = PASSCODE) -> None:
    visit(page, url)
    page.get_by_label("Passcode").fill(passcode)
    page.get_by_role("button", name="Sign in").click()
    if passcode == PASSCODE:
        expect(page.get_by_label("Passcode")).to_have_count(0)
    wait_ready(page)


def stage_link_on(console: Page) -> str:
    """The stage link the console shows (read-only, with its token)."""
    block = console.get_by_test_id("stCode").filter(has_text="/stage?s=")
    expect(block).to_be_visible()
    return block.inner_text().strip()
