"""The result's profile as one HTML element: what a participant sees and a screen reader
reads, and nothing in a dimension's name can become markup."""

from __future__ import annotations

from html.parser import HTMLParser

from survey import profile_bars
from survey.result import ProfileBar


class Parsed(HTMLParser):
    """Every start tag with its attributes, and the text, in order."""

    def __init__(self, body: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def bars(self) -> list[dict]:
        return [a for t, a in self.tags if a.get("role") == "progressbar"]


def test_each_dimension_is_a_named_bar_with_its_value_and_the_rooms_mark_where_it_is():
    page = Parsed(
        profile_bars.html(
            [
                ProfileBar("Learning", 62, "**Learning**: you 62 · room 55 (7 above the room)", 55),
                ProfileBar("Sharing", 0, "**Sharing**: you 0", None),
            ]
        )
    )
    first, second = page.bars()
    assert first["aria-label"] == "Learning: you 62 · room 55 (7 above the room)"
    assert (first["aria-valuenow"], first["aria-valuemin"], first["aria-valuemax"]) == (
        "62",
        "0",
        "100",
    )
    assert second["aria-label"] == "Sharing: you 0" and second["aria-valuenow"] == "0"
    fills = [a["style"] for t, a in page.tags if a.get("class") == "profile-fill"]
    assert fills == ["width: 62%", "width: 0%"]
    marks = [a["style"] for t, a in page.tags if a.get("class") == "profile-room"]
    assert marks == ["left: calc(55% - 2px)"], "only a bar the room may be compared on"
    assert [t for t, _ in page.tags].count("strong") == 2, "each name in bold, as before"


def test_a_name_full_of_markup_is_shown_as_text():
    hostile = '<img src=x onerror=alert(1)>"**'
    body = profile_bars.html([ProfileBar("x", 50, f"**{hostile}**: you 50", 40)])
    page = Parsed(body)
    assert "img" not in [t for t, _ in page.tags]
    assert "<img" not in body
    assert hostile.replace("**", "") in "".join(page.text)
    [bar] = page.bars()
    assert bar["aria-label"].startswith('<img src=x onerror=alert(1)>"')


def test_a_score_out_of_range_stays_on_its_track():
    page = Parsed(profile_bars.html([ProfileBar("x", 130, "**x**: you 130", -5)]))
    fills = [a["style"] for t, a in page.tags if a.get("class") == "profile-fill"]
    marks = [a["style"] for t, a in page.tags if a.get("class") == "profile-room"]
    assert fills == ["width: 100%"] and marks == ["left: calc(0% - 2px)"]
