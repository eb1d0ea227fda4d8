"""The facilitator's languages: the console speaks its session's language (which the
console sets, with the stage's second join language), and the sessions and export pages
and the sign-in speak the browser's language, or the one chosen in the sidebar."""

import pytest
from streamlit.testing.v1 import AppTest

from survey import demo
from survey.ui import facilitator_language

from .conftest import APP, RUN_TIMEOUT_S
from .test_facilitator import console


@pytest.fixture
def room(db, q) -> str:
    """A French session with finished answers."""
    code = db.create_session("Salon Marketing", "SALNE")
    db.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(q, 6, seed=5)])
    db.set_languages(code, "fr")
    return code


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def select(at: AppTest, key: str):
    return at.selectbox(key=key)


def test_the_console_of_a_french_session_speaks_french(facilitator, room):
    at = console(facilitator, room)

    assert {"Suivant →", "← Précédent", "Afficher les résultats sur la scène"} <= labels(at)
    assert "Plus pour la scène" in [h.value for h in at.subheader]
    assert "Réponses complètes" in [m.label for m in at.metric]
    assert "Next →" not in labels(at)


def test_changing_the_stage_language_stores_it_and_the_console_follows(facilitator, db, room):
    at = console(facilitator, room)

    select(at, f"stage_language_{room}").set_value("de").run()

    assert not at.exception, at.exception
    assert db.get_session(room)["language"] == "de"
    assert {"Weiter →", "Ergebnisse auf der Bühne zeigen"} <= labels(at)
    assert select(at, f"stage_language_{room}").label == "Sprache von Bühne und Konsole"


def test_the_join_language_is_another_language_than_the_stages(facilitator, db, q, room):
    at = console(facilitator, room)
    join = select(at, f"join_language_{room}")
    others = [q.language_name(c) for c in q.languages if c != "fr"]
    assert join.options == ["Seulement la langue de la scène", *others]
    assert "Français" not in join.options

    join.set_value("es").run()
    assert db.get_session(room)["join_language"] == "es"

    # The stage's language becomes the join language: no second language is left.
    select(at, f"stage_language_{room}").set_value("es").run()
    assert (db.get_session(room)["language"], db.get_session(room)["join_language"]) == ("es", "")
    assert select(at, f"join_language_{room}").value == ""
    assert "Siguiente →" in labels(at)


def test_a_language_changed_on_another_console_shows_on_the_next_run(facilitator, db, room):
    at = console(facilitator, room)
    db.set_languages(room, "es", "en")

    at.run()

    assert "Siguiente →" in labels(at)
    assert select(at, f"stage_language_{room}").value == "es"
    assert select(at, f"join_language_{room}").value == "en"


def test_choosing_a_session_in_another_language_turns_the_console_to_it(facilitator, db, room):
    db.create_session("English talk", "TALKE")
    at = facilitator("pages/console.py", s="TALKE")
    assert "Next →" in labels(at)

    next(s for s in at.selectbox if s.label == "Session").select(room).run()

    assert not at.exception, at.exception
    assert "Suivant →" in labels(at)
    assert at.query_params["s"] == room


def test_the_sessions_page_speaks_the_facilitators_language(facilitator, db):
    at = facilitator("pages/sessions.py")
    at.session_state[facilitator_language.OWN] = "de"
    at.run()

    assert [h.value for h in at.header] == [
        "Neue Session",
        "Alle Sessions",
        "Eine Session verwalten",
    ]
    assert "Session anlegen" in {b.label for b in at.button}
    assert at.sidebar.selectbox[0].value == "de"


def test_a_session_made_in_german_has_a_german_stage_by_default(facilitator, db):
    at = facilitator("pages/sessions.py")
    at.session_state[facilitator_language.OWN] = "de"
    at.run()
    next(t for t in at.text_input if t.label == "Titel").input("Messe Halle 3")
    next(t for t in at.text_input if t.label == "Code (optional)").input("HALLE")
    at.button(key="FormSubmitter:create-Session anlegen").click().run()

    assert not at.exception, at.exception
    assert any("Session HALLE angelegt" in s.value for s in at.success)
    assert (db.get_session("HALLE")["language"], db.get_session("HALLE")["join_language"]) == (
        "de",
        "",
    )


def test_the_sidebar_choice_changes_the_facilitators_pages(facilitator):
    at = facilitator("pages/export.py")
    assert at.title[0].value == "Export"

    at.sidebar.selectbox[0].set_value("es").run()

    assert at.title[0].value == "Exportar"
    at.switch_page("pages/sessions.py").run()
    assert at.title[0].value == "Sesiones"


def test_the_sign_in_speaks_the_browsers_language():
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
    at.context["locale"] = "fr-CA"  # no Accept-Language in AppTest: the browser's locale
    at.run()
    at.switch_page("pages/sessions.py").run()

    assert at.title[0].value == "Connexion de l'animateur"
    assert [t.label for t in at.text_input] == ["Code d'accès"]


@pytest.mark.parametrize(
    "row,expected",
    [
        ({"language": "fr", "join_language": "en"}, ("fr", "en")),
        ({"language": "fr", "join_language": "fr"}, ("fr", "")),
        ({"language": "it", "join_language": "de"}, ("en", "de")),  # a translation removed
        ({"language": "de", "join_language": "it"}, ("de", "")),
        (None, ("en", "")),
    ],
)
def test_a_sessions_languages_are_ones_the_questionnaire_has(q, row, expected):
    assert facilitator_language.of_session(row, q) == expected
