"""The stage's words view from its link: a placeholder until something may be shown, then
the cloud of exactly what may be shown, listed in its text alternative; never a hidden or
blocked phrase."""

import json

import pytest

from survey import demo, words

from .test_stage import open_stage, texts


@pytest.fixture
def room(db, q) -> str:
    code = db.create_session("Why", "WHYS")
    answers = ["Constant learning", "constant learning!", "Connections", "shit", "my odd one"]
    rows = demo.responses(q, len(answers), seed=4)
    db.insert_many(
        code, [{**r, "is_demo": 0, "why": w} for r, w in zip(rows, answers, strict=True)]
    )
    return code


def cloud_alts(at) -> list[str]:
    """The text alternatives of the word clouds on the page."""
    return [i.alt for el in at.get("image") for i in el.proto.imgs if "Word cloud" in i.alt]


def test_the_words_view_waits_for_approval_and_then_shows_exactly_what_may_be_shown(db, room):
    db.moderate(room, "why", ["constant learning"], words.HIDDEN)  # even given twice
    at = open_stage(db, room, "words-why")
    assert "appear here as the facilitator approves them" in texts(at)
    assert "In a few words: what do you get out of social media?" in texts(at)
    assert cloud_alts(at) == []

    db.moderate(room, "why", ["connection", "shit"], words.APPROVED)
    at = open_stage(db, room, "words-why")
    assert "appear here" not in texts(at)
    assert cloud_alts(at) == ["Word cloud of the room's words: connection (1)"]


def test_the_themes_view_counts_the_shown_phrases_by_the_files_themes(db, room):
    db.moderate(room, "why", ["connection"], words.APPROVED)
    at = open_stage(db, room, "themes-why")
    (chart,) = at.get("plotly_chart")
    bars = json.loads(chart.proto.spec)["data"][0]
    counts = dict(zip(bars["y"], bars["x"], strict=True))
    # "constant learning" was given twice (shown without approval), "connection" approved;
    # the hidden and the blocked ones count for nothing
    assert counts["Learning"] == 2 and counts["Connection"] == 1 and counts["Advocacy"] == 0
    assert list(bars["y"])[::-1][0] == "Learning"  # the file's order, top down
