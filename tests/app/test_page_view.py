"""Where a participant's page opens: each run ends with a call to the scroll script, and a
page served without the app's HTML (where the script is defined once) gets the script
with it. The scrolling itself, in a browser: tests/e2e/test_phone.py."""

import pytest

from survey.ui import browser

VIEW = browser.VIEW_JS.read_text(encoding="utf-8")


def view_calls(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "surveyView(" in h.proto.body]


@pytest.fixture
def db(any_db):
    return any_db


def test_a_page_served_with_the_apps_html_sends_only_the_call(open_app, monkeypatch, db):
    monkeypatch.setenv(browser.IN_PAGE, "1")
    at = open_app(s="share")
    [call] = view_calls(at)
    assert call.startswith('<script>surveyView("top", ') and call.endswith(");</script>")
    assert len(call) < 60, "the script itself is in the page's HTML"


def test_a_page_served_without_it_gets_the_script_with_the_call(open_app, monkeypatch, db):
    monkeypatch.delenv(browser.IN_PAGE, raising=False)
    at = open_app(s="share")
    [sent] = view_calls(at)
    assert VIEW in sent and sent.rstrip().endswith(");</script>")


def test_the_call_moves_with_every_page_and_not_with_a_rerun(open_app, monkeypatch, db):
    monkeypatch.setenv(browser.IN_PAGE, "1")
    at = open_app(s="share")
    [first] = view_calls(at)
    at.run()
    assert view_calls(at) == [first], "a rerun that moves nothing scrolls nothing"
    for radio in at.radio:
        if radio.key and radio.key.startswith("q_"):
            radio.set_value(3)
    next(b for b in at.button if b.label == "Next").click().run()
    [second] = view_calls(at)
    assert second != first
