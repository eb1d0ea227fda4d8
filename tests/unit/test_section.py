"""A result section as one HTML element: a reader meets its heading, notes, picture and
sentences in that order, and no text in it can become markup."""

from __future__ import annotations

from html.parser import HTMLParser

from survey import section


class Read(HTMLParser):
    """The section as a screen reader meets it: (tag, text) in order, and every tag."""

    def __init__(self, body: str):
        super().__init__()
        self.said: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self._open: list[str] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] != "style" and data.strip():
            self.said.append((self._open[-1], data))


def test_the_heading_comes_first_then_the_notes_the_picture_the_sentences_and_the_notes():
    body = section.html(
        "Where you stand",
        '<div class="standing">picture</div>',
        before=["How to read it."],
        after=["You scored higher than 40%.", "**The room: 3 believers.**"],
        notes=["Figures take in 5 at a time.", "", "Among everyone: 60%."],
    )
    assert Read(body).said == [
        ("h2", "Where you stand"),
        ("p", "How to read it."),
        ("div", "picture"),
        ("p", "You scored higher than 40%."),
        ("strong", "The room: 3 believers."),
        ("p", "Figures take in 5 at a time."),
        ("p", "Among everyone: 60%."),
    ]
    notes = [a.get("class") for t, a in Read(body).tags if t == "p"]
    assert notes == ["result-note", None, None, "result-note", "result-note"]


def test_no_heading_or_sentence_can_become_markup():
    hostile = '<img src=x onerror="alert(1)"> **<b>bold</b>** & "quotes"'
    body = section.html(hostile, after=[hostile, f"**{hostile}**"], notes=[hostile])
    read = Read(body)
    assert [t for t, _ in read.tags] == ["style", "section", "h2", "p", "p", "strong", "p"]
    assert read.said[0] == ("h2", hostile)
    assert read.said[1] == ("p", hostile), "only a whole paragraph's bold is kept"
    assert read.said[2] == ("strong", hostile)
    assert "<img" not in body and "<b>" not in body


def test_a_listing_reads_each_lead_then_its_items_and_keeps_only_the_leads_bold():
    hostile = '<img src=x onerror="alert(1)">'
    body = section.html(
        "Tips for you",
        section.listing(
            [("**Living it** (40): posting " + hostile, ["Post weekly.", hostile, "**no**"])]
        ),
        notes=["Also at the same score: Learning."],
    )
    read = Read(body)
    assert read.said == [
        ("h2", "Tips for you"),
        ("strong", "Living it"),
        ("p", " (40): posting " + hostile),
        ("li", "Post weekly."),
        ("li", hostile),
        ("li", "**no**"),
        ("p", "Also at the same score: Learning."),
    ]
    assert "<img" not in body


def test_the_headline_reads_what_the_page_is_then_the_verdict_then_each_figure_under_its_label():
    hostile = '<img src=x onerror="alert(1)"> **x**'
    body = section.headline(hostile, hostile, [("Your score", "62 / 100"), (hostile, "60")])
    read = Read(body)
    assert read.said == [
        ("p", hostile),
        ("h1", hostile),
        ("span", "Your score"),
        ("span", "62 / 100"),
        ("span", hostile),
        ("span", "60"),
    ]
    assert [t for t, _ in read.tags].count("h1") == 1, "the page's one title"
    assert "<img" not in body and "<strong>" not in body
