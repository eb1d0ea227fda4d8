"""The session report's page of the room's words: the approved phrases with how many
people gave each, their cloud as a picture, and nothing hidden or blocked; every phrase
as text, never markup."""

import re

from survey import demo, report, words
from survey.store import DEFAULT_SESSION

ANSWERS = ["Constant learning", "constant learning", "Connections", "shit", "Gossip", "<b>x</b>"]


def room(db, q, answers=ANSWERS, is_demo=0) -> None:
    rows = demo.responses(q, len(answers), seed=9)
    db.insert_many(
        DEFAULT_SESSION,
        [{**r, "is_demo": is_demo, "why": w} for r, w in zip(rows, answers, strict=True)],
    )


def words_page(html: str) -> str:
    found = re.search(r'<section class="page" data-section="words-why">(.*?)</section>', html, re.S)
    assert found, "no page of the room's words"
    return found.group(1)


def test_the_report_lists_the_shown_phrases_with_counts_and_their_cloud(db, q):
    room(db, q)
    db.moderate(DEFAULT_SESSION, "why", ["connection", "b x"], words.APPROVED)
    db.moderate(DEFAULT_SESSION, "why", ["gossip"], words.HIDDEN)
    page = words_page(report.session_html(db, DEFAULT_SESSION).decode())
    cells = re.findall(r"<td>(.*?)</td><td><span data-stat=\"said_\d+\">(\d+)</span></td>", page)
    assert cells == [("constant learning", "2"), ("b x", "1"), ("connection", "1")]
    assert 'src="data:image/png;base64,' in page
    assert 'alt="Word cloud of the room&#x27;s words: constant learning (2);' in page
    assert "gossip" not in page.lower() and "shit" not in page
    assert "<b>" not in page  # the answer was markup: here it is letters only
    assert "3 more phrases are left out" in page


def test_demo_answers_stay_out_of_the_report_as_in_the_exports(db, q):
    room(db, q, ["Rehearsal words", "rehearsal words"], is_demo=1)
    page = words_page(report.session_html(db, DEFAULT_SESSION).decode())
    assert "rehearsal" not in page and "No phrase of the room was approved" in page
    with_demo = report.session_html(db, DEFAULT_SESSION, include_demo=True).decode()
    assert "rehearsal word" in words_page(with_demo)
