"""Phones in the room: each page opens at its top, mistakes show where the participant
looks, the scale fits a small screen, nothing of the facilitator's shows, and the
result is worth keeping. Real Chromium at 360x740 and 390x844 unless said."""

from __future__ import annotations

import io
import re
from pathlib import Path

import axe_playwright_python
import pytest
import zxingcpp
from PIL import Image, ImageStat
from playwright.sync_api import Page, expect

from survey import demo, sharecard

from .helpers import (
    ARTIFACTS,
    ITEM_PAGES,
    KEEN,
    SCALE,
    SHY,
    TOTAL_PAGES,
    WARM,
    answer_questions_on_page,
    answer_radio,
    click_next,
    counts,
    expect_page,
    expect_result,
    expected,
    finish_in_store,
    page_questions,
    pick,
    result_figure,
    sign_in,
    stage_link_on,
    take_survey,
    token_of,
    visit,
    wait_ready,
)

pytestmark = pytest.mark.e2e

SMALL = {"width": 360, "height": 740}
PHONE = {"width": 390, "height": 844}
PHONES = [pytest.param(SMALL, id="360"), pytest.param(PHONE, id="390")]
FACILITATOR_PATHS = re.compile(r"/(sessions|console|stage|export)\b")
AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# What axe reports from Streamlit's own markup, not ours (README, "Accessibility").
STREAMLIT_OWN = {
    # The sidebar navigation (signed-in facilitators only): <ul> holding <div>s.
    "list": '[data-testid="stSidebarNav"]',
    "listitem": '[data-testid="stSidebarNav"]',
}


def phone(new_page, viewport: dict) -> Page:
    return new_page(viewport, is_mobile=True, has_touch=True)


def in_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 60) <= height


def focused(page: Page) -> str:
    return page.evaluate(
        "() => document.activeElement.tagName + ' ' + document.activeElement.innerText"
    )


# ---------------------------------------------------------------- where a page opens


@pytest.mark.parametrize("viewport", PHONES)
def test_after_next_the_new_page_opens_at_its_top_with_focus_on_its_heading(
    app_server, new_page, server_store, viewport
):
    code = server_store.create_session("Opens at the top")
    page = phone(new_page, viewport)
    visit(page, f"{app_server.url}/?s={code}")
    for k in range(1, ITEM_PAGES + 1):
        expect_page(page, k)
        answer_questions_on_page(page, WARM)
        click_next(page, k)
        progress = page.get_by_text(f"Page {k + 1} of {TOTAL_PAGES}", exact=True)
        expect(progress).to_be_in_viewport()
        if k < ITEM_PAGES:
            expect(page.get_by_role("radiogroup").first).to_be_in_viewport()
        else:
            expect(page.get_by_role("radiogroup", name="Your role")).to_be_in_viewport()
        assert in_viewport(page, progress)
        expect(page.locator("h1:focus")).to_have_count(1)
    click_next(page, TOTAL_PAGES)
    expect_result(page, WARM)
    expect(page.get_by_role("heading", name=re.compile("You're a"))).to_be_in_viewport()
    assert focused(page).startswith("H1 You're a")


@pytest.mark.parametrize("viewport", PHONES)
def test_a_missing_answer_is_said_and_marked_where_the_participant_is_looking(
    app_server, new_page, server_store, viewport
):
    code = server_store.create_session("Missing answer")
    page = phone(new_page, viewport)
    visit(page, f"{app_server.url}/?s={code}")
    expect_page(page, 1)
    questions = page_questions(page)
    skipped = questions[-2]
    given = {name: SCALE[2] for name in questions if name != skipped}
    for _ in range(3):  # see answer_questions_on_page: a late re-render can drop a click
        for name, label in given.items():
            if not answer_radio(page, name, label).is_checked():
                pick(page, name, label)
    page.get_by_role("button", name="Next").click()

    message = page.get_by_text("Please answer the question marked “Answer needed” to go on.")
    expect(message).to_be_in_viewport()
    marked = page.locator('[class*="st-key-missing-"]')
    expect(marked).to_have_count(1)
    expect(marked.get_by_role("radiogroup", name=skipped, exact=True)).to_be_in_viewport()
    expect(marked.get_by_text("Answer needed", exact=True)).to_be_in_viewport()
    expect_page(page, 1)
    for name, label in given.items():  # the answers already given are kept
        expect(answer_radio(page, name, label)).to_be_checked()


