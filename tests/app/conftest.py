import os
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
# One script run takes well under a second; the first one imports pandas and plotly.
RUN_TIMEOUT_S = 30
SIGN_IN = "FormSubmitter:signin-Sign in"


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    # Streamlit caches are process-wide and would leak between AppTest runs.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """Open the app the way a browser would: a URL query string, then one page.

    `open_app(s="share")` runs the participant page; `open_app("pages/console.py")`
    runs the default page once (AppTest needs that) and then switches to the given page.
    """

    def make(page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
        at.query_params.update(query)
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return make


@pytest.fixture
def passcode() -> str:
    return os.environ["SURVEY_ADMIN_PASSWORD"]


@pytest.fixture
def sign_in(passcode) -> Callable[..., AppTest]:
    """Type a passcode into the facilitator sign-in form and submit it."""

    def attempt(at: AppTest, given: str = passcode) -> AppTest:
        at.text_input[0].input(given)
        at.button(key=SIGN_IN).click().run()
        assert not at.exception, at.exception
        return at

    return attempt


@pytest.fixture
def facilitator(open_app, sign_in) -> Callable[..., AppTest]:
    """A facilitator page, signed in with the right passcode."""

    def make(page: str, **query: str) -> AppTest:
        at = sign_in(open_app(page, **query))
        assert not [t for t in at.text_input if t.label == "Passcode"], "still asks to sign in"
        return at

    return make


def profile_bars(at: AppTest) -> list[tuple[str, int]]:
    """The result's profile as a screen reader reads it: each bar's name (its label
    without the bold) and its value, from the one HTML element that draws them."""
    bars: list[tuple[str, int]] = []

    class Bars(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found = dict(attrs)
            if found.get("role") == "progressbar":
                bars.append((found["aria-label"], int(found["aria-valuenow"])))

    for element in at.get("html"):
        if 'class="profile-bars"' in element.proto.body:
            Bars().feed(element.proto.body)
    return bars


def result_sections(at: AppTest) -> dict[str, list[str]]:
    """The result page's sections drawn as one HTML element each (survey/section.py): each
    heading with the text of its paragraphs and list items, as a reader reads them, in
    page order."""
    found: dict[str, list[str]] = {}

    class Section(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.block, self.said, self.heading = "", [], ""

        def handle_starttag(self, tag, attrs):
            if tag in ("h2", "p", "li"):
                self.block, self.said = tag, []

        def handle_endtag(self, tag):
            if tag != self.block:
                return
            text, self.block = "".join(self.said), ""
            if tag == "h2":
                self.heading = text
                found[text] = []
            elif self.heading:
                found[self.heading].append(text)

        def handle_data(self, data):
            if self.block:
                self.said.append(data)

    for element in at.get("html"):
        if 'class="result-section"' in element.proto.body:
            Section().feed(element.proto.body)
    return found


def headline(at: AppTest) -> tuple[str | None, dict[str, str]]:
    """The result's headline as a reader reads it (one HTML element, survey/section.py):
    the page's title, the verdict, and its figures by label; (None, {}) on a page
    without one."""
    title: list[str] = []
    figures: dict[str, str] = {}

    class Headline(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.kind, self.label = "", ""

        def handle_starttag(self, tag, attrs):
            self.kind = "h1" if tag == "h1" else dict(attrs).get("class", "")

        def handle_endtag(self, tag):
            self.kind = ""

        def handle_data(self, data):
            if self.kind == "h1":
                title.append(data)
            elif self.kind == "result-score-label":
                self.label = data
            elif self.kind == "result-score-value":
                figures[self.label] = data

    for element in at.get("html"):
        if 'class="result-headline"' in element.proto.body:
            Headline().feed(element.proto.body)
    return (title[0] if title else None), figures


def headings(at: AppTest) -> list[str]:
    """The page's section headings in page order: Streamlit's and those of the sections
    drawn as HTML."""
    said: list[str] = []

    def walk(node) -> None:
        if getattr(node, "type", "") == "header":
            said.append(node.value)
        elif getattr(node, "type", "") == "html":
            said.extend(result_sections_of(node.proto.body))
        for child in getattr(node, "children", {}).values():
            walk(child)

    def result_sections_of(body: str) -> list[str]:
        if 'class="result-section"' not in body:
            return []
        return [unescape(body.split("<h2>", 1)[1].split("</h2>", 1)[0])]

    walk(at.main)
    return said
