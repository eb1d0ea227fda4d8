"""The questionnaire file's limits and the checks every field goes through: one plain
message naming the file, the entry and the field at fault (`QuestionnaireError`)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from survey import schema

# Ids become column names in the database and the CSV export, so keep them plain.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SCALE_POINTS = 5
# Each item is a column of the responses table (with the dimension scores and profile
# answers beside it) and of the export. SQLite allows 2,000 columns per table, and a
# survey a person can finish on a phone has a few dozen items; 200 leaves room for both.
MAX_ITEMS = 200
MAX_PROFILE_QUESTIONS = 20  # they share one page at the end
# A result is read on a phone and drawn on the share card, one row per dimension: a dozen
# rows still read on both (the card shrinks its rows beyond seven).
MAX_DIMENSIONS = 12
# Every choice of a multi-select question is a column of the export, and a phone lists them
# all. At most 20 x 30 such columns, with the items and scores: under 830 in all, far below
# the 1,664 a PostgreSQL query may return (the CSV export renders every line in one).
MAX_OPTIONS = 30

# The longest text, in characters, of each field. Every text is shown on phones, written into
# each export's codebook and labels, and rendered by the report (a 10 MB item text kept it
# busy past 60 s), so none may be a pasted document. The shipped file uses under half of each.
MAX_TITLE = 120  # a heading on every page and the share card's first line
MAX_INTRO = 5_000  # a few paragraphs on the welcome page
MAX_NAME = 60  # a dimension's name: a chart label and a line of the share card
MAX_DESCRIPTION = 1_000  # a paragraph under the dimension's name on the result page
MAX_TIP = 500  # one suggestion of a few sentences
MAX_ITEM_TEXT = 500  # one statement a phone shows above five answer buttons
MAX_SOURCE = 1_000  # the essay's sentence or two an item comes from
MAX_SCALE_LABEL = 40  # one answer button; SPSS keeps value labels of up to 120 bytes
MAX_PROFILE_TEXT = 300  # a profile question
MAX_OPTION = 80  # one choice of a profile question (SPSS value label, export column)
# Open questions: a few words each, shown on the last page and gathered on the stage. A
# projected word cloud reads a handful of words per answer, and a phone's field shows about
# 60 characters; 200 is room for a sentence, never a pasted document.
MAX_OPEN_QUESTIONS = 3
MAX_OPEN_TEXT = 300  # the question itself
OPEN_LIMIT = 60  # an answer's default length limit, in characters
OPEN_LIMITS = range(10, 201)  # what max_chars may be
# An open question's optional themes: a few named groups of words, for the stage's bar of
# the room's answers by theme (one bar each, read from the back of a hall).
MAX_THEMES = 8
MAX_THEME_WORDS = 60
MAX_THEME_NAME = 40

# Questionnaire text is rendered as Markdown to every participant. An image there makes
# every phone in the room fetch its URL (a tracking pixel, or a slow page on venue Wi-Fi),
# so images are refused in all their forms: ![alt](url), ![alt][ref], ![alt][] and ![alt].
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]")
# Raw HTML has no place in it either: a tag, a comment, a declaration or a processing
# instruction. Autolinks such as <https://example.com> are links, not HTML, and stay allowed.
RAW_HTML = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]{1,31}:)(?:/?[A-Za-z]|[!?])")
MULTI_SEPARATOR = "; "  # how a multi-select profile answer is stored: "LinkedIn; TikTok"
# Unicode's bidirectional controls reorder the text around them when shown: a right-to-left
# override in a dimension's name turned the result's numbers around. None belongs in a
# questionnaire (marks U+200E/200F and U+061C, embeddings and overrides, isolates).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed. The message names file, entry and field."""


