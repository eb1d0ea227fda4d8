"""What a phone shows before Streamlit's JavaScript has come: the app's name and a loading
state, in the HTML itself (survey/serving/first_paint.py), gone once the app is there.

Streamlit's main script is held back by the test (as slow mobile data would hold it), so
what is on screen is what the HTML alone draws."""

from __future__ import annotations

import re
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Page, Route, expect

from .helpers import ARTIFACTS, stage_url, wait_ready

pytestmark = pytest.mark.e2e

SMALL = {"width": 360, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}
NAME = "Believer or Spectator?"
LOADING = "Loading the survey…"
MAIN_SCRIPT = re.compile(r"/static/js/index\.[^./]+\.js$")
AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"


def open_held(new_page, url: str, viewport: dict, **context_args) -> tuple[Page, list[Route]]:
    """Open `url` with Streamlit's main script held back; returns the page and the held
    request (release it with `route.continue_()`)."""
    page = new_page(viewport, **context_args)
    held: list[Route] = []
    page.route(MAIN_SCRIPT, lambda route: held.append(route))
    page.goto(url, wait_until="domcontentloaded")
    for _ in range(100):  # the page asks for it once the loading state is drawn
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked for Streamlit's main script"
    return page, held


def on_screen(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_sees_the_name_and_loading_state_before_any_script_then_the_join_page(
    app_server, server_store, new_page, scheme
):
    code = server_store.create_session("First paint")
    page, held = open_held(
        new_page,
        f"{app_server.url}/?s={code}",
        SMALL,
        is_mobile=True,
        has_touch=True,
        color_scheme=scheme,
    )
    name = page.get_by_role("heading", name=NAME, exact=True)
    loading = page.get_by_role("status")
    expect(name).to_be_visible()
    expect(loading).to_have_text(LOADING)
    assert on_screen(page, name) and on_screen(page, loading), "not in view without scrolling"
    assert page.evaluate("scrollY") == 0
    page.screenshot(path=ARTIFACTS / f"first-paint-360-{scheme}.png")
    # Readable on the phone in either colour scheme: axe's contrast and the rest.
    assert axe_violations(page) == []

    held[0].continue_()
    wait_ready(page)
    expect(page.get_by_text("Page 1 of", exact=False)).to_be_visible()
    expect(page.get_by_text(LOADING)).to_have_count(0)
    expect(page.locator(".first-paint")).to_have_count(0)  # replaced, not hidden under the app
    expect(page.get_by_role("radiogroup").first).to_be_visible()


def test_the_projector_shows_the_same_loading_state_centred_and_large(
    app_server, server_store, new_page
):
    code = server_store.create_session("First paint on stage")
    page, held = open_held(new_page, stage_url(app_server, server_store, code), PROJECTOR)
    name = page.get_by_role("heading", name=NAME, exact=True)
    expect(name).to_be_visible()
    box = name.bounding_box()
    centre = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert abs(centre[0] - 960) < 20 and 300 < centre[1] < 780, centre
    # The stage's rule for the back of a hall: no text under 20 px at 1080p.
    for locator in (name, page.get_by_role("status")):
        size = locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 20, size
    page.screenshot(path=ARTIFACTS / "first-paint-1920.png")
    held[0].continue_()
    wait_ready(page)
    expect(page.get_by_text(LOADING)).to_have_count(0)


def test_the_loading_spinner_keeps_still_for_people_who_ask_for_less_motion(app_server, new_page):
    for motion, moving in (("no-preference", True), ("reduce", False)):
        page, held = open_held(new_page, f"{app_server.url}/", SMALL, reduced_motion=motion)
        spinner = page.locator(".first-paint-spinner")
        expect(spinner).to_be_visible()
        animation = spinner.evaluate("e => getComputedStyle(e).animationName")
        assert (animation != "none") is moving, (motion, animation)
        held[0].continue_()


# Chromium's own record of content that moved on screen (the Layout Instability API, what
# Lighthouse's "cumulative layout shift" adds up), from the first byte of the page.
SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("size", [SMALL, {"width": 390, "height": 844}], ids=["360", "390"])
def test_the_join_page_holds_still_while_it_loads_on_a_slow_phone(
    app_server, server_store, new_page, size
):
    """Nothing the participant already sees moves as the rest of the page arrives: the
    app's style sheet is in the HTML (no jump when the first run sends it), and the form
    shows once its questions are drawn (no growth under the thumb). Google calls a page
    whose shifts add up to under 0.1 stable; before, this page scored 0.48."""
    code = server_store.create_session("Holds still")
    page = new_page(size, is_mobile=True, has_touch=True)
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.add_init_script(SHIFTS)
    page.goto(f"{app_server.url}/?s={code}")
    wait_ready(page)
    expect(page.get_by_role("radiogroup").first).to_be_visible()
    page.wait_for_timeout(1500)  # any late piece (a font, a widget's script) has come
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) < 0.1, shifts
    # The heading, as the app draws it with its style sheet: where it will stay.
    assert page.get_by_role("heading", name=NAME).bounding_box()["y"] < 80
    # That sheet came with the HTML, once: no run sends it again.
    caption = page.get_by_test_id("stCaptionContainer").first
    assert caption.evaluate("e => getComputedStyle(e).color") == "rgb(92, 86, 107)"
    assert page.locator('[data-testid="stHtml"] style').count() == 0
