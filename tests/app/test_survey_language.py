"""The participant's journey in their own language: the join page, the survey's pages and
their notices in French or German, a change of language mid-page that loses nothing, and
the language kept with the link and the stored answers."""

import pytest
from streamlit.testing.v1 import AppTest

from survey import questionnaire
from survey.store import DEFAULT_SESSION
from survey.ui import LANGUAGE
from survey.ui.language import ROW_KEY

FR = questionnaire.load().in_language("fr")
DE = questionnaire.load().in_language("de")


@pytest.fixture
def db(any_db):
    return any_db


def open_in(open_app, language: str, **query: str) -> AppTest:
    """A browser session that already reads `language` (as the control leaves it)."""
    at = open_app(**query)
    at.session_state[LANGUAGE] = language
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def switch(at: AppTest, language: str) -> AppTest:
    """Choose `language` in the language control: on a survey page its button, which sends
    the page's form; elsewhere its pill."""
    pressed = [b for b in at.button if b.key == f"language-{language}"]
    if pressed:
        pressed[0].click().run()
    else:
        at.pills(key=ROW_KEY).select(language).run()
    assert not at.exception, at.exception
    return at


def offered(at: AppTest) -> list[str]:
    """The languages the control offers, as the page names them."""
    buttons = [b.label for b in at.button if b.key and b.key.startswith("language-")]
    for pills in at.pills:
        if pills.key == ROW_KEY:
            return buttons + list(pills.options)  # the pills' options, as the page writes them
    return buttons


def radios(at: AppTest) -> dict[str, int | None]:
    return {r.key.removeprefix("q_"): r.value for r in at.radio if r.key.startswith("q_")}


def words(at: AppTest) -> str:
    """Everything the page says, as one text."""
    parts = [*at.title, *at.markdown, *at.caption, *at.text, *at.warning, *at.error]
    return "\n".join(str(p.value) for p in parts)


def test_a_french_participant_joins_and_reads_the_survey_in_french(open_app, q):
    at = open_in(open_app, "fr")
    assert at.title[0].value == "Convaincu ou spectateur ?"
    assert at.text_input(key="join_code").label == "Code de session"
    assert "Vos réponses sont conservées sans votre nom" in words(at)

    at.text_input(key="join_code").input(DEFAULT_SESSION)
    submit(at, "join", "Rejoindre")

    assert at.query_params["l"] == "fr", "the link speaks French too"
    assert at.get("progress")[0].proto.text == f"Page 1 sur {q.page_count}"
    first = FR.pages()[0][0]
    radio = at.radio(key=f"q_{first.id}")
    assert radio.label == first.text != q.pages()[0][0].text
    assert radio.options == ["Jamais", "Rarement", "Parfois", "Souvent", "Très souvent"]
    assert [b.label for b in at.button if b.label in ("Retour", "Suivant")] == [
        "Retour",
        "Suivant",
    ]
    assert "Vos réponses sont enregistrées à chaque fois" in words(at)
    assert "Supprimer mes réponses" not in words(at), "nothing stored yet"

    submit(at, "page-0", "Suivant")  # nothing answered
    assert f"Veuillez répondre aux {len(q.pages()[0])} questions" in words(at)
    assert "Réponse requise" in words(at)


@pytest.mark.parametrize(
    "typed,says",
    [
        ("QQQQ", "Aucune session ne porte le code QQQQ. Vérifiez le code affiché à l'écran."),
        ("late", "La session LATE est fermée et n'accepte plus de réponses."),
    ],
)
def test_a_code_that_cannot_be_joined_is_said_in_french(open_app, db, typed, says):
    db.set_open(db.create_session("Closed hall", "LATE"), False)
    at = open_in(open_app, "fr")
    at.text_input(key="join_code").input(typed)
    submit(at, "join", "Rejoindre")
    assert [w.value for w in at.warning] == [says]
    assert at.text_input(key="join_code"), "the join form stays"


