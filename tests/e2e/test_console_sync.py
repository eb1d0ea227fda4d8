"""One view for the room, in real Chromium: a clicker's presses on the stage show on the
console (how fast: bench/live.py), the console's Next then steps on from the stage's view
(never back to its own stale one), and a double click on Next moves one view."""

from __future__ import annotations

import re

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


def test_a_second_click_sent_before_the_redraw_arrived_moves_nothing(
    app_server, new_page, server_store, views
):
    """The race behind a double click, made certain: the first click is carried out and the
    server has drawn the buttons anew, but the browser has not yet received that drawing
    (the server's messages are held) when the second click goes. That click was made on
    the old drawing, so it moves nothing; once the drawing arrives, the stage is one view
    on and the console says so."""
    code = server_store.create_session("Held drawing")
    routes: list = []
    held: list = []  # the server's messages to the page, while held

    def relay(route) -> None:
        server = route.connect_to_server()
        route.on_message(server.send)  # the browser's clicks go straight through
        server.on_message(lambda m: held.append(m) if holding else route.send(m))
        routes.append(route)

    holding = False
    laptop = new_page(LAPTOP)
    laptop.route_web_socket(re.compile(r"/_stcore/stream"), relay)
    sign_in(laptop, f"{app_server.url}/console?s={code}")
    view = on_console(laptop)
    expect(view).to_have_text(shown_on_console(views, 0))
    laptop.wait_for_timeout(1000)  # the fresh page's own second drawing has come
    wait_ready(laptop)
    before = server_store.stage(code)["view_seq"]

    holding = True
    laptop.get_by_role("button", name="Next →").click()
    for _ in range(100):  # carried out: the stage has moved
        if server_store.stage(code)["view_seq"] != before:
            break
        laptop.wait_for_timeout(100)
    laptop.wait_for_timeout(1000)  # and the run that drew the buttons anew has finished
    laptop.get_by_role("button", name="Next →").click()  # still on the old drawing
    laptop.wait_for_timeout(1000)  # handled
    assert held, "the server sent the page nothing to hold"
    while held:  # the page gets everything it was sent, in order
        routes[-1].send(held.pop(0))
    holding = False

    settings = server_store.stage(code)
    assert (settings["view"], settings["view_seq"]) == (views[1].id, before + 1)
    expect(view).to_have_text(shown_on_console(views, 1))
