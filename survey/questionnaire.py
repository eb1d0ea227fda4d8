"""Load and validate the questionnaire file (TOML) into plain, frozen dataclasses, with
its translations (survey/translation.py): one Questionnaire per language, the same ids."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from survey import theme as themes
from survey import translation

# The file's limits and checks live in questionnaire_checks; callers name them from here.
from survey.questionnaire_checks import (  # noqa: F401
    BIDI_CONTROLS,
    ID_PATTERN,
    MARKDOWN_IMAGE,
    MAX_DESCRIPTION,
    MAX_DIMENSIONS,
    MAX_INTRO,
    MAX_ITEM_TEXT,
    MAX_ITEMS,
    MAX_NAME,
    MAX_OPEN_QUESTIONS,
    MAX_OPEN_TEXT,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_PROFILE_QUESTIONS,
    MAX_PROFILE_TEXT,
    MAX_SCALE_LABEL,
    MAX_SOURCE,
    MAX_TIP,
    MAX_TITLE,
    MULTI_SEPARATOR,
    OPEN_LIMIT,
    OPEN_LIMITS,
    RAW_HTML,
    SCALE_POINTS,
    QuestionnaireError,
    Validator,
    check_option_columns,
    parse_toml,
    read_file,
)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "questionnaire.toml"


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    description: str
    tips: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    text: str
    reverse: bool = False
    source: str = ""


@dataclass(frozen=True)
class ProfileQuestion:
    id: str
    text: str
    kind: str  # "single" or "multi"
    options: tuple[str, ...]  # what is stored, in the main file's language
    # What a participant is shown for each option, in the same order (the options, unless
    # translated): `format_func=dict(zip(p.options, p.labels)).get`.
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.labels:
            object.__setattr__(self, "labels", self.options)


@dataclass(frozen=True)
class OpenQuestion:
    """A question answered in the participant's own words, on the last page (optional)."""

    id: str
    text: str
    max_chars: int = OPEN_LIMIT
    # Named groups of words (`themes`), for the stage's bars of the room's words by theme.
    themes: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    title: str
    intro: str
    threshold: float
    scale: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    profile: tuple[ProfileQuestion, ...]
    items_per_page: int
    fingerprint: str
    path: str
    # Questions answered in a few words of one's own (`[[open]]`), after the profile's.
    open: tuple[OpenQuestion, ...] = ()
    # The file's text as read, so the store can keep this version for the responses that
    # answer it (see Store.questionnaire); "" when built from parsed data only.
    text: str = field(default="", repr=False, compare=False)
    # The event's look for the stage, share card and report (survey/theme.py): a change of
    # it is a change of the file, so it makes a new version like any other edit.
    theme: themes.Theme = field(default=themes.DEFAULT, repr=False, compare=False)
    # The language of this object's texts (the main file's `language`, "en" by default).
    language: str = translation.DEFAULT_LANGUAGE
    # Every language of this questionnaire and its copy in each, shared by those copies.
    langs: translation.Languages | None = field(default=None, repr=False, compare=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages it can be read in, the main file's first ("en", "de", "es", "fr")."""
        return self.langs.codes if self.langs else (self.language,)

    def in_language(self, code: str) -> Questionnaire:
        """This questionnaire in `code`: the same ids, fingerprint and scoring, every text a
        person reads translated. Itself for a language it does not have. A version read
        back from the store (Store.questionnaire) has no translations: itself again."""
        return self.langs.copies.get(code, self) if self.langs else self

    def language_name(self, code: str) -> str:
        """A language's name as its file gives it ("Français"), or its name in itself."""
        if self.langs and code in self.langs.names:
            return self.langs.names[code]
        return translation.language_name(code)

    @property
    def dimension_ids(self) -> list[str]:
        return [d.id for d in self.dimensions]

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    def profile_question(self, question_id: str) -> ProfileQuestion:
        return next(p for p in self.profile if p.id == question_id)

    def open_question(self, question_id: str) -> OpenQuestion:
        return next(o for o in self.open if o.id == question_id)

    def items_of(self, dimension_id: str) -> list[Item]:
        return [i for i in self.items if i.dimension == dimension_id]

    def pages(self) -> list[list[Item]]:
        """Split the items into balanced pages of at most `items_per_page`."""
        n = len(self.items)
        n_pages = -(-n // self.items_per_page)
        base, extra = divmod(n, n_pages)
        pages, start = [], 0
        for p in range(n_pages):
            size = base + (1 if p < extra else 0)
            pages.append(list(self.items[start : start + size]))
            start += size
        return pages

    @property
    def page_count(self) -> int:
        """Item pages plus the final (optional) page of profile and open questions."""
        return len(self.pages()) + (1 if self.profile or self.open else 0)


def default_path() -> Path:
    return Path(os.environ.get("SURVEY_QUESTIONNAIRE") or DEFAULT_PATH)


def load(path: str | os.PathLike | None = None) -> Questionnaire:
    """Read and validate a questionnaire file, and its translations beside it
    (`<stem>.<language>.toml`, see survey/translation.py).

    Raises QuestionnaireError with one plain message naming the file, the entry
    (dimension, item, profile question) and the field at fault.
    """
    path = Path(path) if path is not None else default_path()
    raw, text = read_file(path)
    q = from_text(text, str(path), hashlib.sha256(raw).hexdigest()[:12], path.parent)
    return translation.attach(q, path)


def from_text(
    text: str, source: str, fingerprint: str, folder: Path | None = None
) -> Questionnaire:
    """Validate a questionnaire's TOML text, as `load` does for a file. The fingerprint
    is given, not computed: it is the hash of the file's bytes, as `load` read them.
    `folder` is where the theme's logo file is read from (None: the logo is not read)."""
    data = parse_toml(text, source)
    q = replace(parse(data, source=source, fingerprint=fingerprint, folder=folder), text=text)
    q.langs.copies[q.language] = q
    return q


def parse(
    data: dict, source: str = "<questionnaire>", fingerprint: str = "", folder: Path | None = None
) -> Questionnaire:
    """Validate an already-parsed TOML document (see `load`); no translation is read."""
    v = Validator(source)
    language, language_name = translation.main_language(data, v)
    try:
        theme = themes.parse(data.get("theme"), folder)
    except themes.ThemeError as exc:
        v.fail("theme", exc.field, exc.problem)
    title = v.text(data, "title", "questionnaire", MAX_TITLE)
    intro = v.text(data, "intro", "questionnaire", MAX_INTRO, required=False)
    threshold = data.get("threshold", 60)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        v.fail("questionnaire", "threshold", "must be a number from 0 to 100")
    if not 0 <= threshold <= 100:
        v.fail("questionnaire", "threshold", f"is {threshold}; it must be from 0 to 100")
    per_page = data.get("items_per_page", 6)
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 20:
        v.fail("questionnaire", "items_per_page", "must be a whole number from 1 to 20")

    scale = data.get("scale")
    if not isinstance(scale, dict) or "labels" not in scale:
        v.fail("scale", "labels", f"is missing; give {SCALE_POINTS} labels, one per point")
    labels = scale["labels"]
    if not isinstance(labels, list) or len(labels) != SCALE_POINTS:
        v.fail("scale", "labels", f"must list exactly {SCALE_POINTS} labels, one per point")
    for n, label in enumerate(labels, 1):
        if not isinstance(label, str) or not label.strip():
            v.fail("scale", "labels", f"point {n} has no label")
        v.plain("scale", "labels", label, MAX_SCALE_LABEL)
    if len(set(labels)) != len(labels):
        v.fail("scale", "labels", "labels must all differ")

    seen: set[str] = set()
    dimensions = []
    dimension_tables = v.at_most(v.table_list(data, "dimensions"), "dimensions", MAX_DIMENSIONS)
    for n, d in enumerate(dimension_tables, 1):
        where = f"dimension #{n}"
        did = v.ident(d, where, seen)
        where = f"dimension '{did}'"
        tips = d.get("tips")
        if not isinstance(tips, list) or not tips or not all(isinstance(t, str) for t in tips):
            v.fail(where, "tips", "must be a list of 1 to 3 tips (text)")
        if len(tips) > 3:
            v.fail(where, "tips", f"has {len(tips)} tips; give at most 3")
        for tip in tips:
            v.plain(where, "tips", tip, MAX_TIP)
        name = v.text(d, "name", where, MAX_NAME)
        description = v.text(d, "description", where, MAX_DESCRIPTION)
        dimensions.append(Dimension(did, name, description, tuple(tips)))
    dim_ids = {d.id for d in dimensions}

    items = []
    item_tables = v.at_most(v.table_list(data, "items"), "items", MAX_ITEMS)
    for n, i in enumerate(item_tables, 1):
        iid = v.ident(i, f"item #{n}", seen)
        where = f"item '{iid}'"
        dim = i.get("dimension")
        if not isinstance(dim, str) or dim not in dim_ids:
            v.fail(where, "dimension", f"'{dim}' is not a known dimension ({', '.join(dim_ids)})")
        reverse = i.get("reverse", False)
        if not isinstance(reverse, bool):
            v.fail(where, "reverse", "must be true or false")
        source_text = str(i.get("source", "")).strip()
        v.plain(where, "source", source_text, MAX_SOURCE)
        items.append(Item(iid, dim, v.text(i, "text", where, MAX_ITEM_TEXT), reverse, source_text))
    for d in dimensions:
        if not any(i.dimension == d.id for i in items):
            v.fail(f"dimension '{d.id}'", "items", "no item measures this dimension")

    profile = []
    profile_tables = v.table_list(data, "profile", required=False)
    profile_tables = v.at_most(profile_tables, "profile", MAX_PROFILE_QUESTIONS, "questions")
    for n, p in enumerate(profile_tables, 1):
        pid = v.ident(p, f"profile question #{n}", seen)
        where = f"profile question '{pid}'"
        kind = p.get("kind", "single")
        if kind not in ("single", "multi"):
            v.fail(where, "kind", f"is '{kind}'; use 'single' or 'multi'")
        options = p.get("options")
        if not isinstance(options, list) or not options:
            v.fail(where, "options", "must be a non-empty list of choices")
        if len(options) > MAX_OPTIONS:
            v.fail(where, "options", f"has {len(options)} choices; give at most {MAX_OPTIONS}")
        if not all(isinstance(o, str) and o.strip() for o in options):
            v.fail(where, "options", "every choice must be non-empty text")
        if len(set(options)) != len(options):
            v.fail(where, "options", "choices must all differ")
        if kind == "multi" and any(MULTI_SEPARATOR in o for o in options):
            v.fail(where, "options", f"a choice may not contain '{MULTI_SEPARATOR}'")
        for option in options:
            v.plain(where, "options", option, MAX_OPTION)
        text = v.text(p, "text", where, MAX_PROFILE_TEXT)
        profile.append(ProfileQuestion(pid, text, kind, tuple(options)))
    check_option_columns(v, profile, seen)
    open_questions = _open_questions(v, data, seen)

    q = Questionnaire(
        title=title,
        intro=intro,
        threshold=float(threshold),
        scale=tuple(labels),
        dimensions=tuple(dimensions),
        items=tuple(items),
        profile=tuple(profile),
        open=open_questions,
        items_per_page=per_page,
        fingerprint=fingerprint,
        path=source,
        theme=theme,
        language=language,
        langs=translation.Languages(language, language_name),
    )
    q.langs.copies[language] = q
    return q


def _open_questions(v: Validator, data: dict, seen: set[str]) -> tuple[OpenQuestion, ...]:
    """The `[[open]]` tables: an id, the question, and `max_chars`, an answer's limit."""
    tables = v.table_list(data, "open", required=False)
    questions = []
    for n, o in enumerate(v.at_most(tables, "open", MAX_OPEN_QUESTIONS, "questions"), 1):
        oid = v.ident(o, f"open question #{n}", seen)
        where = f"open question '{oid}'"
        limit = o.get("max_chars", OPEN_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit not in OPEN_LIMITS:
            v.fail(
                where,
                "max_chars",
                f"must be a whole number from {OPEN_LIMITS.start} to {OPEN_LIMITS.stop - 1}",
            )
        text = v.text(o, "text", where, MAX_OPEN_TEXT)
        questions.append(OpenQuestion(oid, text, limit, v.themes(o, where)))
    return tuple(questions)
