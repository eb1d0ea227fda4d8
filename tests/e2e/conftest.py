"""A real Streamlit server and a real Chromium for the end-to-end journeys.

In the manner of datasette's and Streamlit's own e2e harness: start
`streamlit run app.py` on a free port against a temporary database, poll
`/_stcore/health`, yield the URL, and stop the server in `finally`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from survey import questionnaire
from survey.serving.nginx import NGINX_HINT, find_nginx
from survey.store import Store
from tests import chromium
from tests.server import ClusterServer

from .helpers import (
    ARTIFACTS,
    DESKTOP,
    PASSCODE,
    PHONE,
    PUBLIC_URL,
    ROOT,
    AppServer,
    running_server,
)

# The servers and the browser are shared by every e2e test and stopped once the last one is
# over ("package"), not left running through the rest of a full run.


@pytest.fixture(scope="package")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """One Streamlit server for the whole e2e run, on its own temporary database."""
    with running_server(tmp_path_factory.mktemp("e2e-server")) as server:
        yield server


@pytest.fixture(scope="package")
def loopback_server(tmp_path_factory) -> Iterator[AppServer]:
    """A second server, listening on 127.0.0.1 only (`make run ADDRESS=127.0.0.1`): no
    phone can reach it, and it says so. The forged-message tests read its log."""
    with running_server(tmp_path_factory.mktemp("loopback"), address="127.0.0.1") as s:
        yield s


@pytest.fixture(scope="package")
def cluster_server() -> Iterator[ClusterServer]:
    """The survey as `make run-workers` serves it: two workers behind nginx."""
    if find_nginx() is None:
        pytest.fail(NGINX_HINT)
    with ClusterServer(2, env={"SURVEY_ADMIN_PASSWORD": PASSCODE}) as c:
        yield c


@pytest.fixture(scope="package")
def _public_url_server(tmp_path_factory) -> Iterator[AppServer]:
    with running_server(tmp_path_factory.mktemp("public"), SURVEY_PUBLIC_URL=PUBLIC_URL) as s:
        yield s


@pytest.fixture
def screenshot_server(request) -> AppServer:
    """The shared server; for the README (`make screenshots`), one whose join link reads
    like a real deployment, shared by every screenshot test."""
    if os.environ.get("SURVEY_SCREENSHOTS") != "docs":
        return request.getfixturevalue("app_server")
    return request.getfixturevalue("_public_url_server")


@pytest.fixture(scope="module")
def server_store(app_server: AppServer) -> Store:
    """The running server's database, opened from the test process to seed and check."""
    s = Store(questionnaire.load(ROOT / "data" / "questionnaire.toml"), app_server.db_path)
    yield s
    s.close()


def chromium_executable(pw: Playwright) -> str:
    """The browser to drive: $SURVEY_CHROMIUM, else Debian's chromium, else Playwright's own."""
    try:
        own = pw.chromium.executable_path
    except Exception:  # Playwright raises if its browser registry is unusable
        own = None
    if found := chromium.executable(own):
        return found
    if wanted := os.environ.get(chromium.ENV):
        pytest.fail(f"{chromium.ENV}={wanted} is not an executable file.", pytrace=False)
    pytest.fail(
        "No Chromium for the end-to-end tests. Install one with "
        "`apt-get install chromium` (Debian/Ubuntu) or `python -m playwright install chromium`, "
        f"or point {chromium.ENV} at a Chromium executable.",
        pytrace=False,
    )


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_executable(pw), args=chromium.LAUNCH_ARGS)
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
