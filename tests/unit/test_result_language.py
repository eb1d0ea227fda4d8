"""The result and the share card in the participant's language: the card says the
translated lines and still fits every look in French, German and Spanish; English cards
draw exactly as before; the room's sentences write numbers as the language does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from survey import i18n, questionnaire, result, sharecard, standing, words
from survey.aggregate import Comparison
from survey.scoring import Result
from tests.unit.test_sharecard import inside, overlap

REFERENCE = Path(__file__).parent / "data" / "cards"  # English cards as first published
SHIPPED = questionnaire.load()
LOOKS = [
    pytest.param(size, klass, id=f"{klass}-{name}")
    for size, name in zip(sharecard.SIZES, ("square", "wide"), strict=True)
    for klass in ("believer", "spectator")
]


def believer(q) -> Result:
    return Result({d: 50.0 + 6.4 * i for i, d in enumerate(q.dimension_ids)}, 69.6, "believer")


def spectator(q, strongest: int = 1) -> Result:
    scores = {d: 10.0 + 3 * i for i, d in enumerate(q.dimension_ids)}
    scores[q.dimension_ids[strongest]] = 90.0
    return Result(scores, 30.7, "spectator")


def card(language: str, klass: str, strongest: int = 1) -> sharecard.Card:
    q = SHIPPED.in_language(language)
    mine = believer(q) if klass == "believer" else spectator(q, strongest)
    with i18n.language(language):
        return sharecard.card_for(q, mine)


@pytest.mark.parametrize(
    "language, headline, tagline",
    [
        (
            "fr",
            "Je fais partie des convaincus",
            "Je vis les réseaux sociaux, et nous sommes nombreux.",
        ),
        ("de", "Ich gehöre zu den Überzeugten", "Ich lebe Social Media, und ich bin nicht allein."),
    ],
)
def test_a_believers_card_says_its_lines_in_the_participants_language(language, headline, tagline):
    said = card(language, "believer")
    q = SHIPPED.in_language(language)
    assert said.lines()[:3] == [q.title, headline, tagline]
    assert said.lines()[4:] == [
        f"{d.name} {round(50 + 6.4 * i)}" for i, d in enumerate(q.dimensions)
    ]
    drawn = " ".join(t.text for t in sharecard.layout(said, sharecard.SQUARE).texts)
    assert " ".join(headline.split()) in drawn.replace("\n", " ")


@pytest.mark.parametrize(
    "language, lead, forward",
    [
        ("fr", "Mon point fort", "Commencez à le vivre."),
        ("de", "Meine größte Stärke", "Fangen Sie an, es zu leben."),
        ("es", "Mi punto fuerte", "Empiece a vivirlo."),
    ],
)
def test_a_spectators_card_leads_with_their_strongest_side_and_the_essays_line_translated(
    language, lead, forward
):
    said = card(language, "spectator")
    strongest = SHIPPED.in_language(language).dimensions[1].name
    assert said.lines()[1:3] == [lead, strongest]
    assert said.lines()[-1] == forward
    for size in sharecard.SIZES:
        drawn = " ".join(t.text for t in sharecard.layout(said, size).texts)
        assert forward in drawn and lead in drawn


@pytest.mark.parametrize("language", ["fr", "de", "es"])
@pytest.mark.parametrize("size, klass", LOOKS)
def test_every_translated_card_fits_each_look_whole_without_overlap(language, size, klass):
    # Every dimension in turn as a spectator's strongest side: each translated name is drawn.
    for strongest in range(len(SHIPPED.dimensions) if klass == "spectator" else 1):
        said = card(language, klass, strongest)
        plan = sharecard.layout(said, size)
        whole = (0, 0, *size)
        words_said = {w for line in said.lines() for w in line.split()}
        boxes = [(t.text, t.box(), t.within) for t in plan.texts]
        for n, (text, box, within) in enumerate(boxes):
            assert inside(box, whole) and inside(box, within), (text, box, within)
            assert not any(overlap(box, other) for _t, other, _w in boxes[n + 1 :]), text
            assert not any(overlap(box, bar.box) for bar in plan.bars), text
            # Nothing cut short, no word broken across lines: every drawn word is whole.
            assert set(text.split()) <= words_said, text
        drawn = " ".join(t.text for t in plan.texts)
        for line in said.lines():
            assert line in drawn or all(w in drawn for w in line.split()), line


@pytest.mark.parametrize("size, klass", LOOKS)
def test_english_cards_draw_exactly_as_they_were_first_published(size, klass):
    name = f"{klass}-{'square' if size == sharecard.SQUARE else 'wide'}.png"
    with i18n.language("en"):
        mine = believer(SHIPPED) if klass == "believer" else _published_spectator(SHIPPED)
        data = sharecard.png(sharecard.card_for(SHIPPED, mine), size)
    reference = Image.open(REFERENCE / name).convert("RGB")
    drawn = Image.open(io.BytesIO(data)).convert("RGB")
    assert drawn.size == reference.size
    assert ImageChops.difference(drawn, reference).getbbox() is None, name


def _published_spectator(q) -> Result:
    return Result(
        dict(zip(q.dimension_ids, [30, 55, 20, 40, 25, 35, 10], strict=True)), 30.7, "spectator"
    )


# ---------------------------------------------------------------- the page's sentences


def room(share_below: float, counted: int = 1200) -> Comparison:
    return Comparison(counted + 7, share_below, {}, counted, 0, (1,) * 20, counted // 2)


def test_the_room_sentences_write_percentages_and_counts_as_french_does():
    with i18n.language("fr"):
        said = result.standing(room(45.0), 5, revealed=True)
        waiting = result.waiting(Comparison(2, 0.0, {}, needed=3))
    assert said.line == (
        "Votre score dépasse celui de 45\u00a0% des 1\u202f200 personnes comptées jusqu'ici "
        "dans cette session."
    )
    assert said.why.endswith("1\u202f207 ont terminé.")
    assert said.split == "La salle\u00a0: 50\u00a0% de convaincus, 50\u00a0% de spectateurs."
    assert waiting == "Encore 3 réponses avant de pouvoir vous comparer à la salle."


def test_the_room_sentences_stay_as_english_writes_them():
    said = result.standing(room(45.0), 5, revealed=True)
    assert said.line.startswith("You scored higher than 45% of the 1,200 people counted")
    assert said.split == "The room: 50% believers, 50% spectators."


def test_the_profile_and_the_room_picture_speak_german():
    q = SHIPPED.in_language("de")
    mine = believer(q)
    with i18n.language("de"):
        bars = result.profile_bars(q, mine, {d: 60.0 for d in q.dimension_ids})
        picture = standing.html((1,) * 20, 62.0, 62.5)
    assert bars[0].label == f"**{q.dimensions[0].name}**: Sie 50 · Saal 60 (10 unter dem Saal)"
    assert "Sie · 62" in picture and "Überzeugter ab 62,5" in picture
    assert "You ·" not in picture


def test_an_answer_too_long_is_refused_in_the_participants_language():
    with i18n.language("de"), pytest.raises(words.AnswerRefused) as refused:
        words.check("x" * 1500, 60)
    assert str(refused.value) == "Ihre Antwort ist 1.500 Zeichen lang; bitte höchstens 60."
