"""The result page in the participant's language: a finished response seen by a French or
German reader has its headline, sentences, dimension names, tips and buttons in that
language, the tips as data/questionnaire.<language>.toml words them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from streamlit.testing.v1 import AppTest

from survey import aggregate, demo, i18n, questionnaire, sharecard
from survey.rows import result_from_row
from survey.store import DEFAULT_SESSION
from survey.ui import result_page
from tests.app.conftest import RUN_TIMEOUT_S, headings, headline, profile_bars, result_sections


def result_script() -> None:
    # What pages/survey.py does for a finished participant: the questionnaire in their
    # language, and the result page drawn from it.
    import streamlit as st

    from survey import flow
    from survey.ui import resources, result_page

    q = resources.get_questionnaire().in_language(st.session_state.get("language", "en"))
    here = flow.Place(
        code=st.session_state["code"],
        title="Share",
        token=st.session_state["token"],
        stored=True,
        complete=True,
    )
    result_page.show(q, resources.get_store(), here)


def finished(db, klass: str) -> dict:
    """A real participant's finished response of `klass`, stored in the default session."""
    for seed in range(50):
        [row] = demo.responses(db.q, 1, seed=seed)
        if row["class"] == klass:
            db.insert_many(DEFAULT_SESSION, [{**row, "is_demo": 0}])
            return row
    raise AssertionError(f"no {klass} in 50 seeds")


def open_result(row: dict, language: str, **state) -> AppTest:
    at = AppTest.from_function(result_script, default_timeout=RUN_TIMEOUT_S)
    at.session_state["language"] = language
    at.session_state["code"] = DEFAULT_SESSION
    at.session_state["token"] = row["token"]
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def everything(at: AppTest) -> str:
    """Every word the page shows as text, a label or a caption."""
    parts = [
        e.value for kind in ("title", "header", "caption", "info", "markdown") for e in at.get(kind)
    ]
    parts += [b.label for b in at.button] + [m.label for m in at.metric]
    tags = re.compile(r"<style>.*?</style>|<[^>]+>", re.S)
    for h in at.get("html"):
        if 'class="result-headline"' in h.proto.body:
            parts.append(unescape(tags.sub(" ", h.proto.body)))
    parts += [e.label for e in at.expander] + [label for label, _ in profile_bars(at)]
    parts += [t for heading, said in result_sections(at).items() for t in (heading, *said)]
    return "\n".join(str(p) for p in parts)


# What a French and a German reader see, as the catalogues and the translated files say.
SAYS = {
    "fr": {
        "believer": "Vous faites partie des convaincus",
        "spectator": "Vous faites partie des spectateurs",
        "buttons": {"Refaire le questionnaire", "Vérifier à nouveau"},
        "headers": ["Où vous vous situez", "Votre profil", "Conseils pour vous", "À garder"],
        "score": "Votre score",
        "downloads": [
            "Télécharger mon résultat (PNG)",
            "Télécharger la version large pour LinkedIn (PNG)",
        ],
        "forward": "Commencez à le vivre.",
    },
    "de": {
        "believer": "Sie gehören zu den Überzeugten",
        "spectator": "Sie gehören zu den Zuschauern",
        "buttons": {"Noch einmal ausfüllen", "Erneut prüfen"},
        "headers": ["Wo Sie stehen", "Ihr Profil", "Tipps für Sie", "Zum Behalten"],
        "score": "Ihre Punktzahl",
        "downloads": [
            "Mein Ergebnis herunterladen (PNG)",
            "Breite Version für LinkedIn herunterladen (PNG)",
        ],
        "forward": "Fangen Sie an, es zu leben.",
    },
}


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("klass", ["believer", "spectator"])
def test_a_finished_response_reads_in_the_participants_language(db, language, klass):
    row = finished(db, klass)
    at = open_result(row, language)
    says = SAYS[language]
    translated = questionnaire.load().in_language(language)
    mine = result_from_row(translated, row)

    title, figures = headline(at)
    assert title == says[klass]
    assert headings(at) == says["headers"]
    assert says["buttons"] <= {b.label for b in at.button}
    assert figures[says["score"]] == f"{mine.overall:.0f} / 100"
    # The profile names each dimension as the translated file does, in its order.
    bars = [label for label, _ in profile_bars(at)]
    assert len(bars) == len(translated.dimensions)
    for bar, dim in zip(bars, translated.dimensions, strict=True):
        assert bar.startswith(dim.name)
    # The tips are the translated file's, for the dimensions the result chose.
    shown = "\n".join(result_sections(at)[says["headers"][2]])
    tipped = [d for d in translated.dimensions if d.tips[0] in shown]
    assert len(tipped) == 2
    assert all(d.description in shown for d in tipped)
    # Nothing of the English page is left: its headings, buttons, sentences.
    page = everything(at)
    english = [
        "Where you stand",
        "Your profile",
        "Tips for you",
        "Take it again",
        "Your result",
        "Your score",
        "more responses needed",
        "You're a",
        "Begin living it",
        "Take it home",
    ]
    assert not [e for e in english if e in page], page
    assert says["forward"].rstrip(".") in page


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_share_card_and_its_buttons_speak_the_participants_language(db, language):
    row = finished(db, "spectator")
    at = open_result(row, language, **{result_page.SHARE_CARD: True, result_page.LINK_QR: True})
    says = SAYS[language]
    assert [d.proto.label for d in at.get("download_button")] == says["downloads"]
    card, _qr = at.get("image")
    [alt] = [i.alt for i in card.proto.imgs]
    translated = questionnaire.load().in_language(language)
    with i18n.language(language):
        expected = sharecard.card_for(translated, result_from_row(translated, row))
    assert says["forward"] in expected.lines()
    # Its text alternative says what it says, in the same words.
    start = {"fr": "Votre carte à partager\u00a0: ", "de": "Ihre Karte zum Teilen: "}[language]
    assert alt.startswith(start + translated.title)
    assert alt.endswith(f"{expected.headline} {says['forward']}")
    # The card shown is the one made in this language (the page keys its drawing on it).
    assert result_page._card_png(expected) == sharecard.png(expected)
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert {"fr": "Partager mon résultat", "de": "Mein Ergebnis teilen"}[language] in html
    assert "Share my result" not in html


def test_the_room_comparison_is_said_in_french_with_its_numbers_written_the_french_way(db):
    row = finished(db, "believer")
    k = aggregate.min_group()
    others = [{**r, "is_demo": 0} for r in demo.responses(db.q, k, seed=99)]
    db.insert_many(DEFAULT_SESSION, others)
    at = open_result(row, "fr")
    said = [p for p in result_sections(at)["Où vous vous situez"] if "comptées" in p]
    assert len(said) == 1 and "\u00a0%" in said[0], said
    assert said[0].startswith(("Votre score dépasse celui de", "Sur les"))
    picture = next(h.proto.body for h in at.get("html") if 'class="standing"' in h.proto.body)
    assert "Vous · " in picture and "Convaincu à partir de" in picture