# ---------------------------------------------------------------- the scale on a small screen


@pytest.mark.parametrize("viewport", PHONES)
def test_every_questions_answers_lie_on_one_row_or_one_column_big_enough_to_tap(
    app_server, new_page, server_store, viewport
):
    code = server_store.create_session("Scale layout")
    page = phone(new_page, viewport)
    visit(page, f"{app_server.url}/?s={code}")
    problems = []
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        for group in page.get_by_role("radiogroup").all():
            name = group.get_attribute("aria-label")
            labels = group.get_by_test_id("stRadioOption")
            boxes = [b.bounding_box() for b in labels.all()]
            tops = {round(b["y"]) for b in boxes}
            lefts = {round(b["x"]) for b in boxes}
            if not (max(tops) - min(tops) <= 2 or max(lefts) - min(lefts) <= 2):
                problems.append(f"page {k}, {name!r}: options neither on one row nor one column")
            small = [b for b in boxes if b["height"] < 44 or b["width"] < 44]
            if small:
                problems.append(f"page {k}, {name!r}: {len(small)} options under 44 px")
            text = [
                t.evaluate("p => p.scrollWidth > p.clientWidth + 1")
                for t in labels.locator("p").all()
            ]
            if any(text):
                problems.append(f"page {k}, {name!r}: an option's label is cut off")
            if group.get_by_role("radio", checked=True).count():
                problems.append(f"page {k}, {name!r}: an answer is pre-selected")
        if k <= ITEM_PAGES:
            answer_questions_on_page(page, SHY)
        if k < TOTAL_PAGES:
            click_next(page, k)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- nothing of the facilitator's


def facilitator_links(page: Page) -> list[str]:
    """Links to a facilitator page anywhere in the document, shown or not."""
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    return [h for h in hrefs if FACILITATOR_PATHS.search(h.split("?")[0])]


def tab_stops(page: Page, n: int = 40) -> list[str]:
    page.locator("body").focus()
    stops = []
    for _ in range(n):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("() => document.activeElement.href || ''"))
    return stops


def test_participant_pages_have_no_link_to_a_facilitator_page_visible_or_focusable(
    app_server, new_page, server_store
):
    code = server_store.create_session("No facilitator links")
    page = phone(new_page, PHONE)
    visit(page, f"{app_server.url}/")
    found = {
        "join": facilitator_links(page)
        + [h for h in tab_stops(page) if FACILITATOR_PATHS.search(h)]
    }
    visit(page, f"{app_server.url}/?s={code}")
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        found[f"page {k}"] = facilitator_links(page)
        if k <= ITEM_PAGES:
            answer_questions_on_page(page, KEEN)
        click_next(page, k)
    expect_result(page, KEEN)
    found["result"] = facilitator_links(page) + [
        h for h in tab_stops(page, 60) if FACILITATOR_PATHS.search(h)
    ]
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert not any(found.values()), found

    # The facilitator's pages are still there at their URLs, and link to each other once
    # signed in.
    desk = new_page()
    sign_in(desk, f"{app_server.url}/sessions")
    nav = desk.get_by_test_id("stSidebarNav")
    for name in ("Sessions", "Console", "Export"):
        expect(nav.get_by_role("link", name=name)).to_have_count(1)


# ---------------------------------------------------------------- the result worth keeping


