"""The questionnaire's translations: finding the files, validating them, applying them.

A translation is a file beside the main questionnaire file, named `<stem>.<language>.toml`
(`questionnaire.fr.toml`, `questionnaire.pt-BR.toml`). It gives every text of the main file,
keyed by the same ids, and nothing else: scores and classes come from the ids, so they are
identical whatever language a participant answers in, and profile answers are stored as the
main file's options whatever label was shown. A translation that misses a text, names an
id the main file lacks, or breaks a rule the main file's texts follow (length, no HTML, no
image) stops the questionnaire from loading, with one line naming the file and the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
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
    MAX_TIP,
    MAX_TITLE,
    QuestionnaireError,
    Validator,
)

if TYPE_CHECKING:
    from survey.questionnaire import Questionnaire

DEFAULT_LANGUAGE = "en"
# A language code as the file name carries it: "fr", "de", "pt-BR", "zh-Hant". Anything
# else between the stem and ".toml" is not a translation, so a copy kept beside the file
# ("questionnaire.old.toml", "questionnaire.v2.toml") is left alone.
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(?:-(?:[A-Z]{2}|[A-Z][a-z]{3}))?$")
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


class Languages:
    """A questionnaire's languages, shared by the main questionnaire and its translated
    copies: each language's name, and one Questionnaire object per language (so `is`
    comparisons, and caches keyed on the object, hold)."""

    def __init__(self, main: str, name: str):
        self.main = main
        self.names = {main: name}
        self.copies: dict[str, Questionnaire] = {}
        self.texts: dict[str, Texts] = {}  # each translation's texts, as read

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.main, *sorted(code for code in self.names if code != self.main))


def language_name(code: str) -> str:
    """A language's name in itself, when its file does not give one ("English")."""
    return i18n.name_of(code)


def main_language(data: dict, v: Validator) -> tuple[str, str]:
    """The main file's `language` (default "en") and `name` (default: the language's own)."""
    code = data.get("language", DEFAULT_LANGUAGE)
    if not isinstance(code, str) or not LANGUAGE_TAG.match(code):
        v.fail("questionnaire", "language", f"{code!r} must be a language code such as 'en'")
    name = data.get("name")
    if name is None:
        return code, language_name(code)
    if not isinstance(name, str) or not name.strip():
        v.fail("questionnaire", "name", "must be the language's name, such as 'English'")
    v.plain("questionnaire", "name", name, MAX_LANGUAGE_NAME)
    return code, name.strip()


def find(path: Path) -> list[tuple[str, Path]]:
    """The translation files beside the main file `path`, as (language, file), by language."""
    stem, suffix = path.stem, path.suffix
    if not suffix:  # "questionnaire" would make "questionnaire.db" a translation
        return []
    found = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return []
    for candidate in candidates:
        name = candidate.name
        if not (name.startswith(stem + ".") and name.endswith(suffix)) or name == path.name:
            continue
        code = name[len(stem) + 1 : len(name) - len(suffix)]
        if LANGUAGE_TAG.match(code):
            found.append((code, candidate))
    return sorted(found)


# The folder's listing of translations, kept while the folder's mtime stays the same: adding,
# renaming or removing a file changes it. Every rerun asks several times whether the
# questionnaire changed; listing the folder each time cost 30 us, a stat costs 2.
_listing: dict[Path, tuple[int, list[tuple[str, Path]]]] = {}


def signature(path: Path) -> tuple:
    """What changes when a translation beside `path` is added, edited or removed."""
    try:
        folder_mtime = path.parent.stat().st_mtime_ns
    except OSError:
        return ()
    held = _listing.get(path)
    if held is None or held[0] != folder_mtime:
        held = _listing[path] = (folder_mtime, find(path))
    stamps = []
    for _code, found in held[1]:
        try:
            stat = found.stat()
            stamps.append((found.name, stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((found.name, None, None))
    return tuple(stamps)


def attach(q: Questionnaire, path: Path) -> Questionnaire:
    """`q` with every translation found beside `path` validated and applied: afterwards
    `q.in_language(code)` gives the translated copy. Raises QuestionnaireError, naming the
    file, for the first translation at fault."""
    for code, found in find(path):
        adopt(q, read(found, code, q))
    return q


def adopt(q: Questionnaire, texts: Texts) -> None:
    """Add (or replace) the copy of `q` in `texts.language`."""
    langs = q.langs
    langs.names[texts.language] = texts.name
    langs.texts[texts.language] = texts
    langs.copies[texts.language] = apply(langs.copies.get(langs.main, q), texts)


def refresh(held: Questionnaire, loaded: Questionnaire) -> None:
    """Give `held` the translations of `loaded`, the same file read again: the main
    questionnaire object stays the one in use, its translated copies are the new ones."""
    new = loaded.langs
    for code in [c for c in held.langs.names if c not in new.names]:
        held.langs.copies.pop(code, None)
        held.langs.names.pop(code, None)
    for code in new.codes[1:]:
        adopt(held, new.texts[code])


def read(path: Path, code: str, q: Questionnaire) -> Texts:
    """Read and validate the translation file `path` (language `code`) against `q`."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(f"{source}: cannot read the file ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{source}: the file is not UTF-8 text.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: invalid TOML: {exc}.") from None
    except RecursionError:
        raise QuestionnaireError(
            f"{source}: invalid TOML: arrays or tables are nested too deeply."
        ) from None
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
    if code == q.langs.main:
        _fail(source, f"is in '{code}', the main file's own language")
    name = data.get("name", language_name(code))
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

    open_texts = {}
    given = _table(data, "open", source)
    _ids(given, [o.id for o in q.open], "open question", source)
    for o in q.open:
        where = f"open question '{o.id}'"
        entry = _entry(given, o.id, "open", source)
        _only(entry, {"text"}, where, source)
        open_texts[o.id] = v.text(entry, "text", where, MAX_OPEN_TEXT)

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
    )


def apply(q: Questionnaire, t: Texts) -> Questionnaire:
    """A copy of `q` speaking `t`'s language: the same ids, fingerprint, scoring, theme and
    stored profile options; every text a person reads translated."""
    return replace(
        q,
        language=t.language,
        title=t.title,
        intro=t.intro,
        scale=t.scale,
        dimensions=tuple(
            replace(d, name=name, description=description, tips=tips)
            for d in q.dimensions
            for name, description, tips in [t.dimensions[d.id]]
        ),
        items=tuple(replace(i, text=t.items[i.id]) for i in q.items),
        profile=tuple(
            replace(p, text=t.profile[p.id][0], labels=t.profile[p.id][1]) for p in q.profile
        ),
        open=tuple(replace(o, text=t.open[o.id]) for o in q.open),
    )
