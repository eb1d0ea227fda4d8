"""The stage as a show, in real Chromium at three projector sizes: before the reveal,
after it and after the close, every view is readable from the back of a hall (nothing
overlaps, no small type, one font, no half-empty screen), invites latecomers while the
session is open and never once it is closed; and "Close in 60 s" counts down in big
digits, once a second."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from survey import demo, questionnaire
from survey import stage as core
from survey.store import Store, iso

from .helpers import ARTIFACTS, ROOT, AppServer, on_view, stage_url, wait_ready

pytestmark = pytest.mark.e2e

SCREENS = [(1920, 1080), (1280, 720), (1024, 768)]
MIN_PX_AT_1080 = 20  # the floor, scaled by the screen's height
MAX_BLANK_BAND = 0.40  # of the height: no half-empty screens
COUNTDOWN_MIN_HEIGHT = 0.11  # the digits' share of the screen's height
TITLE = "Summit Hall B"  # no "join" or "scan" in it: those words mean an invitation

# Every line of text on screen as a box: HTML text nodes line by line (a Range's client
# rects), chart text line by line (a multi-line Plotly label is one <text> of <tspan>s),
# with its computed size and font. Only what is on screen and not transparent counts.
TEXT_BOXES_JS = """() => {
  const out = [];
  const onScreen = r => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
    && r.left < innerWidth && r.top < innerHeight;
  const shown = el => {  // not hidden, and not "visually hidden" (a skip link's 1px box)
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e), r = e.getBoundingClientRect();
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
      if (s.position === 'absolute' && (r.width <= 1 || r.height <= 1)) return false;
      if (s.clip !== 'auto' && s.clip !== '') return false;
    }
    return true;
  };
  const add = (el, rect, text) => {
    const s = getComputedStyle(el);
    out.push({text: text.trim().slice(0, 40), x: rect.left, y: rect.top, w: rect.width,
      h: rect.height, size: parseFloat(s.fontSize), font: s.fontFamily});
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('svg, script, style')) continue;
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (onScreen(r)) add(el, r, n.textContent);
  }
  for (const t of document.querySelectorAll('.js-plotly-plot svg text')) {
    if (!t.textContent.trim() || !shown(t)) continue;
    const lines = t.querySelectorAll('tspan.line');
    for (const part of (lines.length ? lines : [t])) {
      const r = part.getBoundingClientRect();
      if (onScreen(r) && part.textContent.trim()) add(t, r, part.textContent);
    }
  }
  return out;
}"""


def overlaps(boxes: list[dict]) -> list[str]:
    """Pairs of text lines that run into each other. A line's box is its font's whole
    height, taller than the ink when lines are set tight, so the middle 60% is compared."""
    cut = [
        (b, b["x"] + 1, b["y"] + 0.2 * b["h"], b["x"] + b["w"] - 1, b["y"] + 0.8 * b["h"])
        for b in boxes
    ]
    found = []
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(cut):
        for b, bx0, by0, bx1, by1 in cut[i + 1 :]:
            if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                found.append(f"{a['text']!r} runs into {b['text']!r}")
    return found


def family(css: str) -> str:
    return css.split(",")[0].strip().strip("\"'").lower()


def blank_band(page: Page) -> float:
    """The tallest run of rows with nothing drawn on them, as a share of the height."""
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("L"))
    blank_rows = (shot[:, ::4] > 245).all(axis=1)  # every 4th pixel of each row
    longest = run = 0
    for blank in blank_rows:
        run = run + 1 if blank else 0
        longest = max(longest, run)
    return longest / len(blank_rows)


def problems_on(page: Page, view: core.View, state: str, code: str) -> list[str]:
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    name = f"{view.id} ({state}) at {width}x{height}"
    boxes = page.evaluate(TEXT_BOXES_JS)
    found = [f"{name}: {o}" for o in overlaps(boxes)]
    floor = MIN_PX_AT_1080 * height / 1080
    found += [f"{name}: {b['text']!r} is {b['size']}px" for b in boxes if b["size"] < floor - 0.5]
    fonts = {family(b["font"]) for b in boxes}
    if len(fonts) > 1:
        found.append(f"{name}: more than one font: {sorted(fonts)}")
    if (band := blank_band(page)) > MAX_BLANK_BAND:
        found.append(f"{name}: a blank band {band:.0%} of the height")
    text = " ".join(b["text"] for b in boxes)
    qr = page.locator('img[alt^="QR code"]').count()
    if state == "closed":
        invites = ("join at", "scan the", "session code")  # an item may say "join", though
        if any(words in text.lower() for words in invites) or qr or code in text:
            found.append(f"{name}: invites people to join a closed session: {text[:200]}")
        if "This session is closed" not in text:
            found.append(f"{name}: does not say the session is closed")
    elif code not in text:
        found.append(f"{name}: no join code while the session is open")
    return found


@pytest.fixture(scope="module")
def room(server_store: Store) -> str:
    code = server_store.create_session(TITLE)
    server_store.insert_many(code, demo.responses(server_store.q, 40, seed=24))
    server_store.save_page(code, None, {server_store.q.items[0].id: 3})  # one still answering
    return code


@pytest.fixture(scope="module")
def screens(browser: Browser, app_server: AppServer, server_store: Store, room) -> Iterator:
    """One page per projector size, kept for the module: the stage follows the database,
    so every state and view is reached without reloading."""
    contexts = [browser.new_context(viewport={"width": w, "height": h}) for w, h in SCREENS]
    pages = [ctx.new_page() for ctx in contexts]
    for page in pages:
        page.goto(stage_url(app_server, server_store, room))
        wait_ready(page)
    yield pages
    for ctx in contexts:
        ctx.close()


STATES = {  # (is_open, revealed)
    "before the reveal": (True, False),
    "after the reveal": (True, True),
    "closed": (False, True),
}


@pytest.mark.parametrize("state", list(STATES))
def test_every_view_at_every_size_reads_from_the_back_of_the_hall(
    server_store, room, screens, state
):
    is_open, revealed = STATES[state]
    server_store.set_open(room, is_open)
    server_store.set_revealed(room, revealed)
    problems = []
    for view in core.views(server_store.q):
        server_store.set_stage(room, view=view.id)
        for page in screens:
            expect(
                on_view(page, view, room)
                if is_open or view.kind != "join"
                else page.get_by_role("heading", name="This session is closed")
            ).to_be_visible()
            if view.needs_results and revealed and view.kind != "split":
                expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        time.sleep(1.6)  # one more poll (the state may have arrived with the view), and
        # the reveal's animation (1.2 s) is over before anything is measured
        for page in screens:
            wait_ready(page)
            problems += problems_on(page, view, "closed" if not is_open else state, room)
    assert not problems, "\n".join(problems)


def test_close_in_60_s_counts_down_in_digits_the_hall_can_read(server_store, new_page, app_server):
    code = server_store.create_session("Countdown")
    server_store.set_stage(code, closes_at=iso(datetime.now(UTC) + timedelta(seconds=60)))
    page = new_page({"width": 1280, "height": 720})
    page.goto(stage_url(app_server, server_store, code))
    digits = page.locator(".stage-countdown-digits")
    expect(digits).to_be_visible()

    seen = []
    started = time.monotonic()
    while time.monotonic() - started < 5:
        seen.append(digits.inner_text(timeout=2000))
        page.wait_for_timeout(100)
    values = [int(v) for v in dict.fromkeys(seen)]  # in order, each once
    assert any(
        values[i : i + 4] == list(range(values[i], values[i] - 4, -1)) for i in range(len(values))
    ), f"the digits went {values}: not four consecutive seconds"
    box = digits.bounding_box()
    assert box["height"] >= COUNTDOWN_MIN_HEIGHT * 720, box
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector"
        "('.stage-countdown-digits')).fontSize)"
    )
    assert size >= COUNTDOWN_MIN_HEIGHT * 720, size


def test_when_the_countdown_ends_the_stage_says_closed_and_invites_nobody(
    server_store, new_page, app_server
):
    code = server_store.create_session("Countdown end")
    server_store.insert_many(code, demo.responses(server_store.q, 10, seed=25))
    server_store.set_stage(
        code, view="split", closes_at=iso(datetime.now(UTC) + timedelta(seconds=3))
    )
    page = new_page({"width": 1920, "height": 1080})
    page.goto(stage_url(app_server, server_store, code))
    # At zero the digits say Closed until the next poll closes the session (within a
    # poll: the screen may go straight to the closed strip).
    expect(page.locator(".stage-countdown-digits")).to_be_visible()
    expect(page.get_by_text("This session is closed", exact=True)).to_be_visible(timeout=10_000)
    expect(page.locator('img[alt^="QR code"]')).to_have_count(0)
    expect(page.get_by_text(code)).to_have_count(0)
    expect(page.get_by_text("Believers · ", exact=False)).to_be_visible()  # and the results


# ---------------------------------------------------------------- README screenshots


@pytest.mark.slow
def test_stage_screenshots_for_the_readme(screenshot_server, new_page):
    """`make screenshots` (SURVEY_SCREENSHOTS=docs) refreshes docs/stage-*.png at 1920x1080:
    every view after the reveal, and a waiting view, the countdown and the close."""
    out = ROOT / "docs" if os.environ.get("SURVEY_SCREENSHOTS") == "docs" else ARTIFACTS
    out.mkdir(exist_ok=True)
    store = Store(
        questionnaire.load(ROOT / "data" / "questionnaire.toml"), screenshot_server.db_path
    )
    code = store.create_session("Social Media Summit, Hall B")
    store.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(store.q, 64, seed=2026)])
    for _ in range(3):
        store.save_page(code, None, {store.q.items[0].id: 4})  # still answering
    page = new_page({"width": 1920, "height": 1080})
    page.goto(stage_url(screenshot_server, store, code))
    wait_ready(page)

    def shoot(name: str, view: core.View, ready) -> None:
        store.set_stage(code, view=view.id)
        expect(ready).to_be_visible()
        page.wait_for_timeout(1800)  # a poll, and the reveal's animation
        wait_ready(page)
        page.screenshot(path=out / f"stage-{name}.png")

    views = {v.id: v for v in core.views(store.q)}
    shoot("waiting", views["split"], page.get_by_text("Results coming…"))
    store.set_stage(code, closes_at=iso(datetime.now(UTC) + timedelta(seconds=60)))
    shoot("countdown", views["join"], page.locator(".stage-countdown-digits"))
    store.set_stage(code, closes_at=None)
    store.set_revealed(code, True)
    for view in views.values():
        shoot(view.id, view, on_view(page, view, code))
    store.set_open(code, False)
    shoot("closed", views["distribution"], page.get_by_text("This session is closed"))
    store.close()
    assert {Image.open(p).size for p in out.glob("stage-*.png")} == {(1920, 1080)}