def test_the_share_card_downloads_as_a_png_that_says_what_the_result_says(
    app_server, new_page, server_store
):
    code = server_store.create_session("Share card")
    page = phone(new_page, PHONE)
    take_survey(page, app_server.url, code, KEEN)
    expect_result(page, KEEN)
    klass, score = expected(KEEN)

    # The card is made when its section is opened, not with every result.
    expect(page.get_by_role("img", name=re.compile("^Your share card"))).to_have_count(0)
    page.get_by_text("Your share card, to download or share").click()
    card = page.get_by_role("img", name=re.compile("^Your share card"))
    expect(card).to_be_visible()
    alt = card.get_attribute("alt")
    assert f"I'm a {klass}" in alt and score in alt and "I'm not alone" in alt
    assert token_of(page) not in alt and code not in alt
    bars = page.get_by_role("progressbar").all()
    assert bars, "the result has its profile"
    for bar in bars:  # the card's profile says the same as the page's bars
        name, you = re.match(r"(.+?): you (\d+)", bar.get_attribute("aria-label")).groups()
        assert f"{name} {you}" in alt

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my result (PNG)").click()
    assert download.value.suggested_filename == sharecard.FILE_NAME
    data = Path(download.value.path()).read_bytes()
    (ARTIFACTS / "share-card.png").write_bytes(data)
    img = Image.open(io.BytesIO(data))
    assert (img.format, img.size) == ("PNG", (1080, 1080))
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 20, "the card is blank"

    # The private link, with the language it was read in when it carries one (&l=en).
    link = page.get_by_text(re.compile(r"\?s=\w+&p=[\w-]+(&l=[\w-]+)?$"))
    expect(link).to_have_text(re.compile(rf"p={re.escape(token_of(page))}(&l=[\w-]+)?$"))
    expect(page.get_by_text("Keep this link to see your result later:")).to_be_visible()
    page.get_by_text("Your link as a QR code").click()
    qr = page.get_by_role("img", name="QR code of your private link")
    expect(qr).to_be_visible()
    # Served as drawn, a lossless PNG (a JPEG blurs the modules), and it opens the link.
    served = page.request.get(qr.evaluate("img => img.src"))
    assert served.headers["content-type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(served.body())))
    assert [f.text for f in found] == [link.inner_text()]


def test_the_share_button_hands_the_card_to_the_phones_share_sheet(
    app_server, new_page, server_store
):
    code = server_store.create_session("Share sheet")
    page = phone(new_page, PHONE)
    # Headless Chromium has no share sheet: stand in for one and record what it gets.
    page.add_init_script(
        "navigator.canShare = () => true; navigator.share = async d => {"
        " window.__shared = d.files.map(f => [f.name, f.type, f.size]) };"
    )
    take_survey(page, app_server.url, code, SHY)
    expect_result(page, SHY)
    page.get_by_text("Your share card, to download or share").click()
    page.get_by_role("button", name="Share my result").click()
    page.wait_for_function("() => window.__shared")
    [[name, kind, size]] = page.evaluate("() => window.__shared")
    assert (name, kind) == (sharecard.FILE_NAME, "image/png")
    # The whole card, as the download button gives it, not the 320 px picture on the page.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my result (PNG)").click()
    assert size == Path(download.value.path()).stat().st_size


def test_delete_my_answers_removes_the_row_and_the_link_then_offers_a_fresh_start(
    app_server, new_page, server_store
):
    code = server_store.create_session("Delete my answers")
    page = phone(new_page, SMALL)
    take_survey(page, app_server.url, code, WARM)
    expect_result(page, WARM)
    link = page.url
    assert counts(server_store, code) == (1, 0)

    page.get_by_role("button", name="Delete my answers").click()
    yes = page.get_by_role("button", name="Yes, delete them")
    expect(yes).to_have_attribute("data-testid", "stBaseButton-secondary")
    expect(yes).to_have_css("color", "rgb(164, 38, 44)")  # outlined in red: it destroys
    expect(page.get_by_role("button", name="Keep them")).to_be_visible()
    yes.click()
    expect(page.get_by_text("Your answers were deleted")).to_be_visible()
    expect_page(page, 1)
    assert counts(server_store, code) == (0, 0)
    assert server_store.get_response(link.split("p=")[1]) is None

    visit(page, link)
    expect(page.get_by_text("We could not find answers for that link")).to_be_visible()
    expect(page.get_by_role("textbox", name="Session code")).to_be_visible()


@pytest.mark.parametrize("viewport", [pytest.param(SMALL, id="360")])
def test_a_closed_sessions_link_offers_no_other_session(
    app_server, new_page, server_store, viewport
):
    code = server_store.create_session("Closed before the latecomer came")
    server_store.set_open(code, False)
    page = phone(new_page, viewport)
    visit(page, f"{app_server.url}/?s={code}")
    expect(page.get_by_text(f"The session {code} is closed")).to_be_visible()
    wait_ready(page)
    expect(page.get_by_role("button", name=re.compile("open session"))).to_have_count(0)
    assert f"s={code}" in page.url, "the link still names the session on the screen"
    page.reload()
    expect(page.get_by_text(f"The session {code} is closed")).to_be_visible()
    wait_ready(page)
    expect(page.get_by_role("button", name=re.compile("open session"))).to_have_count(0)


@pytest.mark.parametrize("viewport", PHONES)
def test_the_result_marks_the_participant_on_the_rooms_scores_within_two_screens(
    app_server, new_page, server_store, viewport
):
    code = server_store.create_session("Where you stand")
    for answers in (SHY, WARM, SHY, KEEN, WARM):
        finish_in_store(server_store, code, answers)
    page = phone(new_page, viewport)
    take_survey(page, app_server.url, code, WARM)
    expect_result(page, WARM)
    _, score = expected(WARM)

    picture = page.get_by_role("img", name=re.compile("^The room's scores"))
    expect(picture).to_be_visible()
    you = page.locator(".standing-you")
    expect(you).to_have_text(re.compile(rf"^You · {score.split()[0]}$"))
    box = you.bounding_box()
    assert box["y"] + box["height"] <= 2 * viewport["height"], "within the first two screens"
    plot = page.locator(".standing-plot").bounding_box()
    assert plot["y"] + plot["height"] <= 2 * viewport["height"]
    # The labels stay inside the picture and clear of each other.
    frame = picture.bounding_box()
    labels = [you, page.locator(".standing-threshold span")]
    boxes = [b.bounding_box() for b in labels]
    for b in boxes:
        assert frame["x"] - 1 <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
    a, b = boxes
    assert a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"], "labels overlap"
    expect(page.get_by_text(re.compile("counted in this session so far"))).to_be_visible()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)


