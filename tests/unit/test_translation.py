"""The questionnaire's translations: the shipped ones load, a translated copy scores like the
main file, and every gap or mistake in a translation file stops the load with one line
naming the file and the text at fault."""

import os
import subprocess
import sys

import pytest

from survey import demo, questionnaire, scoring, translation
from survey.questionnaire import QuestionnaireError
from tests.unit.test_questionnaire import MINIMAL, write

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MAIN = (
    MINIMAL
    + """
[[open]]
id = "why"
text = "Why?"
"""
)

# A complete French translation of MAIN; each refusal below breaks exactly one thing in it.
FRENCH = """\
language = "fr"
name = "Français"
title = "Mini enquête"

[scale]
labels = ["Jamais", "Rarement", "Parfois", "Souvent", "Très souvent"]

[dimensions.alpha]
name = "Alpha"
description = "La première dimension."
tips = ["Faites plus de choses alpha."]

[dimensions.beta]
name = "Bêta"
description = "La seconde dimension."
tips = ["Faites plus de choses bêta."]

[items]
a_one = "Je fais des choses alpha."
a_two = "J'évite les choses alpha."
b_one = "Je fais des choses bêta."

[profile.role]
text = "Votre poste"
options = ["Agence", "Annonceur"]

[open.why]
text = "Pourquoi ?"
"""


def french(old: str = "", new: str = "") -> str:
    """FRENCH with one exact fragment replaced (the fragment must occur exactly once)."""
    if not old:
        return FRENCH
    assert FRENCH.count(old) == 1, f"fragment {old!r} must occur once in FRENCH"
    return FRENCH.replace(old, new)


def refusal(tmp_path, text: str, name: str = "questionnaire.fr.toml") -> str:
    main = write(tmp_path, MAIN)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire.load(main)
    message = str(exc.value)
    assert "\n" not in message
    assert str(tmp_path / name) in message  # the file at fault, not the main one
    return message


# ---------------------------------------------------------------- the shipped files


def test_the_shipped_questionnaire_speaks_english_german_spanish_and_french(q):
    assert q.languages == ("en", "de", "es", "fr")
    assert q.language == "en"
    assert [q.language_name(code) for code in q.languages] == [
        "English",
        "Deutsch",
        "Español",
        "Français",
    ]


@pytest.mark.parametrize(
    "code,title", [("fr", "Convaincu ou spectateur ?"), ("de", "Überzeugter oder Zuschauer?")]
)
def test_a_translated_copy_keeps_ids_options_and_fingerprint_and_translates_the_texts(
    q, code, title
):
    t = q.in_language(code)
    assert t.title == title and t.language == code
    assert t.item_ids == q.item_ids and t.dimension_ids == q.dimension_ids
    assert (t.fingerprint, t.threshold, t.theme) == (q.fingerprint, q.threshold, q.theme)
    assert [i.reverse for i in t.items] == [i.reverse for i in q.items]
    assert [i.dimension for i in t.items] == [i.dimension for i in q.items]
    assert all(a.text != b.text for a, b in zip(t.items, q.items, strict=True))
    assert t.scale != q.scale and len(t.scale) == len(q.scale)
    for shown, stored in zip(t.profile, q.profile, strict=True):
        assert shown.options == stored.options  # what is stored stays the main file's
        assert len(shown.labels) == len(shown.options)
        assert shown.text != stored.text
    assert t.profile_question("role").labels[0] == q.in_language(code).profile[0].labels[0]
    assert [o.id for o in t.open] == [o.id for o in q.open]


def test_the_main_questionnaire_shows_its_options_as_they_are(q):
    assert all(p.labels == p.options for p in q.profile)


def test_each_language_is_one_object_and_an_unknown_one_is_the_main_questionnaire(q):
    fr = q.in_language("fr")
    assert q.in_language("fr") is fr
    assert fr.in_language("en") is q and fr.in_language("de") is q.in_language("de")
    assert q.in_language("en") is q
    assert q.in_language("pt-BR") is q and q.in_language("") is q
    assert fr.languages == q.languages


def test_answers_score_identically_in_every_language(q):
    for row in demo.responses(q, 40, seed=4):
        answers = {i: row[i] for i in q.item_ids}
        expected = scoring.score(q, answers)
        for code in q.languages:
            assert scoring.score(q.in_language(code), answers) == expected


def test_a_version_read_back_from_the_store_has_only_its_main_language(q):
    stored = questionnaire.from_text(q.text, q.path, q.fingerprint)
    assert stored.languages == ("en",)
    assert stored.in_language("fr") is stored


# ---------------------------------------------------------------- a translation beside a file


