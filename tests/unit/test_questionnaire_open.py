"""Open questions in the questionnaire file: the shipped one asks the essay's "why", and
every mistake in an [[open]] table is one message naming the file, the question and the field."""

import pytest

from survey import questionnaire
from tests.unit.test_questionnaire import MINIMAL, error_for, write

OPEN = """
[[open]]
id = "why"
text = "In a few words: why?"
"""


def test_the_shipped_questionnaire_asks_the_essays_why_in_60_characters_on_its_last_page(q):
    (why,) = q.open
    assert why.id == "why" and "what do you get out of social media" in why.text
    assert why.max_chars == 60
    assert q.page_count == len(q.pages()) + 1  # shares the last page with the profile


def test_an_open_question_has_60_characters_unless_it_says_otherwise(tmp_path):
    q = questionnaire.load(write(tmp_path, MINIMAL + OPEN))
    assert q.open == (questionnaire.OpenQuestion("why", "In a few words: why?", 60),)
    q = questionnaire.load(write(tmp_path, MINIMAL + OPEN + "max_chars = 120\n"))
    assert q.open_question("why").max_chars == 120


def test_open_questions_alone_still_make_a_last_page(tmp_path):
    without_profile = MINIMAL[: MINIMAL.index("[[profile]]")]
    q = questionnaire.load(write(tmp_path, without_profile + OPEN))
    assert q.profile == () and q.page_count == len(q.pages()) + 1


@pytest.mark.parametrize(
    "extra, field, says",
    [
        ("max_chars = 5\n", "max_chars", "must be a whole number from 10 to 200"),
        ("max_chars = 1000\n", "max_chars", "must be a whole number from 10 to 200"),
        ('max_chars = "60"\n', "max_chars", "must be a whole number from 10 to 200"),
        ("max_chars = true\n", "max_chars", "must be a whole number from 10 to 200"),
        ('text = "<b>Why?</b>"\n', "text", "contains raw HTML"),
    ],
)
def test_a_bad_open_question_is_reported_by_file_question_and_field(tmp_path, extra, field, says):
    text = (
        MINIMAL + OPEN.replace('text = "In a few words: why?"\n', "") if "text" in extra else None
    )
    text = text + extra if text else MINIMAL + OPEN + extra
    message, path = error_for(tmp_path, text)
    assert message.startswith(f"{path}: open question 'why', field '{field}': {says}")
    assert "\n" not in message


def test_an_open_question_without_text_or_reusing_an_id_is_refused(tmp_path):
    message, _ = error_for(tmp_path, MINIMAL + '[[open]]\nid = "why"\n')
    assert "open question 'why', field 'text': is missing or empty" in message
    message, _ = error_for(tmp_path, MINIMAL + OPEN.replace('"why"', '"role"'))
    assert "open question #1, field 'id': duplicate id 'role'" in message


def test_at_most_three_open_questions(tmp_path):
    many = "".join(OPEN.replace('"why"', f'"why_{n}"') for n in range(4))
    message, _ = error_for(tmp_path, MINIMAL + many)
    assert "field 'open': has 4 questions; give at most 3" in message


def test_the_shipped_open_question_maps_words_to_the_essays_six_themes(q):
    themes = [name for name, _ in q.open_question("why").themes]
    assert themes == [
        "Learning",
        "Discovery",
        "Advocacy",
        "Conversation",
        "Connection",
        "Inspiration",
    ]


@pytest.mark.parametrize(
    "themes, says",
    [
        ('themes = "learning"', "must be a table"),
        ("themes = { Learning = [] }", "'Learning' must list 1 to 60 words or phrases"),
        ("themes = { Learning = [1] }", "'Learning' lists something that is not a word"),
        ('themes = { Learning = ["<b>x</b>"] }', "contains raw HTML"),
    ],
)
def test_a_bad_theme_is_reported_by_file_question_and_field(tmp_path, themes, says):
    message, path = error_for(tmp_path, MINIMAL + OPEN + themes + "\n")
    assert message.startswith(f"{path}: open question 'why', field 'themes': {says}")
