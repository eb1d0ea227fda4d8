"""The session report in a real Chromium: downloaded from the export page, opened with the
network off, drawn without console errors, and printed to PDF one page per section."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from survey import demo, report
from survey import questionnaire as qmod
from survey.store import Store
from tests.e2e.helpers import (
    ARTIFACTS,
    ROOT,
    choose,  # the selectbox helper, with its retry
    sign_in,
)

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> Hall B'
CHARTS = 6  # split, distribution, profiles, the items over two pages, over time
SECTIONS = 9  # those six, the room's words, the method and the reliability appendix


def pdf_pages(pdf: bytes) -> int:
    # Chromium writes each page as an uncompressed "/Type /Page" object ("/Pages" is the tree).
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def open_offline(new_page, path: Path, viewport: dict | None = None) -> tuple[Page, list[str]]:
    """Open a report file with the network off, recording console errors and remote requests."""
    page = new_page(viewport, offline=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: problems.append(f"fetched {r.url}") if not r.url.startswith("file:") else None,
    )
    page.goto(path.as_uri())
    page.locator("body[data-ready=yes]").wait_for(state="attached")
    return page, problems


@pytest.fixture
def hall(app_server) -> str:
    store = Store(qmod.load(), app_server.db_path)
    code = store.create_session(HOSTILE)
    store.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(store.q, 40, seed=15)])
    store.close()
    return code


def test_the_report_downloads_opens_offline_and_prints_a_page_per_section(
    app_server, new_page, hall, tmp_path
):
    page = new_page()
    sign_in(page, f"{app_server.url}/export")
    choose(page, "Sessions", hall, then=page.get_by_text("First 10 rows of the export"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (HTML)").click()
    assert download.value.suggested_filename == f"believer-or-spectator_{hall}_report.html"
    path = tmp_path / "report.html"
    download.value.save_as(path)

    doc, problems = open_offline(new_page, path)

    assert problems == []
    expect(doc.locator(".js-plotly-plot")).to_have_count(CHARTS)
    expect(doc.locator("h1")).to_have_text(HOSTILE)
    assert doc.locator("img:not(.cloud)").count() == 0  # the hostile title's stays text
    words = doc.locator("section[data-section=words-why]")
    expect(words.locator("h2")).to_have_text("In the room's words")
    expect(words.locator("img.cloud")).to_have_attribute("alt", re.compile("news"))
    assert doc.locator("section.page").count() == SECTIONS
    bars = doc.locator("#chart-split.js-plotly-plot .main-svg").first
    expect(bars).to_be_visible()
    for paper in ("A4", "Letter"):
        pdf = doc.pdf(format=paper, print_background=True)
        (ARTIFACTS / f"report-{paper}.pdf").write_bytes(pdf)
        assert pdf_pages(pdf) == SECTIONS, f"{paper}: a section spilled onto a second page"


@pytest.mark.slow
def test_report_screenshot_for_the_readme(new_page, tmp_path):
    """`SURVEY_SCREENSHOTS=docs` refreshes docs/report.png; otherwise it goes to artifacts/."""
    out = ROOT / "docs" if os.environ.get("SURVEY_SCREENSHOTS") == "docs" else ARTIFACTS
    out.mkdir(exist_ok=True)
    store = Store(qmod.load(), tmp_path / "shot.db")
    code = store.create_session("Social Media Summit, Hall B")
    store.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(store.q, 60, seed=2026)])
    path = tmp_path / "report.html"
    path.write_bytes(report.session_html(store, code))
    store.close()

    doc, problems = open_offline(new_page, path, {"width": 800, "height": 1400})
    doc.screenshot(path=out / "report.png")

    assert problems == []
    assert Image.open(out / "report.png").size == (800, 1400)
