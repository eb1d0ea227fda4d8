"""The stage in its session's language (set on the console, kept in the database): the
titles, counts and charts in it, and the join view's instructions in a second language."""

import pytest

from survey import demo, words

from .test_stage import TITLE, figures, open_stage, texts


@pytest.fixture
def room(db, q) -> str:
    code = db.create_session(TITLE, "HALLB")
    db.insert_many(code, demo.responses(q, 12, seed=7))
    db.set_revealed(code, True)
    return code


def headings(at) -> list[str]:
    return [h.value for h in at.header] + [t.value for t in at.title]


def test_a_french_session_puts_french_titles_and_counts_on_the_stage(db, q, room):
    db.set_languages(room, "fr")

    at = open_stage(db, room, "distribution")

    assert "Les scores de la salle" in headings(at)
    hist = figures(at)[0]["layout"]
    assert hist["xaxis"]["title"]["text"] == "Score global"
    assert hist["yaxis"]["title"]["text"] == "Personnes"
    assert "Participez sur" in texts(at) and "Join at" not in texts(at), "the strip too"


def test_a_french_stage_names_the_dimensions_and_the_scale_in_french(db, q, room):
    db.set_languages(room, "fr")
    french = q.in_language("fr")

    profile = figures(open_stage(db, room, "profile"))[0]
    items = figures(open_stage(db, room, "items-1"))

    assert profile["data"][0]["y"] == [d.name for d in french.dimensions]
    assert items[0]["data"][0]["text"] == list(french.scale), "the answer scale"
    assert "plus souvent →" in [a["text"] for a in items[1]["layout"]["annotations"]]


def test_the_join_view_gives_its_instructions_in_the_second_language_too(db, room):
    db.set_languages(room, "fr", join_language="de")

    said = texts(open_stage(db, room, "join"))

    for line in ("Scannez le code QR ou ouvrez", "Code de session"):
        assert line in said
    for line in ("Scannen Sie den QR-Code oder öffnen Sie", "Session-Code"):
        assert line in said
    assert "Scan the QR code" not in said


def test_a_join_view_without_a_second_language_speaks_one(db, room):
    db.set_languages(room, "de")

    said = texts(open_stage(db, room, "join"))

    assert "Scannen Sie den QR-Code oder öffnen Sie" in said
    assert "Scannez" not in said and "Scan the QR code" not in said


def test_a_closed_french_session_says_so_in_both_languages(db, room):
    db.set_languages(room, "fr", join_language="es")
    db.set_open(room, False)

    at = open_stage(db, room, "join")

    assert "Cette session est close" in headings(at)
    assert "Esta sesión está cerrada" in texts(at)


def test_the_console_choosing_another_language_redraws_the_open_stage_in_it(db, room):
    at = open_stage(db, room, "split")
    assert "Believers or spectators?" in headings(at)

    db.set_languages(room, "de")
    at.run()  # the next poll

    assert not at.exception, at.exception
    assert "Überzeugte oder Zuschauer?" in headings(at)
    labels = [m.label for m in at.metric]
    assert any(label.startswith("Überzeugte · ") for label in labels), labels


def test_a_french_stage_asks_the_open_question_and_names_its_themes_in_french(db, q):
    code = db.create_session("Pourquoi", "WHYFR")
    answers = ["Constant learning", "apprendre en continu", "Connections"]
    rows = demo.responses(q, len(answers), seed=4)
    db.insert_many(
        code, [{**r, "is_demo": 0, "why": w} for r, w in zip(rows, answers, strict=True)]
    )
    db.set_languages(code, "fr")
    french = next(o for o in q.in_language("fr").open if o.id == "why")

    waiting = open_stage(db, code, "words-why")
    db.moderate(code, "why", ["constant learning", "apprendre en continu"], words.APPROVED)
    at = open_stage(db, code, "themes-why")

    assert french.text.endswith("vous apportent ?")  # shown escaped, as the file's words are
    assert "### En quelques mots" in texts(waiting) and "vous apportent ?" in texts(waiting)
    assert "à mesure que l'animateur les approuve" in texts(waiting)
    assert "Les raisons de la salle, par thème" in headings(at)
    bars = figures(at)[0]["data"][0]
    counts = dict(zip(bars["y"], bars["x"], strict=True))
    # the room's words in either language count for the theme, named in French
    assert counts["Apprendre"] == 2, counts
