"""A translation file checked against the main questionnaire: every text given, no id the
main file lacks, each text held to the main file's limits and plain-text rules. A problem is
one line naming the file and the text (`QuestionnaireError`). survey/translation.py finds
the files and applies what this module returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from survey import i18n
from survey.questionnaire_checks import (
    MAX_DESCRIPTION,
    MAX_INTRO,
    MAX_ITEM_TEXT,
    MAX_NAME,
    MAX_OPEN_TEXT,
    MAX_OPTION,
    MAX_PROFILE_TEXT,
    MAX_SCALE_LABEL,
    MAX_THEME_NAME,
    MAX_THEME_WORDS,
    MAX_TIP,
    MAX_TITLE,
    QuestionnaireError,
    Validator,
    parse_toml,
    read_file,
)

if TYPE_CHECKING:
    from survey.questionnaire import Questionnaire

MAX_LANGUAGE_NAME = 40  # "Français": a choice in the language menu
# What a translation file may hold: texts, and the two lines naming its language.
FIELDS = {"language", "name", "title", "intro", "scale", "dimensions", "items", "profile", "open"}


@dataclass(frozen=True)
class Texts:
    """Every text of a questionnaire in one language, keyed by the main file's ids."""

    language: str
    name: str
    title: str
    intro: str
    scale: tuple[str, ...]
    dimensions: dict[str, tuple[str, str, tuple[str, ...]]]  # id -> name, description, tips
    items: dict[str, str]
    profile: dict[str, tuple[str, tuple[str, ...]]]  # id -> text, option labels
    open: dict[str, str]
    # An open question's themes in this language: the main file's theme name -> the name
    # shown here and this language's words for it (optional; `[open.<id>.themes]`).
    themes: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = field(default_factory=dict)


def read(path: Path, code: str, q: Questionnaire) -> Texts:
    """Read and validate the translation file `path` (language `code`) against `q`."""
    source = str(path)
    _raw, text = read_file(path)
    data = parse_toml(text, source)
    return check(data, source, code, q)


def _fail(source: str, problem: str):
    raise QuestionnaireError(f"{source}: {problem}.")


def _table(data: dict, field: str, source: str) -> dict:
    value = data.get(field, {})
    if not isinstance(value, dict):
        _fail(source, f"'{field}' must be a table ([{field}])")
    return value


def _only(table: dict, allowed: set[str], where: str, source: str) -> None:
    for key in table:
        if key not in allowed:
            shown = ", ".join(sorted(allowed))
            _fail(source, f"{where} has '{key}', which a translation does not give (only {shown})")


def _ids(given: dict, known: list[str], what: str, source: str) -> None:
    for key in given:
        if key not in known:
            _fail(source, f"{what} '{key}' is not in the main file")
    for key in known:
        if key not in given:
            _fail(source, f"{what} '{key}' has no translation")


def _entry(given: dict, key: str, what: str, source: str) -> dict:
    entry = given[key]
    if not isinstance(entry, dict):
        _fail(source, f"{what} '{key}' must be a table ([{what.split()[0]}.{key}])")
    return entry


def _labels(v: Validator, values: Any, count: int, where: str, field: str, limit: int) -> tuple:
    """A list of `count` distinct, plain labels (scale points, profile options)."""
    if not isinstance(values, list) or len(values) != count:
        got = len(values) if isinstance(values, list) else "no list of"
        v.fail(where, field, f"has {got} labels; the main file has {count}, in its order")
    for n, label in enumerate(values, 1):
        if not isinstance(label, str) or not label.strip():
            v.fail(where, field, f"label {n} is empty")
        v.plain(where, field, label, limit)
    if len(set(values)) != len(values):
        v.fail(where, field, "labels must all differ")
    return tuple(label.strip() for label in values)