def test_switching_to_german_on_page_two_keeps_every_answer_and_stores_german(open_app, db, q):
    at = open_in(open_app, "fr", s=DEFAULT_SESSION)
    first, second = q.pages()[0], q.pages()[1]
    for it in first:
        at.radio(key=f"q_{it.id}").set_value(4)
    submit(at, "page-0", "Suivant")
    given = {it.id: 2 for it in second[:3]}  # chosen on page 2, not sent yet
    for item_id, value in given.items():
        at.radio(key=f"q_{item_id}").set_value(value)

    switch(at, "de")  # the language control sends the page's form

    assert at.get("progress")[0].proto.text == f"Seite 2 von {q.page_count}"
    assert at.radio(key=f"q_{second[0].id}").label == DE.pages()[1][0].text
    assert at.radio(key=f"q_{second[0].id}").options[0] == "Nie"
    assert radios(at) == {it.id: given.get(it.id) for it in second}, "page 2's choices"
    assert at.query_params["l"] == "de"
    stored = db.get_response(at.query_params["p"])
    assert all(stored[it.id] is None for it in second), "a change of language sends nothing"

    submit(at, "page-1", "Zurück")
    assert radios(at) == {it.id: 4 for it in first}, "page 1's answers"
    assert at.get("progress")[0].proto.text == f"Seite 1 von {q.page_count}"

    submit(at, "page-0", "Weiter")
    assert radios(at) == {it.id: given.get(it.id) for it in second}, "still there"
    for it in second[3:]:
        at.radio(key=f"q_{it.id}").set_value(5)
    submit(at, "page-1", "Weiter")
    stored = db.get_response(at.query_params["p"])
    assert stored["language"] == "de"
    assert {it.id: stored[it.id] for it in second} == {it.id: given.get(it.id, 5) for it in second}


def test_the_last_page_shows_profile_choices_in_french_and_stores_the_main_files_values(
    open_app, db, q
):
    at = open_in(open_app, "fr", s=DEFAULT_SESSION)
    for k, items in enumerate(q.pages()):
        for it in items:
            at.radio(key=f"q_{it.id}").set_value(3)
        submit(at, f"page-{k}", "Suivant")
    role = q.profile_question("role")
    widget = at.radio(key="pr_role")
    assert widget.options == list(FR.profile_question("role").labels)
    widget.set_value(role.options[1])  # shown "Agence"

    switch(at, "en")
    assert at.radio(key="pr_role").value == role.options[1], "kept over the change"
    assert at.radio(key="pr_role").options == list(role.options)
    submit(at, f"page-{len(q.pages())}", "See my result")
    stored = db.get_response(at.query_params["p"])
    assert (stored["role"], stored["language"]) == (role.options[1], "en")


@pytest.mark.parametrize("link,reads", [("de", "Seite 1 von"), ("xx", "Page 1 of")])
def test_a_link_opens_in_its_language_and_an_unknown_one_in_the_main_language(
    open_app, link, reads
):
    at = open_app(s=DEFAULT_SESSION, l=link)
    assert at.get("progress")[0].proto.text.startswith(reads)
    assert at.query_params["l"] == ("de" if link == "de" else "en"), "the link says it"


def test_the_join_page_offers_the_other_languages_each_in_its_own_name(open_app, q):
    at = open_in(open_app, "es")
    assert offered(at) == [q.language_name(c) for c in q.languages if c != "es"]

    switch(at, "de")
    assert at.title[0].value == "Überzeugter oder Zuschauer?"
    assert at.session_state[LANGUAGE] == "de"


def test_the_result_page_changes_language_and_is_drawn_again_in_it(open_app, db, q):
    at = open_in(open_app, "fr", s=DEFAULT_SESSION)
    for k, items in enumerate(q.pages()):
        for it in items:
            at.radio(key=f"q_{it.id}").set_value(4)
        submit(at, f"page-{k}", "Suivant")
    submit(at, f"page-{len(q.pages())}", "Voir mon résultat")
    assert "Supprimer mes réponses" in [b.label for b in at.button]
    french = words(at)

    switch(at, "de")

    assert "Meine Antworten löschen" in [b.label for b in at.button]
    assert words(at) != french and "Ihr Ergebnis" in words(at)
    assert at.query_params["l"] == "de" and at.query_params["p"]
