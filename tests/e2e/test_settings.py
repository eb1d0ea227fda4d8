"""A setting the app cannot use is one plain message on the page and one line in the log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import running_server, sign_in


@pytest.fixture(scope="module")
def misconfigured(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("bad-k"), SURVEY_MIN_GROUP="abc") as server:
        yield server


def test_a_bad_minimum_group_is_one_plain_line_on_the_console_not_an_error_page(
    misconfigured, new_page
):
    page = new_page()
    sign_in(page, f"{misconfigured.url}/console")
    expect(
        page.get_by_text("SURVEY_MIN_GROUP must be a whole number of at least 1")
    ).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    log = misconfigured.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
    assert log.count("SURVEY_MIN_GROUP must be a whole number") <= 2  # one line a page run
