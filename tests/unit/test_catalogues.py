"""The app's own strings, in every shipped language: each string the code marks for
translation (survey/i18n.py) has a translation in each catalogue, with the same
placeholders, and no catalogue keeps a string the code no longer has."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from survey import i18n

ROOT = Path(__file__).resolve().parents[2]
# Every catalogue in survey/locale is checked, a newly added one too.
SHIPPED = tuple(code for code in i18n.catalogued() if code != i18n.SOURCE)


def _marked() -> dict[str | tuple[str, str], str]:
    """Every message the code marks, as `make messages` extracts it, with where it is."""
    method_map = [("app.py", "python"), ("pages/**.py", "python"), ("survey/**.py", "python")]
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map
    ):
        found[message] = filename
    return found


MARKED = _marked()


def _catalog(code: str):
    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / "survey.po").open("rb") as po:
        return read_po(po, locale=code)


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_french_german_and_spanish_are_shipped():
    assert {"fr", "de", "es"} <= set(SHIPPED)


def test_the_code_marks_the_apps_strings_for_translation():
    assert len(MARKED) > 100, "the participant's, stage's and console's strings are marked"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_marked_string_has_a_translation(code):
    catalog = _catalog(code)
    missing = []
    for message, where in MARKED.items():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        forms = entry.string if entry else None
        texts = forms if isinstance(forms, tuple) else (forms,)
        if entry is None or entry.fuzzy or not all(texts):
            missing.append(f"{where}: {message!r}")
    assert not missing, f"{len(missing)} strings untranslated in {code}:\n" + "\n".join(missing)


@pytest.mark.parametrize("code", SHIPPED)
def test_a_translation_keeps_the_placeholders_of_its_string(code):
    wrong = []
    for entry in _catalog(code):
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in texts:
            if _fields(text) - wanted or (len(texts) == 1 and _fields(text) != wanted):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, f"placeholders differ in {code}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("code", SHIPPED)
def test_no_catalogue_keeps_strings_the_code_no_longer_has(code):
    singular = {m if isinstance(m, str) else m[0] for m in MARKED}
    ids = [e.id if isinstance(e.id, str) else e.id[0] for e in _catalog(code) if e.id]
    stale = [i for i in ids if i not in singular]
    assert not stale, f"{code} translates strings no longer in the code (make messages): {stale}"


ESSAY_LINE = {
    "fr": "Commencez à le vivre.",
    "de": "Fangen Sie an, es zu leben.",
    "es": "Empiece a vivirlo.",
}


@pytest.mark.parametrize("code", sorted(ESSAY_LINE))
def test_the_essays_closing_line_is_said_in_each_language(code):
    with i18n.language(code):
        assert i18n._("Begin living it.") == ESSAY_LINE[code]
    assert i18n._("Begin living it.") == "Begin living it."
