"""The share card: what it says matches the result, and it is a real, non-blank PNG."""

import io

import pytest
from PIL import Image, ImageStat

from survey import sharecard
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