def test_a_retake_counts_once_and_demo_rows_stay_out_of_the_percentile(
    app_server, new_page, server_store
):
    code = server_store.create_session("Counting once")
    server_store.insert_many(code, demo.responses(server_store.q, 40, seed=8))
    others = [finish_in_store(server_store, code, a) for a in (SHY, WARM)]  # real people
    page = phone(new_page, PHONE)
    take_survey(page, app_server.url, code, KEEN)
    expect_result(page, KEEN)
    # KEEN beats both real others: 2 of the 3 real people; the 40 demo rows do not count.
    sentence = "You scored higher than 67% of the 3 people counted in this session so far."
    expect(page.get_by_text(sentence)).to_be_visible()

    page.get_by_role("button", name="Take it again").click()
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        if k <= ITEM_PAGES:
            answer_questions_on_page(page, SHY)
        click_next(page, k)
    expect_result(page, SHY)
    assert counts(server_store, code) == (40 + 3, 0)
    rows = server_store.rows(code, columns=["token", "status", "is_demo"])[1]
    real = [r for r in rows if not r[2]]
    assert sorted(r[1] for r in real) == ["complete"] * 3 + ["superseded"]
    assert {r[0] for r in real if r[1] == "complete"} >= set(others)
    # The room's only step held their first try: comparing with it again would swap one
    # try for the other, so the comparison waits for k (3 here) finishers never counted.
    expect(page.get_by_text("2 more responses needed before you can compare")).to_be_visible()
    for answers in (KEEN, WARM):
        finish_in_store(server_store, code, answers)
    page.get_by_role("button", name="Check again").click()
    counted = re.compile(r"of the 5 people counted in this session", re.IGNORECASE)
    expect(page.get_by_text(counted)).to_be_visible()


