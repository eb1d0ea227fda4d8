"""The facilitator's own path in real Chromium: a reload keeps them signed in with no
secret in the address, a browser without the cookie (or with a forged or expired one) is
asked for the passcode, and the console's essential controls fit a 1440x900 laptop."""

from __future__ import annotations

import secrets
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from survey import auth

from .helpers import AppServer, sign_in, visit, wait_ready

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1440, "height": 900}
ESSENTIALS = [  # what a facilitator reaches for during a talk, by role and name
    ("link", "Open the stage"),
    ("button", "← Previous"),
    ("button", "Next →"),
    ("button", "Show results on the stage"),
    ("button", "Close now"),
    ("button", "Close in 60 s"),
]


SCROLLED_JS = """() => [document.scrollingElement.scrollTop,
  (document.querySelector('[data-testid=stMain]') || {scrollTop: 0}).scrollTop]"""


def facilitator_cookie(context: BrowserContext) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == auth.COOKIE), None)


def wait_for_cookie(context: BrowserContext) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if cookie := facilitator_cookie(context):
            return cookie
        time.sleep(0.1)
    pytest.fail("the sign-in cookie never came")


def asks_for_passcode(page: Page) -> None:
    expect(page.get_by_label("Passcode")).to_be_visible()
    expect(page.get_by_role("button", name="Next →")).to_have_count(0)


def test_a_reload_keeps_the_facilitator_signed_in_with_no_secret_in_the_address(
    app_server: AppServer, new_page
):
    page = new_page(LAPTOP)
    sign_in(page, f"{app_server.url}/console")
    cookie = wait_for_cookie(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find(auth.COOKIE) == -1, "scripts can't read it"

    page.reload()  # F5
    wait_ready(page)

    expect(page.get_by_role("button", name="Next →")).to_be_visible()
    expect(page.get_by_label("Passcode")).to_have_count(0)
    assert cookie["value"] not in page.url and "ticket" not in page.url
    visit(page, f"{app_server.url}/export")  # another page, straight from the address bar
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    expect(page.get_by_label("Passcode")).to_have_count(0)


def test_a_browser_without_the_cookie_is_asked_for_the_passcode(app_server, new_page):
    signed = new_page(LAPTOP)
    sign_in(signed, f"{app_server.url}/console")
    wait_for_cookie(signed.context)

    fresh = new_page(LAPTOP)  # another browser: none of the first one's cookies
    visit(fresh, f"{app_server.url}/console")

    asks_for_passcode(fresh)


@pytest.mark.parametrize("kind", ["forged", "expired"])
def test_a_forged_or_expired_cookie_is_refused(app_server, new_page, server_store, kind):
    if kind == "forged":
        value = secrets.token_urlsafe(32)
    else:  # a real sign-in whose day is over
        now = time.time()
        value = auth.exchange_ticket(
            server_store, auth.issue_ticket(server_store, now), now - auth.SESSION_S - 1
        )
        assert value
    page = new_page(LAPTOP)
    page.context.add_cookies(
        [{"name": auth.COOKIE, "value": value, "url": app_server.url, "httpOnly": True}]
    )

    visit(page, f"{app_server.url}/console")

    asks_for_passcode(page)


def test_signing_out_clears_the_cookie_and_a_reload_asks_again(app_server, new_page):
    page = new_page(LAPTOP)
    sign_in(page, f"{app_server.url}/sessions")
    old = wait_for_cookie(page.context)["value"]
    page.reload()
    wait_ready(page)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("button", name="Sign out").click()
    asks_for_passcode(page)

    deadline = time.monotonic() + 10
    while facilitator_cookie(page.context) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert facilitator_cookie(page.context) is None
    other = new_page(LAPTOP)
    other.context.add_cookies([{"name": auth.COOKIE, "value": old, "url": app_server.url}])
    visit(other, f"{app_server.url}/console")
    asks_for_passcode(other)  # the old secret is forgotten by the server too


def test_the_consoles_essential_controls_fit_a_1440_by_900_laptop(
    app_server, new_page, server_store
):
    code = server_store.create_session("Laptop fit")
    page = new_page(LAPTOP)
    sign_in(page, f"{app_server.url}/console?s={code}")
    expect(page.get_by_role("button", name="Next →")).to_be_visible()
    wait_ready(page)
    page.screenshot(path=app_server.log_path.parent / "console-1440x900.png")

    # Streamlit scrolls its main area, not the document: both are at the top.
    assert page.evaluate(SCROLLED_JS) == [0, 0]
    for role, name in ESSENTIALS:
        expect(page.get_by_role(role, name=name, exact=True)).to_have_count(1)
    outside = [
        f"{name}: {box}"
        for role, name in ESSENTIALS
        if not inside(box := page.get_by_role(role, name=name, exact=True).bounding_box())
    ]
    assert not outside, outside


def inside(box: dict | None) -> bool:
    return box is not None and (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= LAPTOP["width"]
        and box["y"] + box["height"] <= LAPTOP["height"]
    )


def test_behind_nginx_every_worker_honours_the_sign_in_cookie(cluster_server, new_page):
    url = f"http://127.0.0.1:{cluster_server.port}"
    page = new_page(LAPTOP)
    sign_in(page, f"{url}/console")
    cookie = wait_for_cookie(page.context)
    # nginx keeps a browser on one worker by its survey_worker cookie: ten browsers
    # with ten others reach both workers (all on one would be a 1 in 512 chance).
    for n in range(10):
        other = new_page(LAPTOP)
        other.context.add_cookies(
            [
                {"name": auth.COOKIE, "value": cookie["value"], "url": url},
                {"name": "survey_worker", "value": f"browser-{n}", "url": url},
            ]
        )
        visit(other, f"{url}/console")
        expect(other.get_by_role("button", name="Next →")).to_be_visible()
        other.context.close()