def test_a_translation_beside_the_file_is_read_with_it(tmp_path):
    main = write(tmp_path, MAIN)
    write(tmp_path, FRENCH, "questionnaire.fr.toml")
    q = questionnaire.load(main)
    fr = q.in_language("fr")
    assert q.languages == ("en", "fr") and q.language_name("fr") == "Français"
    assert fr.item("a_two").text == "J'évite les choses alpha." and fr.item("a_two").reverse
    assert dict(zip(fr.profile[0].options, fr.profile[0].labels, strict=True)) == {
        "Agency": "Agence",
        "Brand": "Annonceur",
    }
    assert fr.open_question("why").text == "Pourquoi ?"
    assert fr.dimension("beta").tips == ("Faites plus de choses bêta.",)


def test_files_that_are_not_named_for_a_language_are_left_alone(tmp_path):
    main = write(tmp_path, MAIN)
    for name in ["questionnaire.old.toml", "questionnaire.v2.toml", "questionnaire.fr.bak"]:
        (tmp_path / name).write_text("not a translation", encoding="utf-8")
    assert questionnaire.load(main).languages == ("en",)


def test_a_main_file_without_an_extension_takes_no_database_for_a_translation(tmp_path):
    main = write(tmp_path, MAIN, "questionnaire")
    (tmp_path / "questionnaire.db").write_bytes(b"SQLite format 3\0")
    assert questionnaire.load(main).languages == ("en",)


def test_a_region_tagged_file_is_a_language_of_its_own(tmp_path):
    main = write(tmp_path, MAIN)
    write(tmp_path, french('language = "fr"', 'language = "pt-BR"'), "questionnaire.pt-BR.toml")
    assert questionnaire.load(main).languages == ("en", "pt-BR")


def test_the_main_file_may_name_its_own_language(tmp_path):
    main = write(tmp_path, 'language = "de"\nname = "Deutsch (Original)"\n' + MAIN)
    write(tmp_path, FRENCH, "questionnaire.fr.toml")
    q = questionnaire.load(main)
    assert q.languages == ("de", "fr") and q.language == "de"
    assert q.language_name("de") == "Deutsch (Original)"
    assert q.in_language("en") is q


def test_a_file_without_a_name_is_called_by_its_languages_own_name(tmp_path):
    main = write(tmp_path, MAIN)
    write(tmp_path, french('name = "Français"\n'), "questionnaire.fr.toml")
    assert questionnaire.load(main).language_name("fr") == "Français"


def test_a_translation_added_edited_or_removed_changes_the_signature(tmp_path):
    main = write(tmp_path, MAIN)
    before = translation.signature(main)
    path = write(tmp_path, FRENCH, "questionnaire.fr.toml")
    added = translation.signature(main)
    path.write_text(FRENCH + "\n# edited\n", encoding="utf-8")
    edited = translation.signature(main)
    path.unlink()
    assert len({before, added, edited}) == 3
    assert translation.signature(main) == before


def test_a_file_read_again_hands_its_translations_to_the_questionnaire_in_use(tmp_path):
    main = write(tmp_path, MAIN)
    in_use = questionnaire.load(main)
    path = write(tmp_path, FRENCH, "questionnaire.fr.toml")
    translation.refresh(in_use, questionnaire.load(main))
    assert in_use.in_language("fr").title == "Mini enquête"
    assert in_use.in_language("fr").in_language("en") is in_use
    path.unlink()
    translation.refresh(in_use, questionnaire.load(main))
    assert in_use.languages == ("en",) and in_use.in_language("fr") is in_use


THEMED = (
    MAIN
    + """
[open.themes]
Learning = ["learn", "knowledge"]
Connection = ["friend"]
"""
)


def test_a_rooms_themes_count_the_words_of_every_language_under_each_languages_names(tmp_path):
    main = write(tmp_path, THEMED)
    themes = '\n[open.why.themes]\nLearning = { name = "Apprendre", words = ["apprendre"] }\n'
    write(tmp_path, FRENCH + themes, "questionnaire.fr.toml")
    q = questionnaire.load(main)
    fr = q.in_language("fr")
    assert q.open[0].themes == (("Learning", ("learn", "knowledge", "apprendre")), THEMED_FRIEND)
    assert fr.open[0].themes == (("Apprendre", ("learn", "knowledge", "apprendre")), THEMED_FRIEND)
    assert q.in_language("fr") is fr and fr.in_language("en") is q


THEMED_FRIEND = ("Connection", ("friend",))


def test_a_theme_the_main_file_lacks_is_refused(tmp_path):
    write(tmp_path, THEMED)
    text = FRENCH + '\n[open.why.themes]\nDiscovery = { words = ["découvrir"] }\n'
    (tmp_path / "questionnaire.fr.toml").write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="'Discovery' is not a theme of the main file"):
        questionnaire.load(tmp_path / "questionnaire.toml")


