"""Two participants in one room, one reading French and one German, in real Chromium on
a phone: each mistypes the code and is told so in their language, answers every page
with the same answers under the translated texts, and reaches a result told in their
language, share card included. Both count in the room, and the export keeps each
response's language with identical scores.

The French phone speaks French by its browser's locale; the German one opens in English
and chooses Deutsch on the join page. Expected words come from the catalogues
(survey/locale) and the translated questionnaires, never typed here."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from survey import codes, export, flow, i18n, questionnaire, result, scoring
from survey.i18n import _

from .helpers import (
    KEEN,
    PHONE,
    ROOT,
    answer_radio,
    assert_fits_width,
    expected,
    page_questions,
    pick,
    visit,
    wait_ready,
)

pytestmark = pytest.mark.e2e

Q = questionnaire.load(ROOT / "data" / "questionnaire.toml")
ANSWERS = KEEN  # the same answers in both languages (a believer, 82 / 100)

# English strings a French or German result must not show (the msgids of its elements).
ENGLISH = [
    "Next",
    "Back",
    "See my result",
    "Your result",
    "You're a Believer",
    "You're a Spectator",
    "Your score",
    "Where you stand",
    "Your profile",
    "Tips for you",
    "Take it home",
    "Take it again",
    "Download my result (PNG)",
    "Keep this link to see your result later:",
]


def said(lang: str, msgid: str, **values) -> str:
    """`msgid` as the catalogue says it in `lang`."""
    with i18n.language(lang):
        text = _(msgid)
    return text.format(**values) if values else text


def answer_page(page: Page, tq: questionnaire.Questionnaire, k: int) -> list[str]:
    """Answer page k (0-based) of `tq`, the questionnaire in the page's language: its
    radio groups must be named by exactly that page's translated item texts."""
    items = tq.pages()[k]
    assert page_questions(page) == [it.text for it in items]
    chosen = {it.text: tq.scale[ANSWERS[it.id] - 1] for it in items}
    for name, label in chosen.items():
        pick(page, name, label)
    # Streamlit 1.67 sometimes re-renders a fresh form and un-checks early clicks
    # (as tests/e2e/helpers.py answer_questions_on_page): tap again what was lost.
    for _round in range(3):
        lost = [n for n, lab in chosen.items() if not answer_radio(page, n, lab).is_checked()]
        for name in lost:
            pick(page, name, chosen[name])
        if not lost:
            break
    for name, label in chosen.items():
        expect(answer_radio(page, name, label)).to_be_checked()
    return [it.id for it in items]


def join_with_a_wrong_code_then_the_right_one(page: Page, lang: str, code: str, wrong: str):
    form = page.get_by_test_id("stForm")
    form.get_by_label(said(lang, "Session code")).fill(wrong)
    form.get_by_role("button", name=said(lang, "Join"), exact=True).click()
    wait_ready(page)
    expect(page.get_by_text(said(lang, flow.NO_SUCH, code=wrong), exact=True)).to_be_visible()
    page.get_by_test_id("stForm").get_by_label(said(lang, "Session code")).fill(code)
    page.get_by_role("button", name=said(lang, "Join"), exact=True).click()


def take_it_in(page: Page, lang: str) -> None:
    """Answer every page in `lang`, from page 1 to the result."""
    tq = Q.in_language(lang)
    total = Q.page_count
    answered: list[str] = []
    for k in range(total):
        progress = said(lang, "Page {k} of {total}", k=k + 1, total=total)
        expect(page.get_by_text(progress, exact=True)).to_be_visible()
        wait_ready(page)
        expect(page.get_by_role("heading", name=tq.title)).to_be_visible()
        expect(page.get_by_role("button", name=said(lang, "Back"), exact=True)).to_be_visible()
        last = k == total - 1
        forward = said(lang, "See my result" if last else "Next")
        expect(page.get_by_role("button", name=forward, exact=True)).to_be_visible()
        if k < len(tq.pages()):
            answered += answer_page(page, tq, k)
        else:  # the profile, in their language; the same first answer for both
            for p in tq.profile:
                expect(page.get_by_text(p.text, exact=True).first).to_be_visible()
            role = tq.profile[0]
            assert role.kind != "multi"
            pick(page, role.text, role.labels[1])
        for english in ("Back", "Next", "See my result"):
            expect(page.get_by_role("button", name=english, exact=True)).to_have_count(0)
        assert_fits_width(page)
        page.get_by_role("button", name=forward, exact=True).click()
    assert sorted(answered) == sorted(Q.item_ids)


