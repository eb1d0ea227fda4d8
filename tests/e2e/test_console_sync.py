"""One view for the room, in real Chromium: a clicker's presses on the stage show on the
console (how fast: bench/live.py), the console's Next then steps on from the stage's view
(never back to its own stale one), and a double click on Next moves one view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from survey import demo
from survey import stage as core

from .helpers import on_view, sign_in, stage_url, visit, wait_ready

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def views(server_store) -> list[core.View]:
    return core.views(server_store.q)


def shown_on_console(views, i: int) -> str:
    return f"{i + 1}. {views[i].title}"


def on_console(laptop):
    """The console's "On the stage now" line."""
    return laptop.locator(".st-key-console-now h3")


def open_both(app_server, new_page, server_store, views, title: str):
    code = server_store.create_session(title)
    server_store.insert_many(code, demo.responses(server_store.q, 10, seed=11))
    stage = new_page({"width": 1920, "height": 1080})
    visit(stage, stage_url(app_server, server_store, code))
    expect(on_view(stage, views[0], code)).to_be_visible()
    laptop = new_page(LAPTOP)
    sign_in(laptop, f"{app_server.url}/console?s={code}")
    view = on_console(laptop)
    expect(view).to_have_text(shown_on_console(views, 0))
    # A freshly loaded Streamlit page re-renders about half a second after its first run,
    # and a key pressed in between is lost (see test_stage).
    stage.wait_for_timeout(1000)
    return code, stage, laptop, view


def test_two_page_downs_on_the_stage_show_on_the_console_and_its_next_goes_on_from_there(
    app_server, new_page, server_store, views
):
    code, stage, laptop, view = open_both(app_server, new_page, server_store, views, "Clicker")

    for i in (1, 2):
        wait_ready(stage)
        stage.keyboard.press("PageDown")  # what a presenter's clicker sends
        expect(on_view(stage, views[i], code)).to_be_visible()
    expect(view).to_have_text(shown_on_console(views, 2))

    wait_ready(laptop)
    laptop.get_by_role("button", name="Next →").click()

    expect(on_view(stage, views[3], code)).to_be_visible()
    expect(view).to_have_text(shown_on_console(views, 3))
    assert server_store.stage(code)["view"] == views[3].id


def test_a_double_click_on_next_moves_the_stage_one_view(app_server, new_page, server_store, views):
    code, stage, laptop, view = open_both(app_server, new_page, server_store, views, "Double")
    wait_ready(laptop)

    laptop.get_by_role("button", name="Next →").dblclick()

    expect(on_view(stage, views[1], code)).to_be_visible()
    wait_ready(laptop)
    stage.wait_for_timeout(1500)  # long enough for a second move to show, had there been one
    settings = server_store.stage(code)
    assert (settings["view"], settings["view_seq"]) == (views[1].id, 1)
    expect(view).to_have_text(shown_on_console(views, 1))
