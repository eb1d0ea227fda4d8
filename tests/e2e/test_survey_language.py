"""A participant's own language in a real browser: a French phone opens the join page in
French with a language control that fits a 360 px screen, and a change of language on a
survey page keeps the choices not yet sent, shown under their new labels (the browser
holds a form's choices until it is sent, which AppTest cannot show)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from survey import questionnaire
from survey.store import DEFAULT_SESSION

from .helpers import ARTIFACTS, ROOT, assert_fits_width, pick, visit, wait_ready

pytestmark = pytest.mark.e2e

SMALL = {"width": 360, "height": 740}
Q = questionnaire.load(ROOT / "data" / "questionnaire.toml")
FR, DE = Q.in_language("fr"), Q.in_language("de")


def french_phone(new_page) -> Page:
    return new_page(SMALL, is_mobile=True, has_touch=True, locale="fr-FR")


def test_a_french_phone_opens_the_join_page_in_french_with_a_compact_language_control(
    app_server, new_page
):
    page = french_phone(new_page)
    visit(page, app_server.url)

    expect(page.get_by_role("heading", name=FR.title)).to_be_visible()
    expect(page.get_by_role("button", name="Rejoindre", exact=True)).to_be_visible()
    row = page.locator(".st-key-languages")
    choices = row.get_by_role("radiogroup", name="Langue")  # named for a screen reader
    expect(choices.get_by_role("radio", name="English")).to_be_visible()
    expect(choices.get_by_role("radio", name="Deutsch")).to_be_visible()
    globe = choices.evaluate("e => getComputedStyle(e, '::before').backgroundImage")
    assert "circle" in globe, f"a globe says what the names are for: {globe[:80]}"
    box = row.bounding_box()
    assert box and box["height"] <= 48, f"the language control takes one short line: {box}"
    assert_fits_width(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "join-fr-360.png", full_page=True)
    assert page.title() == "Convaincu ou spectateur ?"


def test_german_chosen_mid_page_keeps_the_choices_not_yet_sent(app_server, new_page):
    page = french_phone(new_page)
    visit(page, f"{app_server.url}/?s={DEFAULT_SESSION}")
    expect(page.get_by_text(f"Page 1 sur {Q.page_count}", exact=True)).to_be_visible()
    first, second = FR.pages()[0][0], FR.pages()[0][1]
    pick(page, first.text, FR.scale[3])  # "Souvent", not sent
    pick(page, second.text, FR.scale[0])

    page.locator(".st-key-languages").get_by_role("button", name="Deutsch").click()

    expect(page.get_by_text(f"Seite 1 von {Q.page_count}", exact=True)).to_be_visible()
    wait_ready(page)
    german = {it.id: it.text for it in DE.pages()[0]}
    for item, point in ((first, 3), (second, 0)):
        group = page.get_by_role("radiogroup", name=german[item.id], exact=True)
        expect(group.get_by_role("radio", name=DE.scale[point], exact=True)).to_be_checked()
    page.screenshot(path=ARTIFACTS / "page-1-de-360.png", full_page=True)
    assert "l=de" in page.url