def expect_result_in(page: Page, lang: str) -> None:
    tq = Q.in_language(lang)
    mine = scoring.score(Q, ANSWERS)
    klass, score = expected(ANSWERS)
    headline = said(lang, "You're a Believer" if klass == "Believer" else "You're a Spectator")
    expect(page.get_by_role("heading", name=headline)).to_be_visible()
    wait_ready(page)
    box = page.locator(".st-key-result")
    expect(box.get_by_text(score, exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name=said(lang, "Tips for you"))).to_be_visible()
    chosen = result.tip_dimensions(Q, mine, ANSWERS).chosen
    assert chosen
    for dim in map(tq.dimension, chosen):
        expect(box.get_by_text(dim.description)).to_be_visible()
        for tip in dim.tips:
            expect(box.get_by_role("listitem").filter(has_text=tip)).to_be_visible()

    # The share card, made when its section is opened.
    page.get_by_text(said(lang, "Your share card, to download or share"), exact=True).click()
    # Words apart by any space: French puts a no-break space before its colon.
    prefix = said(lang, "Your share card: {text}", text="").split()
    card = page.get_by_role("img", name=re.compile("^" + r"\s+".join(map(re.escape, prefix))))
    expect(card).to_be_visible()
    download = page.get_by_role("button", name=said(lang, "Download my result (PNG)"), exact=True)
    expect(download).to_be_visible()
    wait_ready(page)

    for english in ENGLISH:
        if said(lang, english) != english:
            expect(page.get_by_text(english, exact=True)).to_have_count(0)


def test_a_french_and_a_german_participant_in_one_room(app_server, new_page, server_store):
    code = server_store.create_session("Salle B / Halle B")
    taken = {s["code"] for s in server_store.list_sessions()}
    wrong = codes.generate(taken)

    # French by the phone's own locale.
    fr = new_page(PHONE, locale="fr-FR")
    visit(fr, app_server.url)
    expect(fr.get_by_role("heading", name=Q.in_language("fr").title)).to_be_visible()
    join_with_a_wrong_code_then_the_right_one(fr, "fr", code, wrong)
    take_it_in(fr, "fr")
    expect_result_in(fr, "fr")

    # An English phone whose owner chooses Deutsch on the join page.
    de = new_page(PHONE, locale="en-US")
    visit(de, app_server.url)
    expect(de.get_by_role("button", name="Join", exact=True)).to_be_visible()
    de.locator(".st-key-languages").get_by_role("radio", name=Q.language_name("de")).click()
    expect(de.get_by_role("heading", name=Q.in_language("de").title)).to_be_visible()
    wait_ready(de)
    join_with_a_wrong_code_then_the_right_one(de, "de", code, wrong)
    take_it_in(de, "de")
    expect_result_in(de, "de")

    # Both count in the room.
    room = next(s for s in server_store.list_sessions() if s["code"] == code)
    assert (room["complete"], room["in_progress"]) == (2, 0)

    # The export: one row each, in its language, with the same scores.
    data = export.responses_csv(server_store, code)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert sorted(r["language"] for r in rows) == ["de", "fr"]
    first, second = rows
    scored = [k for k in first if k in ("overall", "class") or k.startswith("score_")]
    assert "overall" in scored and "class" in scored and len(scored) > 2
    assert {k: first[k] for k in scored} == {k: second[k] for k in scored}
    assert first["class"] == scoring.score(Q, ANSWERS).klass
    assert first["role"] == second["role"] == Q.profile[0].options[1]
