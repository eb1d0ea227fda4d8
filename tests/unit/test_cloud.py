"""The stage's word cloud: exactly the phrases given, sized by how many gave them, in
the app's typeface at a size readable from the back of a hall, no two words' letters on
the same pixel, and cheap enough to draw again when the approved set changes."""

import io
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from survey import cloud

WHY = [
    "constant learning", "discovery", "connection", "inspiration", "new friend", "news",
    "idea", "community", "career", "fun", "network", "trend", "insight", "story", "brand",
    "event", "video", "podcast", "job", "advice", "humour", "debate", "support",
    "creativity", "knowledge", "it's about people", "staying in touch", "jobs and careers",
]  # fmt: skip


def room(n: int) -> dict[str, int]:
    return {w: 1 + (i * 7) % 5 for i, w in enumerate(WHY[:n])}


def ink(p: cloud.Placed) -> np.ndarray:
    """The pixels one word covers, drawn alone where the cloud drew it."""
    canvas = Image.new("L", cloud.CANVAS)
    font = ImageFont.TransposedFont(ImageFont.truetype(str(cloud._ttf()), p.size))
    ImageDraw.Draw(canvas).text(p.at, p.text, fill=255, font=font)
    return np.asarray(canvas) > 0


def test_the_cloud_draws_exactly_the_phrases_given_most_given_largest():
    drawn = cloud.draw({"constant learning": 3, "discovery": 1, "news": 2}, "#222", "#c0392b")
    assert [p.text for p in drawn.placed] == ["constant learning", "news", "discovery"]
    sizes = [p.size for p in drawn.placed]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert drawn.left_out == 0
    assert drawn.alt == (
        "Word cloud of the room's words: constant learning (3); news (2); discovery (1)"
    )


@pytest.mark.parametrize("n", [2, 8, len(WHY)])
def test_no_two_words_share_a_pixel_and_every_word_is_inside_the_picture(n):
    drawn = cloud.draw(room(n), "#222", "#c0392b")
    covered = np.zeros(cloud.CANVAS[::-1], dtype=int)
    for p in drawn.placed:
        covered += ink(p)
        assert p.box[0] >= 0 and p.box[2] <= cloud.CANVAS[0]
        assert p.box[1] >= 0 and p.box[3] <= cloud.CANVAS[1]
    assert covered.max() == 1
    # and what the picture holds is those words, in their colours, on nothing
    picture = np.asarray(Image.open(io.BytesIO(drawn.png)))
    assert picture.shape[:2] == covered.shape
    assert (picture[..., 3] > 0).sum() <= covered.sum() * 1.05  # antialiased edges


def test_every_word_is_large_enough_to_read_from_the_back_of_a_hall():
    drawn = cloud.draw(room(len(WHY)), "#222", "#c0392b")
    # The picture is shown about 960 px wide at 1024x768: the smallest word is 28 px there.
    assert min(p.size for p in drawn.placed) * 960 / cloud.CANVAS[0] >= 28
    assert drawn.left_out == len(WHY) - len(drawn.placed)  # and the rest are counted


def test_the_same_phrases_give_the_same_cloud_so_the_stage_does_not_jump():
    assert cloud.draw(room(10), "#222", "#c00").png == cloud.draw(room(10), "#222", "#c00").png


def test_no_phrases_no_picture():
    empty = cloud.draw({}, "#222", "#c00")
    assert empty.png == b"" and empty.alt == "Word cloud: no words yet"


def test_a_cloud_of_the_whole_room_costs_well_under_a_second_to_draw_again():
    cloud.draw(room(3), "#222", "#c00")  # the first draws import wordcloud and the font
    start = time.perf_counter()
    cloud.draw(room(len(WHY)), "#222", "#c00")
    assert time.perf_counter() - start < 2.0  # ~0.3 s on an idle 2-core machine
