"""The share card: what it says matches the result, and it is a real, non-blank PNG."""

import io
import itertools
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw, ImageStat

from survey import questionnaire, sharecard
from survey.scoring import Result


@pytest.fixture
def believer(q) -> Result:
    return Result({d: 50.0 + 6.4 * i for i, d in enumerate(q.dimension_ids)}, 69.6, "believer")


def test_the_card_says_the_class_score_profile_and_the_essays_line_with_the_apps_name(q, believer):
    card = sharecard.card_for(q, believer)
    assert card.lines() == [
        q.title,
        "I'm a Believer",
        "70 / 100",
        *(f"{d.name} {round(50 + 6.4 * i)}" for i, d in enumerate(q.dimensions)),
        "Begin living it.",
    ]


def test_a_spectators_card_says_spectator(q):
    card = sharecard.card_for(q, Result(dict.fromkeys(q.dimension_ids, 20.0), 20.0, "spectator"))
    assert card.headline == "I'm a Spectator"


def test_the_card_carries_nothing_that_identifies_the_person_or_their_link(q, believer):
    # A card is made from the result alone: no session, token, name or answers go in.
    fields = vars(sharecard.card_for(q, believer))
    assert set(fields) == {"app_name", "headline", "score", "profile", "tagline"}


def test_the_card_is_a_square_png_of_the_stated_size_with_something_drawn_on_it(q, believer):
    data = sharecard.png(sharecard.card_for(q, believer))
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    assert img.size == (sharecard.SIZE, sharecard.SIZE) == (1080, 1080)
    # Not blank: a plain white square has no spread of grey levels at all.
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 20
    # The violet of the headline and the bars is there.
    assert (108, 43, 217) in {c for _, c in img.convert("RGB").getcolors(1 << 20)}


def test_a_higher_score_draws_a_longer_bar(q):
    def violet_pixels(score: float) -> int:
        r = Result(dict.fromkeys(q.dimension_ids, score), score, "believer")
        img = Image.open(io.BytesIO(sharecard.png(sharecard.card_for(q, r)))).convert("RGB")
        return dict((c, n) for n, c in img.getcolors(1 << 20)).get((108, 43, 217), 0)

    assert violet_pixels(90.0) > violet_pixels(30.0)


# ---------------------------------------------------------------- any name the validator allows

LONGEST = questionnaire.MAX_NAME
NAMES = [
    "W" * LONGEST,  # the widest Latin capital
    "Щ" * LONGEST,  # wider, with a descender
    "⟿" * LONGEST,  # wider still
    "█" * LONGEST,  # as tall as the font goes
    ("Ég " * LONGEST)[:LONGEST],  # accents above, descenders below, spaces
    "Real-time conversation",  # fits whole
    "A name\nwith a line break and\ta tab",
]


def crowded_card(headline: str = "I'm a Spectator") -> sharecard.Card:
    """The most the validator lets a card say: the longest title, the most dimensions,
    each named at the longest length in the widest and tallest glyphs, scores of 100."""
    names = [NAMES[i % len(NAMES)] for i in range(questionnaire.MAX_DIMENSIONS)]
    return sharecard.Card(
        app_name="W" * questionnaire.MAX_TITLE,
        headline=headline,
        score="100 / 100",
        profile=tuple((name, 100) for name in names),
    )


def boxes(card: sharecard.Card) -> list[tuple[str, tuple[int, int, int, int]]]:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    return [(t.text, draw.textbbox(t.xy, t.text, font=t.font)) for t in sharecard.texts(card)]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("headline", ["I'm a Believer", "I'm a Spectator"])
@pytest.mark.parametrize("size", [1080, 540])
def test_no_two_texts_or_bars_of_the_most_crowded_card_overlap(headline, size):
    card = crowded_card(headline)
    drawn = boxes(card) if size == 1080 else _boxes_at(card, size)
    bars = sharecard.bars(card, size)
    assert len(drawn) == 4 + 2 * questionnaire.MAX_DIMENSIONS  # 2 titles, score, tagline
    for n, (text, box) in enumerate(drawn):
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= size and box[3] <= size, text
        for other, other_box in drawn[n + 1 :]:
            assert not overlap(box, other_box), (text, other)
        for bar in bars:
            assert not overlap(box, bar), text
    for upper, lower in itertools.pairwise(bars):
        assert upper[3] < lower[1]


def _boxes_at(card, size):
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    return [(t.text, draw.textbbox(t.xy, t.text, font=t.font)) for t in sharecard.texts(card, size)]


@pytest.mark.parametrize("rows", [sharecard.ROWS, questionnaire.MAX_DIMENSIONS])
def test_a_name_too_long_for_its_line_is_cut_short_with_an_ellipsis(rows):
    card = crowded_card()
    card = replace(card, profile=card.profile[:rows])
    drawn = {t.text for t in sharecard.texts(card)}
    assert "Real-time conversation" in drawn  # a name that fits is drawn whole
    assert "A name with a line break and a tab" in drawn  # on one line
    cut = [t for t in drawn if t.startswith("⟿")]
    assert len(cut) == 1 and cut[0].endswith("…") and 10 < len(cut[0]) < LONGEST


def test_the_drawn_card_leaves_the_gap_between_each_name_and_its_number_blank():
    """Checked in the pixels: nothing spills between a row's name and its number."""
    card = crowded_card()
    img = Image.open(io.BytesIO(sharecard.png(card))).convert("RGB")
    paper = img.getpixel((img.width - 1, img.height - 1))  # a corner nothing is drawn on
    drawn = boxes(card)
    names = drawn[2 : 2 + questionnaire.MAX_DIMENSIONS]
    numbers = drawn[-questionnaire.MAX_DIMENSIONS :]
    for (name, label), (_, number) in zip(names, numbers, strict=True):
        gap = img.crop((label[2] + 1, label[1], number[0] - 1, label[3]))
        assert gap.getcolors() == [(gap.width * gap.height, paper)], name


def test_the_shipped_questionnaires_card_keeps_its_full_size_rows(q, believer):
    card = sharecard.card_for(q, believer)
    names = [t for t in sharecard.texts(card) if t.text in {d.name for d in q.dimensions}]
    assert len(names) == len(q.dimensions) == sharecard.ROWS
    assert {t.font.size for t in names} == {30}
