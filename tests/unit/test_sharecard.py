"""The share card: what it says matches the result, a spectator is led by their strongest
side, both sizes are real PNGs in the event's look, and the most crowded card the
validator allows still draws nothing over anything else."""

import io
import itertools
from dataclasses import replace

import pytest
from PIL import Image, ImageChops, ImageStat

from survey import cardlayout, cardtype, questionnaire, scoring, sharecard
from survey import theme as themes
from survey.scoring import Result

VIOLET = (108, 43, 217)  # the default accent, #6C2BD9


@pytest.fixture
def believer(q) -> Result:
    return Result({d: 50.0 + 6.4 * i for i, d in enumerate(q.dimension_ids)}, 69.6, "believer")


@pytest.fixture
def spectator(q) -> Result:
    return Result(
        dict(zip(q.dimension_ids, [30, 55, 20, 40, 25, 35, 10], strict=True)), 30.7, "spectator"
    )


def themed(q, event: str = "Social Media Summit 2027", accent: str = "#0B7A75"):
    return replace(q, theme=themes.Theme(event=event, accent=accent))


def image(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img.convert("RGB")


def test_a_believers_card_celebrates_with_the_class_score_and_profile(q, believer):
    card = sharecard.card_for(q, believer)
    assert card.lines() == [
        q.title,
        "I'm a Believer",
        "I live social media, and I'm not alone.",
        "70 / 100",
        *(f"{d.name} {round(50 + 6.4 * i)}" for i, d in enumerate(q.dimensions)),
    ]


def test_a_spectator_who_scored_zero_is_led_by_their_strongest_side_not_the_number(q):
    # Every answer at its lowest value: 0 overall and 0 on every dimension.
    answers = {it.id: 5 if it.reverse else 1 for it in q.items}
    zero = scoring.score(q, answers)
    assert (zero.overall, zero.klass) == (0, scoring.SPECTATOR)
    card = sharecard.card_for(q, zero)
    first = q.dimensions[0].name  # a tie everywhere: the first in the questionnaire
    assert card.lines() == [
        q.title,
        "My strongest side",
        first,
        "I'm a Spectator, for now.",
        "Begin living it.",
    ]
    drawn = [t.text for t in sharecard.layout(card, sharecard.SQUARE).texts]
    assert first in drawn and "Begin living it." in drawn
    assert not any("/ 100" in t or t.strip().isdigit() for t in drawn), drawn


def test_a_spectators_card_names_the_dimension_they_scored_highest(q):
    answers = {it.id: 5 if it.reverse else 1 for it in q.items}
    best = q.dimensions[3]
    for it in q.items:
        if it.dimension == best.id:
            answers[it.id] = 2 if it.reverse else 4
    mine = scoring.score(q, answers)
    assert mine.klass == scoring.SPECTATOR
    card = sharecard.card_for(q, mine)
    assert card.strongest == best.name
    assert card.lines()[1:3] == ["My strongest side", best.name]


def test_the_event_hashtag_and_link_are_on_the_card_and_the_apps_title_moves_to_the_foot(
    q, spectator
):
    card = sharecard.card_for(
        themed(q), spectator, hashtag="SM Summit27", link="https://example.com/believer/"
    )
    assert card.lines()[:2] == ["Social Media Summit 2027", "#SMSummit27"]
    assert card.lines()[-2:] == [q.title, "example.com/believer"]
    for size in sharecard.SIZES:
        drawn = {t.text for t in sharecard.layout(card, size).texts}
        assert {"Social Media Summit 2027", "#SMSummit27", "example.com/believer"} <= drawn


def test_the_card_carries_nothing_that_identifies_the_person_or_their_link(q, believer):
    # A card is made from the result and the event's theme alone: no session, token,
    # name or answers go in.
    fields = vars(sharecard.card_for(q, believer))
    assert set(fields) == {
        "title",
        "believer",
        "headline",
        "score",
        "profile",
        "tagline",
        "event",
        "hashtag",
        "link",
        "accent",
        "lead",
    }


@pytest.mark.parametrize("klass", ["believer", "spectator"])
@pytest.mark.parametrize("size", sharecard.SIZES, ids=["square", "wide"])
def test_each_class_draws_a_png_of_exactly_each_size_in_the_events_accent(q, klass, size):
    r = Result(dict.fromkeys(q.dimension_ids, 40.0), 40.0, klass)
    img = image(sharecard.png(sharecard.card_for(themed(q), r), size))
    assert img.size == size and sharecard.SIZES == ((1080, 1080), (1200, 627))
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 20  # not blank
    colours = dict((c, n) for n, c in img.getcolors(1 << 20))
    # The teal accent is a fifth of the card at least: the believer's ground, the
    # spectator's panel for "Begin living it.".
    assert colours.get((11, 122, 117), 0) > 0.2 * size[0] * size[1]
    assert VIOLET not in colours


@pytest.mark.parametrize("size", sharecard.SIZES, ids=["square", "wide"])
def test_the_two_classes_look_different(q, size):
    looks = [
        image(sharecard.png(sharecard.card_for(q, Result({}, 50.0, k)), size))
        for k in ("believer", "spectator")
    ]
    # A believer's card is the accent; a spectator's is mostly white.
    white = [
        dict((c, n) for n, c in img.getcolors(1 << 20)).get((255, 255, 255), 0) for img in looks
    ]
    area = size[0] * size[1]
    assert white[0] < 0.1 * area < 0.4 * area < white[1]


@pytest.mark.parametrize("klass", ["believer", "spectator"])
@pytest.mark.parametrize("size", sharecard.SIZES, ids=["square", "wide"])
def test_the_pixels_change_when_the_event_name_changes(q, klass, size):
    r = Result(dict.fromkeys(q.dimension_ids, 40.0), 40.0, klass)
    one, other = (
        image(sharecard.png(sharecard.card_for(themed(q, event=name), r), size))
        for name in ("Social Media Summit 2027", "Content Marketing World")
    )
    changed = ImageChops.difference(one, other).getbbox()
    assert changed is not None and changed[1] < size[1] // 4  # on the top line


def test_a_higher_score_draws_a_longer_bar(q):
    def bar_pixels(score: float) -> int:
        r = Result(dict.fromkeys(q.dimension_ids, score), score, "believer")
        img = image(sharecard.png(sharecard.card_for(q, r)))
        return dict((c, n) for n, c in img.getcolors(1 << 20)).get((255, 255, 255), 0)

    assert bar_pixels(90.0) > bar_pixels(30.0)


@pytest.mark.parametrize("accent", ["#6C2BD9", "#FFE600", "#00FF00", "#0B7A75", "#111111"])
@pytest.mark.parametrize("klass", ["believer", "spectator"])
def test_every_text_reads_on_its_ground_whatever_the_accent(q, accent, klass):
    card = sharecard.card_for(themed(q, accent=accent), Result({}, 50.0, klass))
    for size in sharecard.SIZES:
        for t in sharecard.layout(card, size).texts:
            assert cardtype.contrast(t.fill, t.ground) >= 4.5, (t.text, t.fill, t.ground)


def test_the_card_is_set_in_the_apps_own_typeface_shipped_with_it():
    assert cardtype.typeface(40, "Regular").getname() == ("Source Sans 3", "Regular")
    assert cardtype.typeface(40, "Black").getname() == ("Source Sans 3", "Black")
    licence = (cardtype.FONTS / "OFL.md").read_text()
    assert "SIL Open Font License" in licence and "Adobe" in licence


# ---------------------------------------------------------------- any text the validator allows

LONGEST = questionnaire.MAX_NAME
NAMES = [
    "W" * LONGEST,  # the widest Latin capital
    "Щ" * LONGEST,  # wider, with a descender
    "⟿" * LONGEST,  # not in the font: drawn as its missing-glyph box
    "█" * LONGEST,
    ("Ég " * LONGEST)[:LONGEST],  # accents above, descenders below, spaces
    "Real-time conversation",  # fits whole
    "A name\nwith a line break and\ta tab",
]


def crowded_card(believer: bool, strongest: str = "W" * LONGEST) -> sharecard.Card:
    """The most the validator lets a card say: the longest title and event name, the
    longest hashtag and link, the most dimensions, each named at the longest length in
    the widest and tallest glyphs, scores of 100 (the widest number)."""
    names = [NAMES[i % len(NAMES)] for i in range(questionnaire.MAX_DIMENSIONS - 1)]
    return sharecard.Card(
        title="W" * questionnaire.MAX_TITLE,
        believer=believer,
        headline="I'm a Believer" if believer else "I'm a Spectator, for now.",
        score="100 / 100",
        profile=((strongest, 100), *((name, 100) for name in names)),
        tagline=sharecard.BELIEVER_LINE if believer else sharecard.SPECTATOR_LINE,
        event="W" * themes.MAX_EVENT,
        hashtag="#" + "W" * (sharecard.MAX_HASHTAG - 1),
        link="W" * sharecard.MAX_LINK,
    )


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box, frame) -> bool:
    return frame[0] <= box[0] and frame[1] <= box[1] and box[2] <= frame[2] and box[3] <= frame[3]