# ---------------------------------------------------------------- accessibility


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page, less Streamlit's own."""
    wait_ready(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        # heading-order is "moderate", but a skipped level misleads a screen reader's outline.
        if v["impact"] not in ("serious", "critical") and v["id"] != "heading-order":
            continue
        ours = [
            n
            for n in v["nodes"]
            if not (v["id"] in STREAMLIT_OWN and page.locator(STREAMLIT_OWN[v["id"]]).count())
        ]
        found += [f"{v['id']}: {n['target']} {n['failureSummary'][:160]}" for n in ours]
    return found


def test_axe_finds_no_serious_violations_on_our_pages(app_server, new_page, server_store):
    code = server_store.create_session("Accessibility")
    page = phone(new_page, PHONE)
    report = {}
    visit(page, f"{app_server.url}/")
    report["join"] = axe_violations(page)
    visit(page, f"{app_server.url}/?s={code}")
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        report[f"survey page {k}"] = axe_violations(page)
        if k <= ITEM_PAGES:
            answer_questions_on_page(page, WARM)
        click_next(page, k)
    expect_result(page, WARM)
    report["result"] = axe_violations(page)
    # Each section is made when opened, in a rerun: open the next once the first is drawn.
    page.get_by_text("Your share card, to download or share").click()
    page.get_by_role("button", name="Download my result (PNG)").wait_for()
    wait_ready(page)
    page.get_by_text("Your link as a QR code").click()
    page.get_by_role("img", name="QR code of your private link").wait_for()
    report["result, card and QR code open"] = axe_violations(page)

    desk = new_page()
    visit(desk, f"{app_server.url}/sessions")
    report["sign-in"] = axe_violations(desk)
    sign_in(desk, f"{app_server.url}/sessions")
    expect(desk.get_by_role("button", name="Create session")).to_be_visible()
    report["sessions"] = axe_violations(desk)
    # Through the sidebar's menu, as a facilitator moves between pages.
    desk.get_by_test_id("stExpandSidebarButton").click()
    desk.get_by_test_id("stSidebarNav").get_by_role("link", name="Export").click()
    expect(desk.get_by_role("button", name="Download codebook (CSV)")).to_be_visible()
    report["export"] = axe_violations(desk)
    visit(desk, f"{app_server.url}/console?s={code}")  # still signed in: the cookie
    stage_url = stage_link_on(desk)
    report["console"] = axe_violations(desk)
    projector = new_page({"width": 1920, "height": 1080})
    visit(projector, app_server.url + stage_url[stage_url.index("/stage?") :])
    expect(projector.get_by_role("heading", name=code, exact=True)).to_be_visible()
    report["stage"] = axe_violations(projector)
    assert not any(report.values()), "\n".join(f"{k}: {v}" for k, v in report.items() if v)


def test_a_keyboard_alone_goes_from_joining_to_the_result(app_server, new_page, server_store):
    code = server_store.create_session("Keyboard only")
    page = new_page(PHONE)
    visit(page, f"{app_server.url}/")
    keys = page.keyboard

    def tab_to(predicate_js: str, limit: int = 60) -> None:
        for _ in range(limit):
            keys.press("Tab")
            if page.evaluate(predicate_js):
                return
        pytest.fail(f"Tab never reached {predicate_js}")

    tab_to(
        "() => document.activeElement.getAttribute('aria-label') === 'Session code' || "
        "(document.activeElement.labels?.[0]?.innerText || '').includes('Session code')"
    )
    keys.type(code)
    keys.press("Enter")
    expect_page(page, 1)
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        if k <= ITEM_PAGES:
            for name in page_questions(page):
                # Tab onto the group, then the arrow keys choose within it.
                tab_to(
                    "() => document.activeElement.type === 'radio' && document.activeElement"
                    f".closest('[role=radiogroup]').getAttribute('aria-label') === {name!r}"
                )
                keys.press("ArrowRight")
                keys.press("ArrowLeft")
                keys.press("ArrowRight")
                group = page.get_by_role("radiogroup", name=name, exact=True)
                expect(group.get_by_role("radio", checked=True)).to_have_count(1)
        label = "See my result" if k == TOTAL_PAGES else "Next"
        tab_to(f"() => document.activeElement.innerText === {label!r}")
        keys.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^You're a"))).to_be_visible()
    expect(result_figure(page, "Your score")).to_be_visible()
