"""Where the participant stands in the room: the sentence and the picture."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from survey import result, standing
from survey.aggregate import Comparison

K = 5


def counted(share_below: float, n: int = 7, counted: int = 5, believers: int = 3) -> Comparison:
    bins = (0,) * 10 + (1, 2, 0, 1, 1) + (0,) * 5
    return Comparison(n, share_below, {}, counted, 0, bins, believers)


def test_the_sentence_says_who_is_counted_and_why_it_can_trail_the_stage():
    said = result.standing(counted(40.0), K)
    assert said.line == "You scored higher than 40% of the 5 people counted in this session so far."
    assert said.why == (
        "The room's figures take in 5 finishers at a time, so no one's answers can be worked "
        "out from them; 7 have finished."
    )
    assert said.split == "", "the room's split waits for the reveal"


def test_a_low_place_is_said_plainly_with_where_to_go_next():
    said = result.standing(counted(0.0), K)
    assert "0%" not in said.line
    assert said.line.startswith("Of the 5 people counted in this session so far, none scored")
    assert "tips below" in said.line


def test_once_revealed_the_room_split_is_said_once_and_adds_up():
    said = result.standing(counted(60.0, believers=3), K, revealed=True)
    assert said.split == "The room: 60% believers, 40% spectators."
    assert result.standing(counted(60.0, n=5), K).why.endswith("worked out from them.")


class Picture(HTMLParser):
    """The picture's bars (their style) and its visible words."""

    def __init__(self, markup: str):
        super().__init__()
        self.bars: list[str] = []
        self.words: list[str] = []
        self.label = ""
        self._in_style = False
        self._parents: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in_style = tag == "style"
        if tag == "span" and self._parents and self._parents[-1] == "standing-bars":
            self.bars.append(a.get("style", ""))
        if a.get("role") == "img":
            self.label = a.get("aria-label", "")
        self._parents.append(a.get("class", tag))

    def handle_endtag(self, tag):
        self._in_style = False
        if self._parents:
            self._parents.pop()

    def handle_data(self, data):
        if not self._in_style and data.strip():
            self.words.append(data.strip())


@pytest.mark.parametrize("you", [0.0, 12.5, 50.0, 61.9, 100.0])
def test_the_picture_marks_only_the_participants_bin_and_says_their_score(you):
    p = Picture(standing.html(counted(40.0).hist_counts, you, 60.0))
    assert len(p.bars) == 20
    strong = [
        i for i, style in enumerate(p.bars) if any(c in style for c in standing.COLORS.values())
    ]
    assert strong == [min(int(you // 5), 19)], "exactly the participant's own bin is strong"
    assert f"You · {you:.0f}" in p.words
    assert "believers score from 60" in p.label


def test_bars_are_as_tall_as_their_share_of_the_tallest_and_empty_bins_are_flat():
    p = Picture(standing.html(counted(40.0).hist_counts, 55.0, 60.0))
    heights = [float(re.search(r"height: ([0-9.]+)%", b).group(1)) for b in p.bars]
    assert heights[11] == 100.0 and heights[10] == 50.0 and heights[0] == 0.0


def test_the_picture_holds_only_numbers_and_the_apps_own_words():
    p = Picture(standing.html((1,) * 20, 55.0, 60.0))
    assert set(p.words) == {"Believer from 60", "You · 55", "0", "50", "100"}


def test_all_rooms_so_far_says_a_low_place_plainly_and_waits_for_anyone():
    assert result.everyone(counted(0.0, counted=0)) == ""
    assert result.everyone(counted(0.0, counted=40)) == (
        "Among everyone who has taken this version of the survey so far (40 people), none "
        "scored lower than you."
    )
    line = result.everyone(counted(72.4, counted=40), other_versions=3)
    assert line.startswith("Among everyone who has taken this version of the survey so far, ")
    assert "higher than 72% of 40 people." in line
    assert line.endswith("3 answers to a different version of the questions are left out.")