CROWDED = [
    pytest.param(crowded_card(True), id="believer"),
    pytest.param(crowded_card(False), id="spectator-wide-name"),
    pytest.param(crowded_card(False, ("Ég " * LONGEST)[:LONGEST]), id="spectator-tall-name"),
    pytest.param(crowded_card(False, "Щ" * LONGEST), id="spectator-one-word"),
]


@pytest.mark.parametrize("card", CROWDED)
@pytest.mark.parametrize("size", sharecard.SIZES, ids=["square", "wide"])
def test_no_text_of_the_most_crowded_card_overflows_or_overlaps_anything(card, size):
    plan = sharecard.layout(card, size)
    whole = (0, 0, *size)
    boxes = [(t.text, t.box(), t.within) for t in plan.texts]
    bars = [b.box for b in plan.bars]
    assert len(bars) == (questionnaire.MAX_DIMENSIONS if card.believer else 0)
    for n, (text, box, within) in enumerate(boxes):
        assert inside(box, whole) and inside(box, within), (text, box, within)
        for other, other_box, _ in boxes[n + 1 :]:
            assert not overlap(box, other_box), (text, other)
        for bar in bars:
            assert not overlap(box, bar), text
    for upper, lower in itertools.pairwise(bars):
        assert upper[3] < lower[1]
    assert all(inside(bar, whole) for bar in bars)
    # Every piece of the card is drawn: each at least begun, if cut short.
    drawn = " ".join(t.text for t in plan.texts)
    for line in card.lines():
        assert line.split()[0][:3] in drawn, line


