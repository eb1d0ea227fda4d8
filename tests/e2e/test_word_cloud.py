"""The room's "why", live: three participants answer the open question, the facilitator
moderates the queue on the console (one phrase hidden, two approved), and the stage's
word cloud shows exactly the approved words (how fast: bench/live.py), at 1920x1080 and 1024x768,
whole on the screen and clear of the heading and the strip; a blocked word never shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    ARTIFACTS,
    ITEM_PAGES,
    KEEN,
    SHY,
    TOTAL_PAGES,
    WARM,
    answer_questions_on_page,
    click_next,
    expect_page,
    sign_in,
    stage_url,
    visit,
    wait_ready,
)

pytestmark = pytest.mark.e2e

QUESTION = "In a few words: what do you get out of social media?"
ANSWERS = [
    (KEEN, "Constant learning"),
    (WARM, "New friends, shit"),  # "shit" is on the shipped blocklist
    (SHY, "Gossip about Dave"),  # the facilitator hides this one
]
THEMES = ["Learning", "Discovery", "Advocacy", "Conversation", "Connection", "Inspiration"]
FULL_HD = {"width": 1920, "height": 1080}
SMALL = {"width": 1024, "height": 768}
ROW = '[data-testid="stHorizontalBlock"][class*="st-key-queue-"]'  # a phrase waiting


def answer_survey(page: Page, url: str, code: str, answers: dict, why: str) -> None:
    """Every page, and the open question on the last one, as a participant types it."""
    visit(page, f"{url}/?s={code}")
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        if k <= ITEM_PAGES:
            answer_questions_on_page(page, answers)
        else:
            field = page.get_by_label(QUESTION)
            field.fill(why)
            expect(page.get_by_text(f"{len(why)}/60")).to_be_visible()  # counted as one types
        click_next(page, k)
    expect(page.get_by_role("heading", name=re.compile(r"^You're a "))).to_be_visible()


def queued(console: Page, phrase: str):
    return console.locator(ROW).filter(
        has=console.get_by_text(re.compile(rf"^{re.escape(phrase)}\b"))
    )


def cloud(stage: Page):
    return stage.locator(".st-key-stage-cloud img")


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, locator
    return found


def apart(a: dict, b: dict) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def check_cloud(stage: Page, size: dict, name: str) -> None:
    """Exactly the approved words, the picture whole on the screen and clear of the
    heading and the strip; a screenshot kept for a person to look at."""
    picture = cloud(stage)
    expect(picture).to_have_attribute(
        "alt", "Word cloud of the room's words: constant learning (1); new friend (1)"
    )
    shown = box(picture)
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= size["width"]
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= size["height"]
    assert shown["height"] >= 0.3 * size["height"], "large enough for the back of a hall"
    # the picture's own drawing fills its box (object-fit: contain keeps the words whole)
    natural = stage.evaluate(
        "img => [img.naturalWidth, img.naturalHeight]", picture.element_handle()
    )
    assert abs(natural[0] / natural[1] - 1600 / 680) < 0.01  # scaled whole, never cropped
    for other in (
        stage.locator(".st-key-stage-top"),
        stage.locator(".st-key-stage-strip"),
        stage.locator(".st-key-stage-words h3").first,
    ):
        assert apart(shown, box(other)), f"the cloud overlaps {other}"
    body = stage.locator(".st-key-stage").inner_text()
    assert "shit" not in body and "Gossip" not in body and "gossip" not in body
    stage.screenshot(path=ARTIFACTS / f"word-cloud-{name}.png")


def test_the_rooms_words_reach_the_stage_only_once_approved(app_server, server_store, new_page):
    code = server_store.create_session("Why we live it", "WHYS")
    for answers, why in ANSWERS:
        answer_survey(new_page(), app_server.url, code, answers, why)
    assert sorted(server_store.open_answers(code, "why")) == sorted(w for _, w in ANSWERS)

    server_store.set_stage(code, view="words-why")
    stages = {}
    for name, size in (("1920x1080", FULL_HD), ("1024x768", SMALL)):
        stage = new_page(viewport=size)
        visit(stage, stage_url(app_server, server_store, code))
        expect(stage.get_by_role("heading", name="In the room's words")).to_be_visible()
        expect(stage.get_by_text("appear here as the facilitator approves them")).to_be_visible()
        stages[name] = (stage, size)

    console = new_page()
    sign_in(console, f"{app_server.url}/console?s={code}")
    ARTIFACTS.mkdir(exist_ok=True)
    for phrase in ("constant learning", "new friend", "gossip about dave"):
        expect(queued(console, phrase)).to_be_visible()
    expect(console.get_by_text("hidden by the blocklist: 1", exact=False)).to_be_visible()
    expect(console.locator(ROW).filter(has_text="shit")).to_have_count(0)
    console.screenshot(path=ARTIFACTS / "word-cloud-console-queue.png", full_page=True)

    queued(console, "gossip about dave").get_by_role("button", name="Hide").click()
    wait_ready(console)
    expect(queued(console, "gossip about dave")).to_have_count(0)
    queued(console, "constant learning").get_by_role("button", name="Approve").click()
    wait_ready(console)
    queued(console, "new friend").get_by_role("button", name="Approve").click()
    wait_ready(console)  # stored: every stage shows it at its next poll
    for name, (stage, size) in stages.items():
        expect(cloud(stage)).to_have_attribute("alt", re.compile("new friend"))
        check_cloud(stage, size, name)
    assert server_store.moderation(code, "why") == {
        "constant learning": "approved",
        "new friend": "approved",
        "gossip about dave": "hidden",
    }
    # The same words by the essay's themes: one bar each, the counts as text.
    stage, _ = stages["1920x1080"]
    server_store.set_stage(code, view="themes-why")
    expect(stage.get_by_role("heading", name="The room's why, by theme")).to_be_visible()
    bars = stage.locator(".st-key-fill-themes .js-plotly-plot")
    expect(bars.locator("text.bartext")).to_have_count(6)  # one count per theme
    labels = bars.locator(".yaxislayer-above text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert labels[::-1] == THEMES  # the file's order, top down
    stage.screenshot(path=ARTIFACTS / "word-cloud-themes-1920x1080.png")
