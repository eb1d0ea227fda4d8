"""The server as a forged or hurried client meets it, over Streamlit's own websocket protocol.

A browser never sends these messages, but anyone on the venue's Wi-Fi can: the same form
submitted several times back to back, and widget values no widget offers.
"""

from __future__ import annotations

import urllib.parse

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.protocol import Browser

from .helpers import AppServer

TRIES = 50
SCALE = ("Never", "Rarely", "Sometimes", "Often", "Very often")


def port_of(server: AppServer) -> int:
    return urllib.parse.urlsplit(server.url).port


def first_page(server: AppServer, code: str) -> tuple[Browser, dict, object]:
    b = Browser(port_of(server), f"s={code}")
    screen = b.open()
    fields, button = screen.advance_form()
    return b, {w: "Sometimes" for w in fields}, button


def test_a_submit_sent_three_times_at_once_makes_one_response_every_time(app_server, server_store):
    code = server_store.create_session("Hurried thumbs")
    for _ in range(TRIES):
        b, values, button = first_page(app_server, code)
        try:
            b.submit(values, button, repeat=3)
        finally:
            b.close()
    rows = server_store.list_sessions()
    counts = next(s for s in rows if s["code"] == code)
    assert counts["in_progress"] + counts["complete"] == TRIES


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda w: WidgetState(id=w.id, string_value="Sometimes-ish"), id="text"),
        pytest.param(lambda w: WidgetState(id=w.id, string_value=""), id="empty"),
        pytest.param(lambda w: WidgetState(id=w.id, string_value="<b>5</b>"), id="markup"),
        pytest.param(lambda w: WidgetState(id=w.id, int_value=7), id="int above"),
        pytest.param(lambda w: WidgetState(id=w.id, int_value=-1), id="int below"),
        pytest.param(lambda w: WidgetState(id=w.id, double_value=2.5), id="a fraction"),
        pytest.param(lambda w: WidgetState(id=w.id, bool_value=True), id="a boolean"),
        pytest.param(
            lambda w: WidgetState(id=w.id, string_array_value={"data": ["Often", "x"]}),
            id="a list",
        ),
    ],
)
def test_a_forged_answer_is_never_stored_and_the_page_shows_no_traceback(
    app_server, server_store, forge
):
    code = server_store.create_session("Forged answers")
    b, values, button = first_page(app_server, code)
    try:
        forged = next(iter(values))
        states = [forge(forged)]
        states += [WidgetState(id=w.id, string_value=v) for w, v in values.items() if w != forged]
        states.append(WidgetState(id=button.id, trigger_value=True))
        screen = b.rerun(states)
    finally:
        b.close()

    assert not [e for e in screen.errors if "Traceback" in e or ".py" in e], screen.errors
    cols, rows = server_store.rows(code, columns=server_store.q.item_ids)
    stored = {v for row in rows for v in row if v is not None}
    assert stored <= set(range(1, len(SCALE) + 1))
    # The forged item counts as unanswered: Next stays on the first page and names it.
    assert screen.progress.startswith("Page 1 of")
