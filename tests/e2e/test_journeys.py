"""The product's journeys in a real browser against a real server.

Each test uses its own session, so they run in any order on one shared server.
Expected scores come from data/questionnaire.toml and the documented formula,
computed here independently of survey.scoring.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from survey import demo, questionnaire, scoring, sharecard
from survey.store import Store
from survey.theme import Theme

from .helpers import (
    ARTIFACTS,
    BELIEVER,
    ITEM_BY_TEXT,
    ITEM_PAGES,
    ITEMS,
    KEEN,
    LIVE_TIMEOUT_MS,
    MIN_GROUP,
    PASSCODE,
    PHONE,
    QUESTIONNAIRE,
    ROOT,
    SHY,
    SPECTATOR,
    TOTAL_PAGES,
    WARM,
    answer_questions_on_page,
    answer_radio,
    assert_answers_shown,
    assert_fits_width,
    choose,
    click_next,
    console_link,
    counts,
    expect_page,
    expect_result,
    expected,
    finish_in_store,
    join_link,
    metric,
    more_needed,
    page_questions,
    pick,
    reveal_results,
    running_server,
    sign_in,
    stage_link_on,
    take_survey,
    token_of,
    visit,
    wait_ready,
)

pytestmark = pytest.mark.e2e

# ---------------------------------------------------------------- journeys


def test_facilitator_signs_in_creates_a_session_and_its_qr_code_joins_it(
    app_server, new_page, server_store
):
    private = "Rehearsal with answers (private)"
    other = server_store.create_session(private)
    finish_in_store(server_store, other, KEEN)
    server_store.set_revealed(other, True)

    # A wrong passcode shows nothing of a session: no code, title, QR or figures.
    snoop = new_page()
    sign_in(snoop, f"{app_server.url}/console?s={other}", passcode="not-the-passcode")
    expect(snoop.get_by_text("That passcode is not right", exact=False)).to_be_visible()
    expect(snoop.get_by_text(private)).to_have_count(0)
    expect(snoop.get_by_text("/stage?s=")).to_have_count(0)
    expect(snoop.locator('[data-testid="stImage"]')).to_have_count(0)
    expect(snoop.locator('[data-testid="stMetricValue"]')).to_have_count(0)
    expect(snoop.locator(".js-plotly-plot")).to_have_count(0)

    page = new_page()
    sign_in(page, f"{app_server.url}/sessions", passcode="not-the-passcode")
    expect(page.get_by_text("That passcode is not right", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Create session")).to_have_count(0)
    expect(page.get_by_text(private)).to_have_count(0)
    expect(page.get_by_text(other)).to_have_count(0)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)

    page.get_by_label("Passcode").fill(PASSCODE)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Create session")).to_be_visible()
    wait_ready(page)
    page.get_by_label("Title").fill("Social Media Summit, Hall B")
    page.get_by_role("button", name="Create session").click()
    created = page.get_by_text(re.compile(r"Created session [A-Z0-9]{4,6}\b"))
    expect(created).to_be_visible()
    code = re.search(r"Created session ([A-Z0-9]{4,6})\b", created.inner_text()).group(1)

    choose(page, "Session", code, then=console_link(page, code))
    page.get_by_role("link", name=re.compile("Open its console")).click()
    expect(page).to_have_url(re.compile(rf"/console\?s={code}$"))
    wait_ready(page)
    join_url = join_link(app_server, code)  # the LAN address, not the 127.0.0.1 the browser used
    expect(page.get_by_text(f"Join link for participants: {join_url}")).to_be_visible()
    expect(metric(page, "Answers complete")).to_have_text("0")

    # The projector opens the console's stage link: the code, the QR code, no sign-in.
    projector = new_page({"width": 1920, "height": 1080})
    visit(projector, stage_link_on(page))
    expect(projector.get_by_role("heading", name=code, exact=True)).to_be_visible()
    qr = projector.locator('[data-testid="stImage"] img')
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("alt", f"QR code for {join_url}")  # what a screen reader says
    shot = qr.screenshot(path=ARTIFACTS / "qr.png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert [b.text for b in found] == [join_url]

    phone = new_page(PHONE)
    visit(phone, found[0].text)
    expect(phone.get_by_text("Session: Social Media Summit, Hall B")).to_be_visible()
    expect_page(phone, 1)


def test_three_participants_each_see_their_own_class_and_score(app_server, new_page, server_store):
    code = server_store.create_session("Three participants")
    people = [(new_page(), KEEN), (new_page(), WARM), (new_page(PHONE), SHY)]
    classes = {expected(answers)[0] for _, answers in people}
    assert classes == {BELIEVER, SPECTATOR}, "the journey needs both classes"

    # Interleave the three: everyone joins, then each page is answered in turn.
    for page, _ in people:
        visit(page, f"{app_server.url}/?s={code}")
    answered = [[] for _ in people]
    for k in range(1, TOTAL_PAGES + 1):
        for i, (page, answers) in enumerate(people):
            expect_page(page, k)
            if k <= ITEM_PAGES:
                answered[i] += answer_questions_on_page(page, answers)
            if page.viewport_size == PHONE:
                assert_fits_width(page)
            click_next(page, k)
    for (page, answers), ids in zip(people, answered, strict=True):
        assert sorted(ids) == sorted(it["id"] for it in ITEMS)
        expect_result(page, answers)
    phone = people[2][0]
    assert_fits_width(phone)
    phone.screenshot(path=ARTIFACTS / "phone-result.png")
    assert counts(server_store, code) == (3, 0)


def test_a_participant_who_reloads_resumes_with_earlier_answers_kept(
    app_server, new_page, server_store
):
    code = server_store.create_session("Resume after reload")
    page = new_page(PHONE)
    visit(page, f"{app_server.url}/?s={code}")
    expect_page(page, 1)
    first = answer_questions_on_page(page, WARM)
    click_next(page, 1)
    token = token_of(page)
    expect(page).to_have_url(re.compile(rf"[?&]s={code}\b"))

    page.reload()
    wait_ready(page)
    expect_page(page, 2)
    assert token_of(page) == token
    page.get_by_role("button", name="Back").click()
    expect_page(page, 1)
    shown = assert_answers_shown(page, WARM)
    assert [ITEM_BY_TEXT[n]["id"] for n in shown] == first

    answered = list(first)
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        if 1 < k <= ITEM_PAGES:
            answered += answer_questions_on_page(page, WARM)
        click_next(page, k)
    assert sorted(answered) == sorted(it["id"] for it in ITEMS)
    expect_result(page, WARM)
    assert token_of(page) == token
    assert counts(server_store, code) == (1, 0)


def test_live_stage_counts_without_reload_and_shows_charts_only_past_k(
    app_server, new_page, server_store
):
    code = server_store.create_session("Live stage")
    server_store.set_stage(code, view="split")
    laptop = new_page()
    sign_in(laptop, f"{app_server.url}/console?s={code}")
    dash = new_page({"width": 1920, "height": 1080})
    visit(dash, stage_link_on(laptop))
    expect(dash.get_by_role("heading", name="Believers or spectators?")).to_be_visible()
    expect(metric(dash, "Finished")).to_have_text("0")
    expect(metric(dash, "Answering now")).to_have_text("0")
    dash.evaluate("window.__sameDocument = true")  # gone if the page reloads

    person = new_page(PHONE)
    visit(person, f"{app_server.url}/?s={code}")
    expect_page(person, 1)
    answer_questions_on_page(person, KEEN)
    click_next(person, 1)
    expect(metric(dash, "Answering now")).to_have_text("1", timeout=LIVE_TIMEOUT_MS)
    for k in range(2, TOTAL_PAGES + 1):
        if k <= ITEM_PAGES:
            answer_questions_on_page(person, KEEN)
        click_next(person, k)
    expect_result(person, KEEN)
    expect(metric(dash, "Finished")).to_have_text("1", timeout=LIVE_TIMEOUT_MS)
    expect(metric(dash, "Answering now")).to_have_text("0", timeout=LIVE_TIMEOUT_MS)

    plots = dash.locator(".js-plotly-plot")
    expect(dash.get_by_text("Results coming", exact=False)).to_be_visible()
    expect(plots).to_have_count(0)
    reveal_results(laptop)
    expect(dash.get_by_text(more_needed(MIN_GROUP - 1))).to_be_visible()
    expect(plots).to_have_count(0)

    # Fill up to one below k from other devices, then cross k with the last one.
    below_k = [(SHY, WARM)[i % 2] for i in range(MIN_GROUP - 2)]
    for answers in below_k:
        finish_in_store(server_store, code, answers)
    expect(metric(dash, "Finished")).to_have_text(str(MIN_GROUP - 1), timeout=LIVE_TIMEOUT_MS)
    expect(dash.get_by_text(more_needed(1))).to_be_visible()
    expect(plots).to_have_count(0)
    expect(dash.get_by_text(re.compile(r"^Believers ·"))).to_have_count(0)

    finish_in_store(server_store, code, SHY)
    # The split: its numbers once, in big type, over a bar drawn in HTML.
    everyone = [KEEN, *below_k, SHY]
    believers = sum(expected(a)[0] == BELIEVER for a in everyone)
    share = f"{100 * believers / len(everyone):.0f}%"
    expect(metric(dash, f"Believers · {believers}")).to_have_text(share, timeout=LIVE_TIMEOUT_MS)
    bar = dash.locator(".stage-bar .believers")
    expect(bar).to_be_visible()
    assert bar.evaluate("b => b.style.width") == f"{100 * believers / len(everyone):.1f}%"
    assert dash.evaluate("window.__sameDocument === true"), "the stage reloaded"
    dash.screenshot(path=ARTIFACTS / "stage-live.png")


def test_export_downloads_exactly_the_completed_rows_safe_for_spreadsheets(
    app_server, new_page, server_store
):
    title = '=HYPERLINK("http://x","y")'
    code = server_store.create_session(title)
    person = new_page()
    take_survey(person, app_server.url, code, KEEN)
    expect_result(person, KEEN)
    in_browser = token_of(person)
    elsewhere = finish_in_store(server_store, code, SHY)
    unfinished = server_store.save_page(code, None, {ITEMS[0]["id"]: 3}, page=1).token
    assert counts(server_store, code) == (2, 1)

    page = new_page()
    sign_in(page, f"{app_server.url}/export")
    choose(page, "Sessions", code, then=page.get_by_text("First 2 rows of the export"))
    try:
        with page.expect_download() as download:
            page.get_by_role("button", name="Download responses (CSV)").click()
    except PlaywrightTimeoutError:
        pytest.fail("Clicking 'Download responses (CSV)' never started a download.")
    assert download.value.suggested_filename == f"believer-or-spectator_{code}_responses.csv"
    data = Path(download.value.path()).read_bytes()
    (ARTIFACTS / "export.csv").write_bytes(data)

    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would mangle accents"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    text = data.decode("utf-8-sig")
    for token in (in_browser, elsewhere, unfinished):
        assert token not in text, "a participant's private resume token is in the export"
    public = {t: server_store.get_response(t)["public_id"] for t in (in_browser, elsewhere)}
    assert sorted(r["response_id"] for r in rows) == sorted(public.values())
    by_id = {r["response_id"]: r for r in rows}
    assert by_id[public[in_browser]]["class"] == "believer"
    assert by_id[public[elsewhere]]["class"] == "spectator"
    assert {r["status"] for r in rows} == {"complete"}
    assert {r["session_code"] for r in rows} == {code}
    for r in rows:
        assert r["session_title"] == "'" + title
        assert r["session_title"].startswith("'")
    assert all(not cell.startswith("=") for r in rows for cell in r.values())
    assert by_id[public[in_browser]][ITEMS[0]["id"]] == str(KEEN[ITEMS[0]["id"]])


def test_closed_session_refuses_a_submit_and_the_count_stays(app_server, new_page, server_store):
    code = server_store.create_session("Closes mid-survey")
    person = new_page(PHONE)
    visit(person, f"{app_server.url}/?s={code}")
    for k in range(1, TOTAL_PAGES):
        expect_page(person, k)
        answer_questions_on_page(person, SHY)
        click_next(person, k)
    expect_page(person, TOTAL_PAGES)
    assert counts(server_store, code) == (0, 1)

    facilitator = new_page()
    sign_in(facilitator, f"{app_server.url}/sessions")
    choose(facilitator, "Session", code, then=console_link(facilitator, code))
    facilitator.get_by_role("button", name="Close to new answers").click()
    expect(facilitator.get_by_role("button", name="Reopen")).to_be_visible()
    expect(facilitator.get_by_text("This session is closed")).to_be_visible()
    wait_ready(facilitator)

    person.get_by_role("button", name="See my result").click()
    expect(
        person.get_by_text("This session has closed, so your answers were not saved.")
    ).to_be_visible()
    wait_ready(person)
    expect(person.get_by_role("heading", name=re.compile("You're a"))).to_have_count(0)
    assert counts(server_store, code) == (0, 1)

    facilitator.get_by_role("link", name=re.compile("Open its console")).click()
    expect(facilitator.get_by_text("The session is closed to new answers")).to_be_visible()
    expect(metric(facilitator, "Answers complete")).to_have_text("0")

    latecomer = new_page(PHONE)
    visit(latecomer, f"{app_server.url}/?s={code}")
    expect(latecomer.get_by_text(f"The session {code} is closed")).to_be_visible()
    expect(latecomer.get_by_test_id("stRadio")).to_have_count(0)  # no question to answer


def test_a_facilitator_page_opened_first_on_a_fresh_server_has_the_apps_navigation(
    new_page, tmp_path
):
    # After a restart the facilitator is often the first visitor, straight to /sessions.
    with running_server(tmp_path) as server:
        page = new_page()
        sign_in(page, f"{server.url}/sessions")
        expect(page.get_by_role("button", name="Create session")).to_be_visible()
        expect(page).to_have_title("Believer or Spectator?")
        nav = page.get_by_role("navigation")
        expect(nav.get_by_role("link", name="Console")).to_have_count(1)
        file_names = re.compile(r"^(app|survey|sessions)$")  # Streamlit's pages/ folder mode
        expect(nav.get_by_role("link", name=file_names)).to_have_count(0)


# ---------------------------------------------------------------- README screenshots


# The event the README's share cards are drawn for.
README_THEME = Theme(
    event="Social Media Summit 2027", hashtag="#SMSummit27", link="smsummit.example.com"
)


def _preview_follows(now, preview, timeout_s: float = 30) -> None:
    """The console's stage preview shows the view the console says is on the stage (each
    read of the console's heading, then the preview's, until they agree)."""
    deadline = time.monotonic() + timeout_s
    while True:
        title = now.inner_text().split(". ", 1)[-1]
        try:
            expect(preview.get_by_role("heading", name=title)).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def download_of(page: Page, button: Locator):
    """The file a download button gives. On a busy machine a click can land while the
    page is still settling and start nothing: a person presses again, and so does this."""
    for _ in range(2):
        try:
            with page.expect_download(timeout=10_000) as started:
                button.click()
            return started.value
        except PlaywrightTimeoutError:
            wait_ready(page)
    with page.expect_download() as started:
        button.click()
    return started.value


@pytest.mark.slow
def test_screenshots_for_the_readme(screenshot_server, new_page):
    """`make screenshots` (SURVEY_SCREENSHOTS=docs) refreshes docs/; otherwise artifacts/."""
    out = ROOT / "docs" if os.environ.get("SURVEY_SCREENSHOTS") == "docs" else ARTIFACTS
    out.mkdir(exist_ok=True)
    app_server = screenshot_server
    store = Store(questionnaire.load(QUESTIONNAIRE), app_server.db_path)
    code = store.create_session("Social Media Summit, Hall B")
    store.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(store.q, 60, seed=2026)])
    for answers in (SHY, KEEN, SHY, WARM):  # real people: a participant compares with these
        finish_in_store(store, code, answers)
    store.set_revealed(code, True)

    phone = new_page(PHONE)
    visit(phone, f"{app_server.url}/?s={code}")
    expect_page(phone, 1)
    questions = page_questions(phone)
    first_two = {questions[0]: "Often", questions[1]: "Very often"}
    for name, label in first_two.items():
        pick(phone, name, label)
    for name, label in first_two.items():  # see answer_questions_on_page
        if not answer_radio(phone, name, label).is_checked():
            pick(phone, name, label)
    phone.screenshot(path=out / "phone-survey.png")

    result = new_page(PHONE)
    take_survey(result, app_server.url, code, WARM)
    expect_result(result, WARM)
    result.get_by_text("Your share card, to download or share").click()
    download = result.get_by_role("button", name="Download my result (PNG)")
    expect(download).to_be_visible()
    wait_ready(result)
    result.locator(".profile-bars").screenshot(path=ARTIFACTS / "result-profile.png")
    # The README shows the result's top: opening the section scrolled the page to it.
    result.evaluate(
        """() => document
        .querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')
        .forEach(e => { e.scrollTop = 0; })"""
    )
    result.screenshot(path=out / "result.png")
    card = download_of(result, download)
    # This one, without a theme, is kept for the test run; the README's are an event's.
    (ARTIFACTS / "share-card.png").write_bytes(Path(card.path()).read_bytes())
    themed = replace(store.q, theme=README_THEME)
    for name, answers, size in (
        ("share-card.png", WARM, sharecard.SQUARE),
        ("share-card-wide.png", WARM, sharecard.WIDE),
        ("share-card-spectator.png", SHY, sharecard.SQUARE),
    ):
        mine = scoring.score(themed, answers)
        (out / name).write_bytes(sharecard.png(sharecard.card_for(themed, mine), size))

    # Through the sessions page, as a facilitator would on the laptop.
    laptop = new_page({"width": 1440, "height": 1000})
    sign_in(laptop, f"{app_server.url}/sessions")
    choose(laptop, "Session", code, then=console_link(laptop, code))
    console_link(laptop, code).click()
    laptop.get_by_role("button", name="Next →").click()  # the preview shows the split
    now = laptop.locator(".st-key-console-now h3")
    expect(now).to_have_text("2. Believers or spectators?")
    # The stage's own views are drawn for the README by test_stage_show.py.
    preview = laptop.frame_locator(".st-key-stage-preview iframe")
    _preview_follows(now, preview)
    wait_ready(laptop)
    laptop.screenshot(path=out / "console.png")
    store.close()

    export = new_page()
    sign_in(export, f"{app_server.url}/export")
    choose(export, "Sessions", code, then=export.get_by_text("First 10 rows of the export"))
    expect(export.locator('[data-testid="stDataFrame"]')).to_be_visible()
    export.screenshot(path=out / "export.png")

    sizes = {
        name: Image.open(out / name).size
        for name in (
            "phone-survey.png",
            "result.png",
            "console.png",
            "export.png",
        )
    }
    assert sizes["phone-survey.png"] == (390, 844)
    assert Image.open(ARTIFACTS / "share-card.png").size == (1080, 1080)