def test_a_name_too_long_for_its_line_is_cut_short_with_an_ellipsis():
    drawn = {t.text for t in sharecard.layout(crowded_card(True), sharecard.WIDE).texts}
    assert "Real-time conversation" in drawn  # a name that fits is drawn whole
    assert "A name with a line break and a tab" in drawn  # on one line
    cut = [t for t in drawn if t.startswith("Щ")]
    assert len(cut) == 1 and cut[0].endswith("…") and 10 < len(cut[0]) < LONGEST


def test_a_long_strongest_side_wraps_onto_lines_rather_than_shrinking_out_of_sight():
    name = "Keeping in touch with the people who inspire us every day"
    card = replace(crowded_card(False), profile=((name, 10),))
    for size in sharecard.SIZES:
        lines = [t for t in sharecard.layout(card, size).texts if t.text in name]
        assert " ".join(t.text for t in lines) == name and len(lines) >= 2
        assert min(t.font.size for t in lines) >= 46


def test_the_drawn_card_leaves_the_gap_between_each_name_and_its_number_blank():
    """Checked in the pixels: nothing spills between a row's name and its number."""
    card = crowded_card(True)
    plan = sharecard.layout(card, sharecard.SQUARE)
    img = image(sharecard.png(card))
    ground = img.getpixel((img.width - 1, img.height - 1))  # a corner nothing is drawn on
    top, bottom = plan.bars[0].box[1] - 60, plan.bars[-1].box[1]
    rows = [t for t in plan.texts if top < t.xy[1] < bottom]
    names, numbers = rows[0::2], rows[1::2]
    assert [t.text for t in numbers] == ["100"] * questionnaire.MAX_DIMENSIONS
    for name, number in zip(names, numbers, strict=True):
        label, figure = name.box(), number.box()
        gap = img.crop((label[2] + 1, label[1], figure[0] - 1, label[3]))
        assert gap.getcolors() == [(gap.width * gap.height, ground)], name.text


def test_the_shipped_questionnaires_card_keeps_its_full_size_rows(q, believer):
    card = sharecard.card_for(q, believer)
    names = [t for t in sharecard.layout(card).texts if t.text in {d.name for d in q.dimensions}]
    assert len(names) == len(q.dimensions) == cardlayout.ROWS
    assert len({t.font.size for t in names}) == 1 and names[0].font.size >= 26
