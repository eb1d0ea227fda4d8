"""The projector's stage in real Chromium: every view fits the screen with no chrome,
the keys and clicker move it, the console reaches it live, and a bad link shows nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from survey import demo, i18n, questionnaire, stage_text
from survey import stage as core
from survey.store import Store

from .helpers import ROOT, AppServer, on_view, sign_in, stage_url, visit, wait_ready

pytestmark = pytest.mark.e2e

SCREENS = [(1920, 1080), (1280, 720), (1024, 768)]
# German, the longest of the shipped languages, with French under the join view's lines.
GERMAN = [(1920, 1080, "de", "fr"), (1024, 768, "de", "fr")]
FITS = [(w, h, "en", "") for w, h in SCREENS] + GERMAN
QUESTIONNAIRE = ROOT / "data" / "questionnaire.toml"

# Anything on the page that scrolls: the document, or a scrolling box inside it
# (Streamlit scrolls its main area, so the document alone would always "fit").
SCROLLERS_JS = """() => [document.documentElement, ...document.querySelectorAll('*')]
  .filter(e => {
    const s = getComputedStyle(e), box = e === document.documentElement;
    const scrolls = v => box || v === 'auto' || v === 'scroll';
    return (scrolls(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
        || (scrolls(s.overflowX) && e.scrollWidth > e.clientWidth + 1);
  })
  .map(e => `${e.tagName}.${e.dataset.testid || ''} ${e.scrollWidth}x${e.scrollHeight}`
    + ` in ${e.clientWidth}x${e.clientHeight}`)"""

VISIBLE_CONTROLS_JS = """() => [...document.querySelectorAll(
    'input, textarea, select, [data-testid=stSidebar], [data-testid=stHeader], .modebar'
  )].filter(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
      && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight; })
  .map(e => e.tagName + '.' + (e.dataset.testid || e.className))"""

FONT_SIZES_JS = """selector => Object.fromEntries([...document.querySelectorAll(selector)]
  .map(e => [e.textContent, parseFloat(getComputedStyle(e).fontSize)]))"""

SMALLEST_CHART_TEXT_JS = """() => Math.min(...[...document.querySelectorAll(
    '[data-testid=stPlotlyChart] .main-svg text')]
  .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
  .map(t => parseFloat(getComputedStyle(t).fontSize)))"""

# Tick labels and axis titles that stick out of their chart's box (the browser clips them).
CUT_LABELS_JS = """() => [
    ...document.querySelectorAll('[data-testid=stPlotlyChart]')
].flatMap((chart, i) => {
    const box = chart.getBoundingClientRect();
    return [...chart.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')]
        .filter(label => {
            const r = label.getBoundingClientRect();
            return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        })
        .map(label => `chart ${i + 1}: ${label.textContent}`);
})"""


# Labels on top of each other: an item's lines running into the next item's, or the join
# view's words running under its QR code (German is long).
OVERLAPS_JS = """() => {
  // Boxes of text include the font's ascent and descent (32 px for 24 px type): two
  // labels set close share 0.36 of a box at 1280x720 with no ink touching, so a line must
  // cover half of another's box to count as on top of it.
  const meet = (a, b, share) => a.left < b.right - 1 && b.left < a.right - 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > share * Math.min(a.height, b.height);
  const out = [];
  document.querySelectorAll('[data-testid=stPlotlyChart]').forEach((chart, i) => {
    // A label of several lines is one <text> of <tspan class="line">: compare line by line.
    const lines = [...chart.querySelectorAll('.ytick text')].flatMap((t, n) => {
      const parts = t.querySelectorAll('tspan.line');
      return [...(parts.length ? parts : [t])]
        .map(e => [n, e.textContent, e.getBoundingClientRect()]);
    }).filter(([, , r]) => r.width > 0);
    lines.forEach(([n, a, ra], j) => lines.slice(j + 1).forEach(([m, b, rb]) => {
      if (n !== m && meet(ra, rb, 1 / 2)) out.push(`chart ${i + 1}: "${a}" on "${b}"`);
    }));
  });
  const qr = document.querySelector('.st-key-stage-qr img');
  if (qr) {
    const rq = qr.getBoundingClientRect();
    document.querySelectorAll('.st-key-stage-join-text p, .st-key-stage-join-text h1')
      .forEach(e => meet(e.getBoundingClientRect(), rq, 0) && out.push(`${e.textContent} on QR`));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server_store(app_server: AppServer) -> Store:
    s = Store(questionnaire.load(QUESTIONNAIRE), app_server.db_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def views(server_store) -> list[core.View]:
    return core.views(server_store.q)


def spoken(page, view: core.View, code: str, language: str):
    """What only this view shows, as a stage speaking `language` says it."""
    with i18n.language(language):
        if view.kind == "closing":
            return page.get_by_role("heading", name=stage_text.closing_line())
        return on_view(page, view, code)


@pytest.mark.parametrize(
    "width,height,language,second", FITS, ids=[f"{w}x{h}-{lang}" for w, h, lang, _s in FITS]
)
def test_every_view_fits_the_screen_with_no_chrome_and_type_for_the_back_of_the_hall(
    app_server, new_page, server_store, views, width, height, language, second
):
    code = server_store.create_session(f"Fits {width}x{height}")
    server_store.insert_many(code, demo.responses(server_store.q, 40, seed=3))
    server_store.set_revealed(code, True)
    server_store.set_languages(code, language, second)
    page = new_page({"width": width, "height": height})
    visit(page, stage_url(app_server, server_store, code))
    problems = []
    for view in views:
        server_store.set_stage(code, view=view.id)
        expect(spoken(page, view, code, language)).to_be_visible()
        if view.needs_results and view.kind != "split":
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=30_000)
        wait_ready(page)
        name = f"{view.id} at {width}x{height} in {language}"
        if scrolls := page.evaluate(SCROLLERS_JS):
            problems.append(f"{name} scrolls: {scrolls}")
        if controls := page.evaluate(VISIBLE_CONTROLS_JS):
            problems.append(f"{name} shows controls or chrome: {controls}")
        if cut := page.evaluate(CUT_LABELS_JS):
            problems.append(f"{name} cuts chart labels: {cut}")
        if overlaps := page.evaluate(OVERLAPS_JS):
            problems.append(f"{name} overlaps: {overlaps}")
        if (width, height) != (1920, 1080):
            continue
        # One evaluate each: the stage redraws every poll, so a held element goes stale.
        if view.kind == "join":
            size = page.evaluate(FONT_SIZES_JS, ".st-key-stage-join h1")
            if min(size.values(), default=0) < 96:
                problems.append(f"the join code is {size}")
        for number, size in page.evaluate(FONT_SIZES_JS, "[data-testid=stMetricValue] p").items():
            if size < 64:
                problems.append(f"{name}: the number {number} is {size}px")
        if page.locator(".js-plotly-plot").count():
            smallest = page.evaluate(SMALLEST_CHART_TEXT_JS)
            if smallest < 24:
                problems.append(f"{name}: chart text as small as {smallest}px")
    assert not problems, "\n".join(problems)


def test_the_keys_and_a_clicker_move_the_stage_and_home_goes_to_join(
    app_server, new_page, server_store, views
):
    code = server_store.create_session("Clicker")
    server_store.insert_many(code, demo.responses(server_store.q, 10, seed=4))
    server_store.set_revealed(code, True)
    page = new_page({"width": 1280, "height": 720})
    visit(page, stage_url(app_server, server_store, code))
    by_id = {v.id: v for v in views}
    expect(on_view(page, by_id["join"], code)).to_be_visible()
    # Streamlit 1.67's frontend re-renders a freshly loaded page about half a second after
    # its first run and a key pressed in between is lost (nobody presses a clicker then).
    page.wait_for_timeout(1000)

    for key, view in [
        ("PageDown", "split"),  # what a presenter clicker sends
        ("ArrowRight", "distribution"),
        ("Space", "profile"),
        ("PageUp", "distribution"),
        ("ArrowLeft", "split"),
        ("Home", "join"),
    ]:
        wait_ready(page)
        page.keyboard.press(key)
        expect(on_view(page, by_id[view], code)).to_be_visible()


def test_a_console_change_reaches_an_open_stage_without_a_reload_and_a_reload_asks_nothing(
    app_server, new_page, server_store, views
):
    code = server_store.create_session("Live console")
    server_store.insert_many(code, demo.responses(server_store.q, 10, seed=5))
    stage = new_page({"width": 1920, "height": 1080})
    visit(stage, stage_url(app_server, server_store, code))
    expect(on_view(stage, views[0], code)).to_be_visible()
    stage.evaluate("window.__sameDocument = true")  # gone if the page reloads

    laptop = new_page()
    sign_in(laptop, f"{app_server.url}/console?s={code}")
    expect(laptop.get_by_role("button", name="Next →")).to_be_visible()
    laptop.get_by_role("button", name="Next →").click()
    expect(on_view(stage, views[1], code)).to_be_visible()
    expect(stage.get_by_text("Results coming")).to_be_visible()

    wait_ready(laptop)
    laptop.get_by_text("Show results on the stage", exact=True).click()
    expect(stage.get_by_text(re.compile(r"^Believers · \d+$"))).to_be_visible()
    assert stage.evaluate("window.__sameDocument === true"), "the stage reloaded"

    stage.reload()  # F5 on the projector
    wait_ready(stage)
    expect(stage.get_by_text(re.compile(r"^Believers · \d+$"))).to_be_visible()
    expect(stage.get_by_label("Passcode")).to_have_count(0)
    expect(stage.get_by_text("Facilitator sign-in")).to_have_count(0)


def test_a_tampered_or_other_sessions_token_shows_no_counts_and_no_chart(
    app_server, new_page, server_store
):
    a = server_store.create_session("Room A")
    b = server_store.create_session("Room B, private")
    server_store.insert_many(b, demo.responses(server_store.q, 20, seed=6))
    server_store.set_revealed(b, True)
    token_a, token_b = server_store.stage(a)["token"], server_store.stage(b)["token"]
    tampered = token_b[:-2] + ("AA" if not token_b.endswith("AA") else "BB")

    for code, token in [(b, tampered), (b, token_a), (b, "")]:
        page = new_page({"width": 1920, "height": 1080})
        visit(
            page,
            stage_url(app_server, server_store, code, token)
            if token
            else f"{app_server.url}/stage?s={code}",
        )
        expect(page.get_by_text("This stage link is not valid")).to_be_visible()
        expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(0)
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        expect(page.locator('[data-testid="stImage"]')).to_have_count(0)
        expect(page.get_by_text("Room B, private")).to_have_count(0)
        expect(page.get_by_text(b)).to_have_count(0)
