"""The questionnaire's translations: finding the files, and applying them.

A translation is a file beside the main questionnaire file, named `<stem>.<language>.toml`
(`questionnaire.fr.toml`, `questionnaire.pt-BR.toml`). It gives every text of the main file,
keyed by the same ids, and nothing else: scores and classes come from the ids, so they are
identical whatever language a participant answers in, and profile answers are stored as the
main file's options whatever label was shown. A translation that misses a text, names an
id the main file lacks, or breaks a rule the main file's texts follow (length, no HTML, no
image) stops the questionnaire from loading, with one line naming the file and the text
(survey/translation_checks.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from survey import i18n
from survey.questionnaire_checks import Validator
from survey.translation_checks import MAX_LANGUAGE_NAME, Texts, read

if TYPE_CHECKING:
    from survey.questionnaire import Questionnaire

DEFAULT_LANGUAGE = "en"
# A language code as the file name carries it: "fr", "de", "pt-BR", "zh-Hant". Anything
# else between the stem and ".toml" is not a translation, so a copy kept beside the file
# ("questionnaire.old.toml", "questionnaire.v2.toml") is left alone.
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(?:-(?:[A-Z]{2}|[A-Z][a-z]{3}))?$")


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
    found = [read(file, code, q) for code, file in find(path)]
    q = with_every_languages_words(q, found)
    for texts in found:
        adopt(q, texts)
    return q


def adopt(q: Questionnaire, texts: Texts) -> None:
    """Add (or replace) the copy of `q` in `texts.language`."""
    langs = q.langs
    langs.names[texts.language] = texts.name
    langs.texts[texts.language] = texts
    langs.copies[texts.language] = apply(langs.copies.get(langs.main, q), texts)


def refresh(held: Questionnaire, loaded: Questionnaire) -> None:
    """Give `held` the translations of `loaded`, the same file read again: the main
    questionnaire object stays the one in use, its translated copies are the new ones.
    (The themes' words are the main object's own: see survey/ui/resources.py.)"""
    new = loaded.langs
    for code in [c for c in held.langs.names if c not in new.names]:
        held.langs.copies.pop(code, None)
        held.langs.names.pop(code, None)
    for code in new.codes[1:]:
        adopt(held, new.texts[code])


def with_every_languages_words(q: Questionnaire, found: list[Texts]) -> Questionnaire:
    """`q` whose open questions' themes hold the words of every language: a room answers
    in several, and its themes count the same whatever language the stage shows."""
    if not any(t.themes for t in found):
        return q
    merged = []
    for o in q.open:
        themes = []
        for name, words in o.themes:
            extra = [w for t in found for w in t.themes.get(o.id, {}).get(name, ("", ()))[1]]
            themes.append((name, tuple(dict.fromkeys([*words, *extra]))))
        merged.append(replace(o, themes=tuple(themes)))
    q = replace(q, open=tuple(merged))
    q.langs.copies[q.language] = q
    return q


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
        open=tuple(
            replace(
                o,
                text=t.open[o.id],
                themes=tuple(
                    (t.themes.get(o.id, {}).get(name, (name,))[0], words)
                    for name, words in o.themes
                ),
            )
            for o in q.open
        ),
    )
