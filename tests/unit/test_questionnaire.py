"""The questionnaire file: the shipped one loads, and every mistake an editor can make
is reported in one message naming the file, the entry and the field."""

import shutil
import tomllib

import pytest

from survey import export, questionnaire
from survey.questionnaire import QuestionnaireError

# A small questionnaire that is valid; each error test breaks exactly one thing in it.
MINIMAL = """\
title = "Mini survey"
threshold = 60
items_per_page = 2

[scale]
labels = ["Never", "Rarely", "Sometimes", "Often", "Very often"]

[[dimensions]]
id = "alpha"
name = "Alpha"
description = "The first dimension."
tips = ["Do more alpha things."]

[[dimensions]]
id = "beta"
name = "Beta"
description = "The second dimension."
tips = ["Do more beta things."]

[[items]]
id = "a_one"
dimension = "alpha"
text = "I do alpha things."

[[items]]
id = "a_two"
dimension = "alpha"
text = "I avoid alpha things."
reverse = true

[[items]]
id = "b_one"
dimension = "beta"
text = "I do beta things."

[[profile]]
id = "role"
text = "Your role"
kind = "single"
options = ["Agency", "Brand"]
"""


def write(tmp_path, text, name="questionnaire.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(old: str, new: str) -> str:
    """MINIMAL with one exact fragment replaced (the fragment must occur exactly once)."""
    assert MINIMAL.count(old) == 1, f"fragment {old!r} must occur once in MINIMAL"
    return MINIMAL.replace(old, new)


def error_for(tmp_path, text) -> tuple[str, str]:
    path = write(tmp_path, text)
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire.load(path)
    return str(exc.value), str(path)


# ---------------------------------------------------------------- the shipped file


def test_the_shipped_questionnaire_has_21_items_in_7_dimensions_of_3(q):
    assert len(q.items) == 21
    assert len(q.dimensions) == 7
    assert {d.id: len(q.items_of(d.id)) for d in q.dimensions} == {d: 3 for d in q.dimension_ids}


def test_the_shipped_questionnaire_has_a_few_reverse_keyed_items(q):
    assert 4 <= sum(i.reverse for i in q.items) <= 6


def test_the_shipped_questionnaire_has_five_scale_labels_and_threshold_60(q):
    assert q.scale == ("Never", "Rarely", "Sometimes", "Often", "Very often")
    assert q.threshold == 60


def test_the_shipped_questionnaire_shows_3_pages_of_7_items_in_file_order(q):
    pages = q.pages()
    assert [len(page) for page in pages] == [7, 7, 7]
    assert [i.id for page in pages for i in page] == q.item_ids
    # The optional profile questions get a page of their own after the items.
    assert q.page_count == len(pages) + 1


def test_every_dimension_of_the_shipped_questionnaire_has_tips_and_a_description(q):
    for d in q.dimensions:
        assert d.name and d.description
        assert 1 <= len(d.tips) <= 3


def test_the_minimal_document_used_by_the_error_tests_is_valid(tmp_path):
    loaded = questionnaire.load(write(tmp_path, MINIMAL))
    assert loaded.item_ids == ["a_one", "a_two", "b_one"]
    assert loaded.item("a_two").reverse
    assert [len(page) for page in loaded.pages()] == [2, 1]


def test_the_fingerprint_changes_when_the_file_changes(tmp_path):
    path = tmp_path / "questionnaire.toml"
    shutil.copyfile(questionnaire.DEFAULT_PATH, path)
    before = questionnaire.load(path).fingerprint
    assert questionnaire.load(path).fingerprint == before  # stable for the same bytes

    path.write_bytes(path.read_bytes() + b"\n# reworded nothing, but the file changed\n")
    after = questionnaire.load(path).fingerprint

    assert before != after
    assert len(before) == len(after) == 12


def test_the_fingerprint_of_the_shipped_file_matches_a_copy_of_it(q, tmp_path):
    path = tmp_path / "copy.toml"
    shutil.copyfile(questionnaire.DEFAULT_PATH, path)
    assert questionnaire.load(path).fingerprint == q.fingerprint


def test_the_questionnaire_path_can_be_chosen_with_an_environment_variable(tmp_path, monkeypatch):
    path = write(tmp_path, MINIMAL)
    monkeypatch.setenv("SURVEY_QUESTIONNAIRE", str(path))
    assert questionnaire.load().title == "Mini survey"


# ---------------------------------------------------------------- one message per mistake


@pytest.mark.parametrize(
    "old,new,entry,field,problem",
    [
        pytest.param(
            'id = "b_one"', 'id = "a_one"', "item #3", "id", "duplicate id 'a_one'", id="duplicate"
        ),
        pytest.param(
            'dimension = "beta"',
            'dimension = "gamma"',
            "item 'b_one'",
            "dimension",
            "'gamma' is not a known dimension",
            id="unknown-dimension",
        ),
        pytest.param(
            'text = "I do beta things."\n',
            "",
            "item 'b_one'",
            "text",
            "missing or empty",
            id="missing-item-text",
        ),
        pytest.param(
            'text = "I do beta things."',
            'text = "   "',
            "item 'b_one'",
            "text",
            "missing or empty",
            id="blank-item-text",
        ),
        pytest.param(
            'labels = ["Never", "Rarely", "Sometimes", "Often", "Very often"]',
            "points = 5",
            "scale",
            "labels",
            "is missing",
            id="scale-without-labels",
        ),
        pytest.param(
            '"Sometimes", "Often", "Very often"]',
            '"Often", "Very often"]',
            "scale",
            "labels",
            "exactly 5 labels",
            id="four-labels",
        ),
        pytest.param(
            '"Often", "Very often"]',
            '"Often", "Very often", "Always"]',
            "scale",
            "labels",
            "exactly 5 labels",
            id="six-labels",
        ),
        pytest.param(
            "threshold = 60",
            "threshold = 140",
            "questionnaire",
            "threshold",
            "is 140; it must be from 0 to 100",
            id="threshold-140",
        ),
        pytest.param(
            "threshold = 60",
            "threshold = -5",
            "questionnaire",
            "threshold",
            "it must be from 0 to 100",
            id="threshold-negative",
        ),
        pytest.param(
            "threshold = 60",
            'threshold = "sixty"',
            "questionnaire",
            "threshold",
            "must be a number",
            id="threshold-text",
        ),
        pytest.param(
            "threshold = 60",
            "threshold = true",
            "questionnaire",
            "threshold",
            "must be a number",
            id="threshold-boolean",
        ),
        pytest.param(
            'tips = ["Do more beta things."]\n',
            "",
            "dimension 'beta'",
            "tips",
            "list of 1 to 3 tips",
            id="tips-missing",
        ),
        pytest.param(
            'tips = ["Do more beta things."]',
            'tips = ["one", "two", "three", "four"]',
            "dimension 'beta'",
            "tips",
            "has 4 tips",
            id="too-many-tips",
        ),
        pytest.param(
            '[[items]]\nid = "a_one"',
            '[[dimensions]]\nid = "gamma"\nname = "Gamma"\ndescription = "Unused."\n'
            'tips = ["x"]\n\n[[items]]\nid = "a_one"',
            "dimension 'gamma'",
            "items",
            "no item measures this dimension",
            id="dimension-without-items",
        ),
        pytest.param(
            'id = "b_one"',
            'id = "status"',
            "item #3",
            "id",
            "'status' is a column the app keeps for every response; choose another id",
            id="reserved-id",
        ),
        pytest.param(
            'id = "b_one"',
            'id = "score_total"',
            "item #3",
            "id",
            "'score_total' is how the export names a dimension's score",
            id="reserved-score-prefix",
        ),
        pytest.param(
            'id = "b_one"',
            'id = "B-one"',
            "item #3",
            "id",
            "must be lower-case letters, digits and _",
            id="bad-id-characters",
        ),
        pytest.param(
            'id = "beta"',
            'id = "2beta"',
            "dimension #2",
            "id",
            "letter first",
            id="id-starting-with-digit",
        ),
        pytest.param(
            'kind = "single"',
            'kind = "many"',
            "profile question 'role'",
            "kind",
            "is 'many'; use 'single' or 'multi'",
            id="profile-kind",
        ),
        pytest.param(
            'options = ["Agency", "Brand"]',
            'options = ["Agency", "Agency"]',
            "profile question 'role'",
            "options",
            "choices must all differ",
            id="profile-duplicate-options",
        ),
        pytest.param(
            "reverse = true",
            'reverse = "yes"',
            "item 'a_two'",
            "reverse",
            "must be true or false",
            id="reverse-not-boolean",
        ),
        pytest.param(
            "items_per_page = 2",
            "items_per_page = 0",
            "questionnaire",
            "items_per_page",
            "whole number from 1 to 20",
            id="items-per-page",
        ),
        pytest.param(
            'title = "Mini survey"\n',
            "",
            "questionnaire",
            "title",
            "missing or empty",
            id="title-missing",
        ),
    ],
)
def test_a_malformed_questionnaire_is_reported_by_file_entry_and_field(
    tmp_path, old, new, entry, field, problem
):
    message, path = error_for(tmp_path, broken(old, new))
    assert message.startswith(f"{path}: {entry}, field '{field}': ")
    assert problem in message


def test_a_dimension_id_reused_by_an_item_is_a_duplicate(tmp_path):
    message, path = error_for(tmp_path, broken('id = "b_one"', 'id = "beta"'))
    assert message == f"{path}: item #3, field 'id': duplicate id 'beta'."


def test_a_questionnaire_without_items_says_which_table_is_missing(tmp_path):
    without_items = MINIMAL[: MINIMAL.index("[[items]]")]
    message, path = error_for(tmp_path, without_items)
    assert message.startswith(f"{path}: questionnaire, field 'items': ")
    assert "[[items]]" in message


def test_bad_toml_syntax_is_reported_with_the_line_number(tmp_path):
    # Line 2 loses its closing quote.
    message, path = error_for(tmp_path, broken("threshold = 60", 'threshold = "60'))
    assert message.startswith(f"{path}: invalid TOML")
    assert "line 2" in message


def test_a_file_that_is_not_utf8_is_reported_plainly(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Mini survey", "Enquête").encode("latin-1"))
    with pytest.raises(QuestionnaireError, match="not UTF-8") as exc:
        questionnaire.load(path)
    assert str(path) in str(exc.value)


def test_a_missing_file_is_reported_with_its_path(tmp_path):
    path = tmp_path / "nowhere" / "questionnaire.toml"
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire.load(path)
    assert str(exc.value).startswith(f"{path}: cannot read the file")
    assert "No such file" in str(exc.value)


def test_parse_names_its_source_in_messages():
    data = tomllib.loads(broken("threshold = 60", "threshold = 140"))
    with pytest.raises(
        QuestionnaireError, match=r"^upload\.toml: questionnaire, field 'threshold'"
    ):
        questionnaire.parse(data, source="upload.toml")


def test_a_list_given_as_an_items_dimension_is_reported_as_a_questionnaire_error(tmp_path):
    message, path = error_for(tmp_path, broken('dimension = "beta"', 'dimension = ["beta"]'))
    assert message.startswith(f"{path}: item 'b_one', field 'dimension': ")


# ---------------------------------------------------------------- nothing fetched, nothing raw


@pytest.mark.parametrize(
    "old,new,entry,field",
    [
        pytest.param(
            'title = "Mini survey"',
            'title = "Mini ![logo](https://tracker.example/p.gif) survey"',
            "questionnaire",
            "title",
            id="title",
        ),
        pytest.param(
            "items_per_page = 2",
            'items_per_page = 2\nintro = """Hello\n\n![x][pixel]\n\n[pixel]: https://t.example/a.png"""',
            "questionnaire",
            "intro",
            id="intro-reference-style",
        ),
        pytest.param(
            'text = "I do beta things."',
            'text = "I do beta things ![pixel]"',
            "item 'b_one'",
            "text",
            id="item-shortcut-reference",
        ),
        pytest.param(
            'description = "The first dimension."',
            'description = "The first ![](https://t.example/a.png) dimension."',
            "dimension 'alpha'",
            "description",
            id="dimension-description",
        ),
        pytest.param(
            'tips = ["Do more beta things."]',
            'tips = ["Fine.", "Look: ![chart][]"]',
            "dimension 'beta'",
            "tips",
            id="tip-collapsed-reference",
        ),
        pytest.param(
            'text = "Your role"',
            'text = "Your ![role](https://t.example/r.png)"',
            "profile question 'role'",
            "text",
            id="profile-text",
        ),
        pytest.param(
            'options = ["Agency", "Brand"]',
            'options = ["Agency", "![Brand](https://t.example/b.png)"]',
            "profile question 'role'",
            "options",
            id="profile-option",
        ),
    ],
)
def test_a_markdown_image_anywhere_is_refused_by_file_entry_and_field(
    tmp_path, old, new, entry, field
):
    message, path = error_for(tmp_path, broken(old, new))
    assert message.startswith(f"{path}: {entry}, field '{field}': contains a Markdown image")
    assert "phone would fetch" in message


@pytest.mark.parametrize(
    "old,new,entry,field",
    [
        pytest.param(
            'title = "Mini survey"',
            "title = 'Mini <img src=\"https://t.example/p.gif\"> survey'",
            "questionnaire",
            "title",
            id="img-tag",
        ),
        pytest.param(
            'text = "I do beta things."',
            'text = "I do <b>beta</b> things."',
            "item 'b_one'",
            "text",
            id="bold-tag",
        ),
        pytest.param(
            'description = "The first dimension."',
            'description = "The first <!-- hidden --> dimension."',
            "dimension 'alpha'",
            "description",
            id="comment",
        ),
        pytest.param(
            'name = "Beta"',
            'name = "Beta</div><script>alert(1)</script>"',
            "dimension 'beta'",
            "name",
            id="script",
        ),
        pytest.param(
            '"Often", "Very often"]',
            '"Often", "Very <i>often</i>"]',
            "scale",
            "labels",
            id="scale-label",
        ),
        pytest.param(
            'options = ["Agency", "Brand"]',
            'options = ["Agency", "<iframe src=x>"]',
            "profile question 'role'",
            "options",
            id="profile-option",
        ),
    ],
)
def test_raw_html_anywhere_is_refused_by_file_entry_and_field(tmp_path, old, new, entry, field):
    message, path = error_for(tmp_path, broken(old, new))
    assert message.startswith(f"{path}: {entry}, field '{field}': contains raw HTML")


def test_plain_text_with_angle_brackets_links_and_exclamations_is_fine(tmp_path):
    text = broken(
        'text = "I do beta things."',
        'text = "Wow! I post < 5 times a day, see [the essay](https://example.com) or'
        ' <https://example.com/why> [sic]"',
    )
    assert (
        "<https://example.com/why>" in questionnaire.load(write(tmp_path, text)).item("b_one").text
    )


# ---------------------------------------------------------------- files that broke the parser


def test_a_file_saved_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    loaded = questionnaire.load(path)
    assert loaded.title == "Mini survey"
    assert loaded.item_ids == ["a_one", "a_two", "b_one"]


@pytest.mark.parametrize("nesting", ["[" * 5000 + "]" * 5000, "{a = " * 5000 + "1" + "}" * 5000])
def test_very_deep_nesting_is_one_clear_message(tmp_path, nesting):
    message, path = error_for(tmp_path, MINIMAL + f"\ndeep = {nesting}\n")
    assert message == f"{path}: invalid TOML: arrays or tables are nested too deeply."


def many_items(n: int) -> str:
    extra = "".join(
        f'\n[[items]]\nid = "extra_{k}"\ndimension = "alpha"\ntext = "Item {k}."\n'
        for k in range(n - 3)
    )
    return MINIMAL.replace("[[profile]]", extra + "\n[[profile]]")


def test_two_hundred_items_are_allowed(tmp_path):
    assert len(questionnaire.load(write(tmp_path, many_items(200))).items) == 200


def test_more_than_two_hundred_items_is_one_clear_message(tmp_path):
    # 2,100 items used to fail deep in SQLite with "too many columns".
    message, path = error_for(tmp_path, many_items(2100))
    assert message == f"{path}: questionnaire, field 'items': has 2100 items; give at most 200."


def test_more_than_twenty_profile_questions_is_one_clear_message(tmp_path):
    extra = "".join(
        f'\n[[profile]]\nid = "extra_{k}"\ntext = "Q{k}"\noptions = ["Yes", "No"]\n'
        for k in range(20)
    )
    message, path = error_for(tmp_path, MINIMAL + extra)
    assert message.startswith(f"{path}: questionnaire, field 'profile': has 21 questions")


# ---------------------------------------------------------------- ids and the export's columns


def test_an_item_may_not_take_the_name_of_any_column_of_the_export(tmp_path):
    multi = '\n[[profile]]\nid = "tools"\ntext = "Tools"\nkind = "multi"\noptions = ["Slack"]\n'
    q = questionnaire.load(write(tmp_path, MINIMAL + multi))
    own = set(q.item_ids) | {p.id for p in q.profile}
    names = {c.name for c in export.columns(q)} - own
    assert {"response_id", "overall", "class", "score_alpha", "tools_slack"} <= names
    for name in sorted(names):
        message, path = error_for(tmp_path, broken('id = "b_one"', f'id = "{name}"') + multi)
        assert message.startswith(f"{path}: "), message
        assert f"'{name}'" in message and "\n" not in message


@pytest.mark.parametrize("name", ["superseded_by", "rowid", "public_id", "ctid", "oid"])
def test_the_stores_own_columns_are_refused_as_ids(tmp_path, name):
    message, path = error_for(tmp_path, broken('id = "b_one"', f'id = "{name}"'))
    assert message == (
        f"{path}: item #3, field 'id': '{name}' is a column the app keeps for every "
        "response; choose another id."
    )


def test_a_choice_whose_export_column_is_an_item_id_is_refused(tmp_path):
    text = MINIMAL.replace('id = "b_one"', 'id = "tools_slack"') + (
        '\n[[profile]]\nid = "tools"\ntext = "Tools"\nkind = "multi"\n'
        'options = ["Slack", "Teams"]\n'
    )
    message, path = error_for(tmp_path, text)
    assert message == (
        f"{path}: profile question 'tools', field 'options': 'Slack' makes the export "
        "column 'tools_slack', an id."
    )


def test_two_choices_that_make_the_same_export_column_are_refused(tmp_path):
    text = MINIMAL + (
        '\n[[profile]]\nid = "tools"\ntext = "Tools"\nkind = "multi"\n'
        'options = ["X (Twitter)", "X twitter"]\n'
    )
    message, _ = error_for(tmp_path, text)
    assert "'X twitter' and 'X (Twitter)' both make the export column 'tools_x_twitter'" in message


def test_the_issues_colliding_names_are_each_refused_in_one_line(tmp_path):
    # An item id that is a choice's export column, beside the question offering it.
    platforms = (
        '\n[[profile]]\nid = "platforms"\ntext = "Platforms"\nkind = "multi"\n'
        'options = ["Facebook", "LinkedIn"]\n'
    )
    text = MINIMAL.replace('id = "b_one"', 'id = "platforms_facebook"') + platforms
    message, path = error_for(tmp_path, text)
    assert message == (
        f"{path}: profile question 'platforms', field 'options': 'Facebook' makes the export"
        " column 'platforms_facebook', an id."
    )
    # Two choices that slug alike.
    langs = '\n[[profile]]\nid = "langs"\ntext = "Languages"\nkind = "multi"\n'
    message, path = error_for(tmp_path, MINIMAL + langs + 'options = ["C++", "C#"]\n')
    assert message == (
        f"{path}: profile question 'langs', field 'options': 'C#' and 'C++' both make the"
        " export column 'langs_c'."
    )


@pytest.mark.parametrize("option", ["???", "日本語", "—"])
def test_a_choice_with_no_letter_or_digit_for_its_column_name_is_refused(tmp_path, option):
    text = MINIMAL + (
        '\n[[profile]]\nid = "tools"\ntext = "Tools"\nkind = "multi"\n'
        f'options = ["Slack", "{option}"]\n'
    )
    message, path = error_for(tmp_path, text)
    assert message == (
        f"{path}: profile question 'tools', field 'options': '{option}' has no letter or digit"
        " (a-z, 0-9) to name its export column (tools_...); add one."
    )


def test_a_single_choice_needs_no_column_name_so_any_text_will_do(tmp_path):
    text = broken('options = ["Agency", "Brand"]', 'options = ["Agency", "???"]')
    assert questionnaire.load(write(tmp_path, text)).profile_question("role").options[1] == "???"


def test_long_choices_get_columns_spss_can_hold_and_two_that_then_clash_are_refused(tmp_path):
    long_id = "t" * 40
    head = f'\n[[profile]]\nid = "{long_id}"\ntext = "Tools"\nkind = "multi"\n'
    q = questionnaire.load(write(tmp_path, MINIMAL + head + f'options = ["{"a" * 70}", "b"]\n'))
    names = [c.name for c in export.columns(q) if c.source == long_id]
    assert names == [f"{long_id}_{'a' * 23}", f"{long_id}_b"]
    assert max(len(n) for n in names) == 64  # SPSS's longest variable name
    message, _ = error_for(tmp_path, MINIMAL + head + f'options = ["{"a" * 30}", "{"a" * 31}"]\n')
    assert f"both make the export column '{long_id}_{'a' * 23}'" in message


def test_the_export_refuses_to_name_two_columns_alike_whatever_got_past_validation(q):
    from dataclasses import replace

    twin = replace(q, items=(*q.items, replace(q.items[0], text="Again")))
    with pytest.raises(ValueError, match=f"two columns {q.items[0].id}"):
        export.columns(twin)


# ---------------------------------------------------------------- no text without bound


LIMITS = [
    # (fragment of MINIMAL, what replaces it with {text}, entry, field, limit)
    pytest.param(
        'title = "Mini survey"',
        "title = '{text}'",
        "questionnaire",
        "title",
        questionnaire.MAX_TITLE,
        id="title",
    ),
    pytest.param(
        "items_per_page = 2",
        "items_per_page = 2\nintro = '{text}'",
        "questionnaire",
        "intro",
        questionnaire.MAX_INTRO,
        id="intro",
    ),
    pytest.param(
        '"Rarely"', "'{text}'", "scale", "labels", questionnaire.MAX_SCALE_LABEL, id="scale-label"
    ),
    pytest.param(
        'name = "Beta"',
        "name = '{text}'",
        "dimension 'beta'",
        "name",
        questionnaire.MAX_NAME,
        id="dimension-name",
    ),
    pytest.param(
        'description = "The first dimension."',
        "description = '{text}'",
        "dimension 'alpha'",
        "description",
        questionnaire.MAX_DESCRIPTION,
        id="dimension-description",
    ),
    pytest.param(
        'tips = ["Do more beta things."]',
        "tips = ['Fine.', '{text}']",
        "dimension 'beta'",
        "tips",
        questionnaire.MAX_TIP,
        id="tip",
    ),
    pytest.param(
        'text = "I do beta things."',
        "text = '{text}'",
        "item 'b_one'",
        "text",
        questionnaire.MAX_ITEM_TEXT,
        id="item-text",
    ),
    pytest.param(
        "reverse = true",
        "reverse = true\nsource = '{text}'",
        "item 'a_two'",
        "source",
        questionnaire.MAX_SOURCE,
        id="item-source",
    ),
    pytest.param(
        'text = "Your role"',
        "text = '{text}'",
        "profile question 'role'",
        "text",
        questionnaire.MAX_PROFILE_TEXT,
        id="profile-text",
    ),
    pytest.param(
        '"Brand"]',
        "'{text}']",
        "profile question 'role'",
        "options",
        questionnaire.MAX_OPTION,
        id="profile-option",
    ),
]


@pytest.mark.parametrize("old,new,entry,field,limit", LIMITS)
def test_a_text_longer_than_its_fields_limit_is_refused_by_file_entry_and_field(
    tmp_path, old, new, entry, field, limit
):
    message, path = error_for(tmp_path, broken(old, new.format(text="x" * (limit + 1))))
    assert message == (
        f"{path}: {entry}, field '{field}': is {limit + 1:,} characters long;"
        f" give at most {limit:,}."
    )


@pytest.mark.parametrize("old,new,entry,field,limit", LIMITS)
def test_a_text_of_exactly_its_fields_limit_is_fine(tmp_path, old, new, entry, field, limit):
    questionnaire.load(write(tmp_path, broken(old, new.format(text="x" * limit))))


def test_a_ten_megabyte_item_text_is_refused_before_anything_renders_it(tmp_path):
    text = broken('text = "I do beta things."', f"text = '{'x' * 10_000_000}'")
    message, path = error_for(tmp_path, text)
    assert message == (
        f"{path}: item 'b_one', field 'text': is 10,000,000 characters long; give at most 500."
    )


def test_the_shipped_questionnaire_uses_under_half_of_every_limit(q):
    texts = {
        questionnaire.MAX_TITLE: [q.title],
        questionnaire.MAX_INTRO: [q.intro],
        questionnaire.MAX_SCALE_LABEL: list(q.scale),
        questionnaire.MAX_NAME: [d.name for d in q.dimensions],
        questionnaire.MAX_DESCRIPTION: [d.description for d in q.dimensions],
        questionnaire.MAX_TIP: [t for d in q.dimensions for t in d.tips],
        questionnaire.MAX_ITEM_TEXT: [i.text for i in q.items],
        questionnaire.MAX_SOURCE: [i.source for i in q.items],
        questionnaire.MAX_PROFILE_TEXT: [p.text for p in q.profile],
        questionnaire.MAX_OPTION: [o for p in q.profile for o in p.options],
    }
    for limit, values in texts.items():
        assert max(len(v) for v in values) < limit / 2, limit
    assert len(q.dimensions) < questionnaire.MAX_DIMENSIONS
    assert max(len(p.options) for p in q.profile) <= questionnaire.MAX_OPTIONS / 2


def test_more_choices_than_a_phone_lists_is_one_clear_message(tmp_path):
    options = ", ".join(f'"Choice {n}"' for n in range(questionnaire.MAX_OPTIONS + 1))
    message, path = error_for(
        tmp_path, broken('options = ["Agency", "Brand"]', f"options = [{options}]")
    )
    assert message == (
        f"{path}: profile question 'role', field 'options': has 31 choices; give at most 30."
    )


def test_more_dimensions_than_a_result_shows_is_one_clear_message(tmp_path):
    extra = "".join(
        f'\n[[dimensions]]\nid = "extra_{k}"\nname = "E{k}"\ndescription = "D."\ntips = ["T."]\n'
        for k in range(questionnaire.MAX_DIMENSIONS - 1)
    )
    message, path = error_for(tmp_path, MINIMAL.replace("[[items]]", extra + "\n[[items]]", 1))
    assert message == (
        f"{path}: questionnaire, field 'dimensions': has 13 dimensions; give at most 12."
    )


# ---------------------------------------------------------------- nothing that reorders text

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]
BIDI += ["\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_a_bidirectional_control_in_a_dimension_name_is_refused(tmp_path, char):
    message, path = error_for(tmp_path, broken('name = "Beta"', f'name = "Be{char}ta"'))
    assert message == (
        f"{path}: dimension 'beta', field 'name': contains the invisible control"
        f" U+{ord(char):04X}, which reorders the text around it; delete it."
    )


@pytest.mark.parametrize("old,new,entry,field,limit", LIMITS)
def test_a_right_to_left_override_is_refused_in_every_text(tmp_path, old, new, entry, field, limit):
    message, path = error_for(tmp_path, broken(old, new.format(text="12 \u202e34")))
    assert message.startswith(f"{path}: {entry}, field '{field}': contains the invisible")


def test_right_to_left_text_itself_is_fine(tmp_path):
    text = broken('name = "Beta"', 'name = "בטא Beta العربية"')
    assert questionnaire.load(write(tmp_path, text)).dimension("beta").name == "בטא Beta العربية"


def test_the_readme_states_the_limits_the_validator_enforces():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    q_ = questionnaire
    for row in [
        f"| {q_.MAX_ITEMS} / {q_.MAX_DIMENSIONS} / {q_.MAX_PROFILE_QUESTIONS} |",
        f"| {q_.MAX_OPTIONS} |",
        f"| {q_.MAX_TITLE:,} / {q_.MAX_INTRO:,} characters |",
        f"| {q_.MAX_NAME:,} / {q_.MAX_DESCRIPTION:,} / {q_.MAX_TIP:,} characters |",
        f"| {q_.MAX_ITEM_TEXT:,} / {q_.MAX_SOURCE:,} characters |",
        f"| {q_.MAX_SCALE_LABEL} / {q_.MAX_PROFILE_TEXT} / {q_.MAX_OPTION} characters |",
    ]:
        assert row in readme
