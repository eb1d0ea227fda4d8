"""What the stage says in the session's language: every view's title, the placeholders of
a group under k, the closing line, the charts' words, and the join view's instructions in
two languages (survey.stage_text, survey.charts, survey.stage)."""

import textwrap

import pytest

from survey import charts, i18n, stage, stage_text
from survey.aggregate import Summary
from survey.scoring import BELIEVER, SPECTATOR

K = 5
FRENCH_TITLES = {
    "join": "Participez à l'enquête",
    "split": "Convaincus ou spectateurs ?",
    "distribution": "Les scores de la salle",
    "profile": "Convaincus face aux spectateurs",
    "words": "Avec les mots de la salle",
    "themes": "Les raisons de la salle, par thème",
    "time": "Les réponses au fil du temps",
    "closing": "Merci",
}


def test_every_views_title_is_french_on_a_french_stage(q):
    vs = stage.views(q)
    with i18n.language("fr"):
        titles = {v.kind: v.title for v in vs if v.kind != "items"}
        items = [v.title for v in vs if v.kind == "items"]
    assert titles == FRENCH_TITLES
    assert items[0] == f"Ce que fait la salle (1 sur {len(items)})"
    assert vs[0].title == "Join the survey", "English again outside the French block"


def test_the_closing_line_ends_with_the_essays_line_in_each_language():
    with i18n.language("fr"):
        assert stage_text.closing_line().endswith("Commencez à le vivre.")
    with i18n.language("de"):
        assert stage_text.closing_line().endswith("Fangen Sie an, es zu leben.")
    assert stage_text.closing_line() == stage.CLOSING_LINE


def summary(n: int) -> Summary:
    return Summary(n, 0, 0, believers=n, spectators=0)


@pytest.mark.parametrize(
    "who,french",
    [
        (stage_text.COMPLETE, "Moins de 5 réponses complètes pour l'instant"),
        (BELIEVER, "Moins de 5 convaincus pour l'instant"),
        (SPECTATOR, "Moins de 5 spectateurs pour l'instant"),
        (stage_text.OUTSIDE, "Moins de 5 personnes hors de ce segment"),
    ],
)
def test_a_group_under_k_is_named_in_french(who, french):
    with i18n.language("fr"):
        text = stage_text.fewer_than(K, who)
    assert text.startswith(french)
    assert text.endswith("dès qu'il y en aura 5.")


def test_the_placeholders_of_a_small_room_count_in_the_languages_plural():
    view = stage.View("profile", "profile", "Believers against spectators")
    g = stage.Groups(population=True, classes={BELIEVER: False, SPECTATOR: False})
    with i18n.language("fr"):
        assert stage_text.few_message(view, summary(12), g, False, K) == (
            "Moins de 5 convaincus et moins de 5 spectateurs pour l'instant."
        )
        assert stage_text.more_needed(1) == "Encore 1 réponse avant l'affichage des résultats."
        assert stage_text.more_needed(3) == "Encore 3 réponses avant l'affichage des résultats."
        assert stage_text.published_note(10, 12, K).startswith("10 sur 12 ayant terminé")
    assert stage_text.more_needed(1) == "1 more response needed before results are shown."


def test_the_join_view_speaks_the_sessions_language_and_its_second_one_below():
    languages = stage_text.join_languages("fr", "de")
    first, second = (stage_text.join_words(code) for code in languages)
    assert (first.scan, first.code) == ("Scannez le code QR ou ouvrez", "Code de session")
    assert (second.scan, second.code) == ("Scannen Sie den QR-Code oder öffnen Sie", "Session-Code")
    assert second.closed == "Diese Session ist geschlossen"
    assert stage_text.join_words().scan == "Scan the QR code, or open", "English by default"


@pytest.mark.parametrize(
    "language,second,spoken",
    [
        ("fr", "de", ("fr", "de")),
        ("fr", "", ("fr",)),  # no second join language
        ("de", "de", ("de",)),  # the same one twice is said once
        ("", "es", ("en", "es")),  # an old session: English first
    ],
)
def test_the_join_view_says_each_language_once(language, second, spoken):
    assert stage_text.join_languages(language, second) == spoken


def test_the_charts_words_follow_the_stage_language(q):
    s = Summary(
        10, 0, 0, believers=6, spectators=4, hist_edges=[0.0, 50.0, 100.0], hist_counts=[4, 6]
    )
    with i18n.language("de"):
        fig = charts.histogram(s, 60.0, True, True, 24, None)
        split = charts.split_bar(s)
    assert fig.layout.xaxis.title.text == "Gesamtwert"
    assert fig.layout.yaxis.title.text == "Personen"
    assert fig.layout.annotations[0].text == "Was-wäre-wenn 60"
    assert [t.name for t in split.data] == ["Überzeugte", "Zuschauer"]
    assert charts.histogram(s, 60.0).layout.xaxis.title.text == "Overall score"


def test_the_profiles_dimension_names_come_from_the_translated_questionnaire(q):
    s = Summary(10, 0, 0, believers=5, spectators=5)
    s.dim_means = {BELIEVER: dict.fromkeys(q.dimension_ids, 70.0)}
    french = q.in_language("fr")
    with i18n.language("fr"):
        fig = charts.dimension_bars(s, french, True, [BELIEVER], 24, None)
    assert list(fig.data[0].y) == [d.name for d in french.dimensions]
    assert fig.data[0].y[0] != q.dimensions[0].name, "the French name, not the English one"
    assert fig.data[0].name == "Convaincus"
    assert fig.layout.xaxis.title.text == "Score moyen (0-100)"


def test_every_items_label_keeps_to_three_lines_in_every_language_of_the_file(q):
    stage = 40  # characters a line on the stage (survey/ui/stage_views.py) in English
    for code in q.languages:
        texts = [i.text for i in q.in_language(code).items]
        wrap = charts.label_wrap(texts, least=stage)
        assert all(len(textwrap.wrap(t, wrap)) <= 3 for t in texts), code
    assert charts.label_wrap([i.text for i in q.items], least=stage) == stage, "as before"
    assert charts.label_wrap([i.text for i in q.in_language("fr").items], least=stage) > stage