def test_the_shipped_translations_name_the_themes_and_add_their_words(q):
    why = q.open_question("why")
    learning = dict(why.themes)["Learning"]
    assert "apprendre" in learning and "lernen" in learning and "aprender" in learning
    names = [n for n, _ in q.in_language("de").open_question("why").themes]
    assert len(names) == len(why.themes) and names != [n for n, _ in why.themes]


# ---------------------------------------------------------------- one line per mistake


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ('a_two = "J\'évite les choses alpha."\n', "", "item 'a_two' has no translation"),
        ('tips = ["Faites plus de choses bêta."]', "tips = []", "dimension 'beta' has 0 tips"),
        ('name = "Bêta"\n', "", "dimension 'beta', field 'name': is missing"),
        ('"Parfois", ', "", "has 4 labels; the main file has 5"),
        ('"Agence", ', "", "profile question 'role', field 'options': has 1 labels"),
        ('[open.why]\ntext = "Pourquoi ?"\n', "", "open question 'why' has no translation"),
        ("b_one =", "c_one =", "item 'c_one' is not in the main file"),
        ("[dimensions.beta]", "[dimensions.gamma]", "dimension 'gamma' is not in the main file"),
        ('title = "Mini enquête"\n', "", "field 'title': is missing"),
        ('language = "fr"', 'language = "de"', "says language = 'de', but its name says 'fr'"),
        ('title = "Mini enquête"', 'threshold = 50\ntitle = "M"', "has 'threshold'"),
        ('text = "Votre poste"', 'text = "<b>Poste</b>"', "contains raw HTML"),
        ('"Annonceur"]', '"Agence"]', "labels must all differ"),
        ("[scale]\n", "[scale\n", "invalid TOML"),
        ('text = "Pourquoi ?"', 'text = "x" \nmax_chars = 20', "has 'max_chars'"),
    ],
)
def test_a_mistake_in_a_translation_is_refused_in_one_line_naming_it(tmp_path, old, new, expected):
    assert expected in refusal(tmp_path, french(old, new))


def test_a_tip_too_few_is_counted_against_the_main_file(tmp_path):
    main = MAIN.replace('tips = ["Do more beta things."]', 'tips = ["One.", "Two.", "Three."]')
    write(tmp_path, main)
    text = french('tips = ["Faites plus de choses bêta."]', 'tips = ["Un.", "Deux."]')
    (tmp_path / "questionnaire.fr.toml").write_text(text, encoding="utf-8")
    with pytest.raises(
        QuestionnaireError, match="dimension 'beta' has 2 tips; the main file has 3"
    ):
        questionnaire.load(tmp_path / "questionnaire.toml")


def test_an_intro_is_required_only_when_the_main_file_has_one(tmp_path):
    assert "has an intro, but the main file has none" in refusal(
        tmp_path, 'intro = "Bonjour."\n' + FRENCH
    )
    write(tmp_path, 'intro = "Hello."\n' + MAIN)
    (tmp_path / "questionnaire.fr.toml").write_text(FRENCH, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="field 'intro': is missing"):
        questionnaire.load(tmp_path / "questionnaire.toml")


def test_a_translation_in_the_main_files_own_language_is_refused(tmp_path):
    text = french('language = "fr"', 'language = "en"')
    assert "the main file's own language" in refusal(tmp_path, text, "questionnaire.en.toml")


def test_a_translation_that_cannot_be_read_is_refused_in_one_line(tmp_path):
    main = write(tmp_path, MAIN)
    (tmp_path / "questionnaire.fr.toml").mkdir()  # unreadable as a file, even by root
    with pytest.raises(QuestionnaireError, match="cannot read the file") as exc:
        questionnaire.load(main)
    assert str(tmp_path / "questionnaire.fr.toml") in str(exc.value)


def test_a_translation_that_is_not_utf8_is_refused(tmp_path):
    main = write(tmp_path, MAIN)
    (tmp_path / "questionnaire.fr.toml").write_bytes(FRENCH.encode("latin-1"))
    with pytest.raises(QuestionnaireError, match="questionnaire.fr.toml: the file is not UTF-8"):
        questionnaire.load(main)


def test_the_command_line_reports_a_broken_translation_in_one_line(tmp_path):
    main = write(tmp_path, MAIN)
    (tmp_path / "questionnaire.es.toml").write_text(
        french('language = "fr"', 'language = "es"').replace("a_one =", "a_onne ="), "utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "survey", "session", "list"],
        cwd=ROOT,
        env={**os.environ, "SURVEY_QUESTIONNAIRE": str(main)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"error: {tmp_path / 'questionnaire.es.toml'}: item 'a_onne' is not in the main file."
    ]