class Validator:
    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, field: str, problem: str):
        raise QuestionnaireError(f"{self.source}: {where}, field '{field}': {problem}.")

    def text(self, table: dict, field: str, where: str, limit: int, required: bool = True) -> str:
        value = table.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where, field, "is missing or empty")
        self.plain(where, field, value, limit)
        return value.strip()

    def plain(self, where: str, field: str, value: str, limit: int) -> None:
        """Refuse text over `limit` characters, bidirectional controls, Markdown images and
        raw HTML (see BIDI_CONTROLS, MARKDOWN_IMAGE and RAW_HTML)."""
        if len(value) > limit:
            self.fail(where, field, f"is {len(value):,} characters long; give at most {limit:,}")
        if m := BIDI_CONTROLS.search(value):
            self.fail(
                where,
                field,
                f"contains the invisible control U+{ord(m.group()):04X}, which reorders the"
                " text around it; delete it",
            )
        if m := MARKDOWN_IMAGE.search(value):
            self.fail(
                where,
                field,
                f"contains a Markdown image ({m.group()}...); images are not allowed, because"
                " every participant's phone would fetch them",
            )
        if m := RAW_HTML.search(value):
            tag = value[m.start() : m.start() + 20].split(">")[0]
            self.fail(where, field, f"contains raw HTML ({tag}...); write plain text or Markdown")

    def themes(self, table: dict, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """An open question's `themes`: a table of theme name -> list of words."""
        value = table.get("themes", {})
        if not isinstance(value, dict):
            self.fail(where, "themes", 'must be a table: themes = { learning = ["learn"] }')
        if len(value) > MAX_THEMES:
            self.fail(where, "themes", f"has {len(value)} themes; give at most {MAX_THEMES}")
        out = []
        for name, found in value.items():
            self.plain(where, "themes", name, MAX_THEME_NAME)
            if not isinstance(found, list) or not found or len(found) > MAX_THEME_WORDS:
                self.fail(
                    where,
                    "themes",
                    f"'{name}' must list 1 to {MAX_THEME_WORDS} words or phrases",
                )
            for word in found:
                if not isinstance(word, str) or not word.strip():
                    self.fail(where, "themes", f"'{name}' lists something that is not a word")
                self.plain(where, "themes", word, MAX_THEME_NAME)
            out.append((name, tuple(w.strip() for w in found)))
        return tuple(out)

    def at_most(self, tables: list, field: str, limit: int, noun: str = "") -> list:
        """`tables`, unless there are more than `limit` of them."""
        if len(tables) > limit:
            self.fail(
                "questionnaire", field, f"has {len(tables)} {noun or field}; give at most {limit}"
            )
        return tables

    def table_list(self, data: dict, field: str, required: bool = True) -> list[dict]:
        value = data.get(field)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
            self.fail("questionnaire", field, f"needs at least one [[{field}]] table")
        return value

    def ident(self, table: dict, where: str, seen: set[str]) -> str:
        value = table.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.fail(
                where, "id", f"{value!r} must be lower-case letters, digits and _, letter first"
            )
        if reason := schema.reserved_reason(value):
            self.fail(where, "id", f"{reason}; choose another id")
        if value in seen:
            self.fail(where, "id", f"duplicate id '{value}'")
        seen.add(value)
        return value


def check_option_columns(v: Validator, profile: list, ids: set[str]) -> None:
    """A multi-select question's choices become export columns (`<id>_<choice>`): each
    name must be its own, not another id's or another choice's."""
    taken: dict[str, str] = {}
    for p in profile:
        if p.kind != "multi":
            continue
        where = f"profile question '{p.id}'"
        for option in p.options:
            if not schema.slug(option):
                v.fail(
                    where,
                    "options",
                    f"'{option}' has no letter or digit (a-z, 0-9) to name its export column"
                    f" ({p.id}_...); add one",
                )
            name = schema.option_column(p.id, option)
            if name in ids:
                v.fail(where, "options", f"'{option}' makes the export column '{name}', an id")
            if reason := schema.reserved_reason(name):
                v.fail(where, "options", f"'{option}' makes the export column {reason}")
            if name in taken:
                v.fail(
                    where,
                    "options",
                    f"'{option}' and '{taken[name]}' both make the export column '{name}'",
                )
            taken[name] = option


def read_file(path: Path) -> tuple[bytes, str]:
    """A questionnaire or translation file's bytes and text, or one plain QuestionnaireError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(f"{path}: cannot read the file ({exc.strerror}).") from None
    try:
        # utf-8-sig: Windows editors often save a byte-order mark, which TOML does not allow.
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{path}: the file is not UTF-8 text.") from None


def parse_toml(text: str, source: str) -> dict:
    """A file's TOML, or one plain QuestionnaireError naming `source`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: invalid TOML: {exc}.") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise QuestionnaireError(
            f"{source}: invalid TOML: arrays or tables are nested too deeply."
        ) from None