def check(data: dict, source: str, code: str, q: Questionnaire) -> Texts:
    """Validate a translation's parsed TOML against the main questionnaire `q`."""
    v = Validator(source)
    _only(data, FIELDS, "the file", source)
    language = data.get("language", code)
    if language != code:
        _fail(source, f"says language = {language!r}, but its name says '{code}'")
    if code == q.languages[0]:
        _fail(source, f"is in '{code}', the main file's own language")
    name = data.get("name", i18n.name_of(code))
    if not isinstance(name, str) or not name.strip():
        v.fail("questionnaire", "name", "must be the language's name, such as 'Français'")
    v.plain("questionnaire", "name", name, MAX_LANGUAGE_NAME)
    title = v.text(data, "title", "questionnaire", MAX_TITLE)
    if q.intro:
        intro = v.text(data, "intro", "questionnaire", MAX_INTRO)
    elif "intro" in data:
        _fail(source, "has an intro, but the main file has none")
    else:
        intro = ""
    scale = _table(data, "scale", source)
    _only(scale, {"labels"}, "[scale]", source)
    if "labels" not in scale:
        _fail(source, "the scale's labels have no translation ([scale] labels)")
    labels = _labels(v, scale["labels"], len(q.scale), "scale", "labels", MAX_SCALE_LABEL)

    dimensions = {}
    given = _table(data, "dimensions", source)
    _ids(given, q.dimension_ids, "dimension", source)
    for d in q.dimensions:
        where = f"dimension '{d.id}'"
        entry = _entry(given, d.id, "dimensions", source)
        _only(entry, {"name", "description", "tips"}, where, source)
        tips = entry.get("tips")
        if not isinstance(tips, list):
            v.fail(where, "tips", f"is missing; the main file has {len(d.tips)}")
        if len(tips) != len(d.tips):
            _fail(source, f"{where} has {len(tips)} tips; the main file has {len(d.tips)}")
        for n, tip in enumerate(tips, 1):
            if not isinstance(tip, str) or not tip.strip():
                v.fail(where, "tips", f"tip {n} is empty")
            v.plain(where, "tips", tip, MAX_TIP)
        dimensions[d.id] = (
            v.text(entry, "name", where, MAX_NAME),
            v.text(entry, "description", where, MAX_DESCRIPTION),
            tuple(t.strip() for t in tips),
        )

    items = {}
    given = _table(data, "items", source)
    _ids(given, q.item_ids, "item", source)
    for i in q.items:
        items[i.id] = v.text(given, i.id, "items", MAX_ITEM_TEXT)

    profile = {}
    given = _table(data, "profile", source)
    _ids(given, [p.id for p in q.profile], "profile question", source)
    for p in q.profile:
        where = f"profile question '{p.id}'"
        entry = _entry(given, p.id, "profile", source)
        _only(entry, {"text", "options"}, where, source)
        if "options" not in entry:
            v.fail(where, "options", f"is missing; the main file has {len(p.options)}")
        options = _labels(v, entry["options"], len(p.options), where, "options", MAX_OPTION)
        profile[p.id] = (v.text(entry, "text", where, MAX_PROFILE_TEXT), options)

    open_texts, themes = {}, {}
    given = _table(data, "open", source)
    _ids(given, [o.id for o in q.open], "open question", source)
    for o in q.open:
        where = f"open question '{o.id}'"
        entry = _entry(given, o.id, "open", source)
        _only(entry, {"text", "themes"}, where, source)
        open_texts[o.id] = v.text(entry, "text", where, MAX_OPEN_TEXT)
        if "themes" in entry:
            themes[o.id] = _themes(v, entry["themes"], [name for name, _ in o.themes], where)

    return Texts(
        language=code,
        name=name.strip(),
        title=title,
        intro=intro,
        scale=labels,
        dimensions=dimensions,
        items=items,
        profile=profile,
        open=open_texts,
        themes=themes,
    )


def _themes(v: Validator, value: Any, known: list[str], where: str) -> dict:
    """An open question's `themes` in a translation: for some of the main file's themes,
    the name shown in this language and its words, `Learning = { name = "Apprendre",
    words = ["apprendre", "savoir"] }`."""
    if not isinstance(value, dict):
        v.fail(where, "themes", 'must be a table: Learning = { name = "...", words = [...] }')
    out = {}
    for main_name, theme in value.items():
        if main_name not in known:
            v.fail(where, "themes", f"'{main_name}' is not a theme of the main file")
        if not isinstance(theme, dict) or set(theme) - {"name", "words"}:
            v.fail(where, "themes", f"'{main_name}' must be {{ name = \"...\", words = [...] }}")
        name = theme.get("name", main_name)
        found = theme.get("words", [])
        if not isinstance(name, str) or not name.strip():
            v.fail(where, "themes", f"'{main_name}' has an empty name")
        v.plain(where, "themes", name, MAX_THEME_NAME)
        if not isinstance(found, list) or len(found) > MAX_THEME_WORDS:
            v.fail(where, "themes", f"'{main_name}' must list up to {MAX_THEME_WORDS} words")
        for word in found:
            if not isinstance(word, str) or not word.strip():
                v.fail(where, "themes", f"'{main_name}' lists something that is not a word")
            v.plain(where, "themes", word, MAX_THEME_NAME)
        out[main_name] = (name.strip(), tuple(w.strip() for w in found))
    return out
