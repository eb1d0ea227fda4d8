"""The room's own words: open answers made safe, normalised, moderated and counted.

An open answer is stored as the participant typed it, tidied (`tidy`): no control or
invisible formatting character survives, so nothing in it can reorder, hide or break the
text around it wherever it is shown. Every place shows it as plain text, never as HTML.

For the stage, an answer is split into phrases ("learning, new friends" is two) and each
phrase is normalised (`normalise`: case, spacing, punctuation, simple plurals), so
"Connections" and "connection " count as one. A phrase's count is how many people gave
it. What the stage may show is decided here (`Phrase.shown`): a phrase the blocklist
matches never; one the facilitator hid never; one they approved always; otherwise only
once the room has vouched for it (given by `CROWD` people or more) or the facilitator
switched on "approve automatically". So one person's odd phrase needs a person to
approve it before the whole hall sees it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal

from survey import i18n
from survey.i18n import _

QUEUE = "queue"  # waiting for the facilitator (never stored: no decision yet)
APPROVED = "approved"
HIDDEN = "hidden"
BLOCKED = "blocked"  # matched by the blocklist: hidden before anyone sees it
DECISIONS = (APPROVED, HIDDEN)

# A phrase this many people gave has been vouched for by the room: it may show without a
# facilitator's approval. One person's phrase always waits for one.
CROWD = 2
# At most this many phrases are counted from one answer ("a, b, c, d..." is a list, not a
# few words), and at most this many words make one phrase on the stage.
PHRASES_PER_ANSWER = 3
WORDS_PER_PHRASE = 5

DEFAULT_BLOCKLIST = Path(__file__).resolve().parent / "blocklist.txt"  # shipped, kept as is
# The event's own additions: SURVEY_BLOCKLIST names the file, else data/blocklist.txt.
EVENT_BLOCKLIST = Path(__file__).resolve().parent.parent / "data" / "blocklist.txt"

# Where an answer splits into phrases.
_SEPARATORS = re.compile(r"[,;/|+\n]+|\s+&\s+")
# A link, in any of its usual spellings: never shown on the stage.
_LINK = re.compile(
    r"(?i)\b(?:https?:|www\.|[a-z0-9-]+\.(?:com|net|org|io|ly|me|co|info|biz|xyz|ru|cn|gg|tv)\b)"
)
# Words that end in s without being plurals (a phrase of these is left as typed).
_NOT_PLURAL = frozenset(
    [
        "news",
        "series",
        "species",
        "always",
        "perhaps",
        "means",
        "lens",
        "bus",
        "gas",
        "plus",
        "chaos",
        "canvas",
        "atlas",
        "whereas",
        "analytics",
        "ethics",
        "physics",
        "mathematics",
        "politics",
        "economics",
        "status",
        "focus",
        "campus",
        "virus",
        "bonus",
        "yes",
        "this",
        "thus",
        "his",
        "its",
        "us",
        "was",
        "has",
        "does",
        "is",
        "as",
    ]
)


class AnswerRefused(ValueError):
    """An open answer that can't be stored; the message is a plain sentence for the participant."""


def tidy(text: str) -> str:
    """The answer as stored: Unicode-composed, every control and invisible formatting
    character (bidirectional overrides, zero-width joiners, NUL...) removed, line breaks
    and runs of spacing made one space, the ends trimmed."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\r\v\f":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def check(text: object, limit: int) -> str | None:
    """The answer to store (tidied), None for an empty one; raises AnswerRefused with a
    plain message when it is not text or is longer than `limit` characters."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise AnswerRefused(_("That answer is not text. Please type it again."))
    if len(text) > 4 * limit:  # judged before any work, whatever the tidy would remove
        raise AnswerRefused(_too_long(len(text), limit))
    tidied = tidy(text)
    if len(tidied) > limit:
        raise AnswerRefused(_too_long(len(tidied), limit))
    return tidied or None


def _too_long(length: int, limit: int) -> str:
    """The refusal of an answer over the limit, in the participant's language."""
    n, most = (format_decimal(v, locale=i18n.current()) for v in (length, limit))
    return _("Your answer is {n} characters long; keep it to {limit}.").format(n=n, limit=most)


def singular(word: str) -> str:
    """A simple plural made singular ("connections", "stories", "brushes"); other words,
    short ones and the usual words that merely end in s are left alone."""
    if len(word) < 4 or word in _NOT_PLURAL or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "'s")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    """The lower-case words of `text`: letters and digits, with inner ' and - kept."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    cleaned = "".join(ch if ch.isalnum() or ch in "'-" else " " for ch in folded)
    return [w for w in (w.strip("'-") for w in cleaned.split()) if w]


def normalise(phrase: str) -> str:
    """One phrase as the stage counts it: lower case, single spaces, no punctuation or
    symbols (emoji included), each word's simple plural made singular; "" if nothing is
    left."""
    return " ".join(singular(w) for w in _words(phrase)[:WORDS_PER_PHRASE])


def phrases(answer: str) -> list[str]:
    """The distinct normalised phrases of one answer, in order, at most PHRASES_PER_ANSWER."""
    return list(_parts(answer))


def _parts(answer: str) -> dict[str, str]:
    """Each normalised phrase of the answer -> the text it was made from."""
    found: dict[str, str] = {}
    for part in _SEPARATORS.split(answer):
        p = normalise(part)
        if p and p not in found and len(found) < PHRASES_PER_ANSWER:
            found[p] = part
    return found


class Blocklist:
    """Words and phrases never shown on the stage, compared as `normalise` makes them:
    the default list shipped with the app, plus the editable file's (one a line, # starts
    a comment). Links are always blocked."""

    def __init__(self, entries: Iterable[str]):
        self.entries = frozenset(e for e in (normalise(x) for x in entries) if e)

    @classmethod
    def load(cls, *paths: Path) -> Blocklist:
        """The entries of every file given that exists; a missing file adds none."""
        entries: list[str] = []
        for path in paths:
            try:
                text = Path(path).read_text(encoding="utf-8-sig")
            except FileNotFoundError:
                continue
            entries += [line.split("#", 1)[0].strip() for line in text.splitlines()]
        return cls(entries)

    def blocks(self, answer: str) -> bool:
        """Whether the answer holds a link or a blocked word or phrase anywhere in it."""
        if _LINK.search(answer):
            return True
        words = [singular(w) for w in _words(answer)]
        padded = f" {' '.join(words)} "
        return any(f" {entry} " in padded for entry in self.entries)


def blocklist_paths() -> tuple[Path, Path]:
    """The shipped list and the event's editable file (which need not exist)."""
    return DEFAULT_BLOCKLIST, Path(os.environ.get("SURVEY_BLOCKLIST") or EVENT_BLOCKLIST)


def blocklist_stamp() -> tuple:
    """Changes when either blocklist file is edited: a cache of the list keys on it."""
    stamps = []
    for path in blocklist_paths():
        try:
            stamps.append((str(path), path.stat().st_mtime_ns))
        except OSError:
            stamps.append((str(path), None))
    return tuple(stamps)


@dataclass(frozen=True)
class Phrase:
    text: str  # normalised
    people: int  # how many answers gave it
    state: str  # QUEUE, APPROVED, HIDDEN or BLOCKED
    auto: bool = False  # shown because "approve automatically" is on

    @property
    def shown(self) -> bool:
        """Whether the stage shows it: see the module's docstring."""
        if self.state == APPROVED:
            return True
        return self.state == QUEUE and (self.auto or self.people >= CROWD)


def tally(
    answers: Iterable[str | None],
    decisions: Mapping[str, str],
    blocklist: Blocklist,
    auto: bool = False,
) -> list[Phrase]:
    """Every phrase of the answers with how many people gave it and its state, most given
    first (then alphabetical). A phrase the blocklist matches is blocked, whatever was
    decided for it."""
    counts: Counter[str] = Counter()
    blocked: set[str] = set()
    for answer in answers:
        if not answer:
            continue
        found = _parts(answer)
        counts.update(found.keys())
        blocked.update(p for p, part in found.items() if blocklist.blocks(part))
    out = []
    for text, people in counts.items():
        state = BLOCKED if text in blocked else decisions.get(text, QUEUE)
        out.append(Phrase(text, people, state, auto))
    return sorted(out, key=lambda p: (-p.people, p.text))


def on_stage(tallied: Iterable[Phrase]) -> dict[str, int]:
    """The phrases the stage shows, with how many people gave each."""
    return {p.text: p.people for p in tallied if p.shown}


def room(
    store, code: str, question_id: str, blocklist: Blocklist, include_demo: bool = True
) -> list[Phrase]:
    """A session's phrases for one open question, as `tally` makes them from what the
    store holds now: the finished answers, the decisions, "approve automatically"."""
    session = store.get_session(code)
    auto = bool(session and session["auto_approve"])
    answers = store.open_answers(code, question_id, include_demo)
    return tally(answers, store.moderation(code, question_id), blocklist, auto)


def by_theme(
    shown: Mapping[str, int], themes: Iterable[tuple[str, Iterable[str]]]
) -> dict[str, int]:
    """How many people gave a shown phrase of each theme (phrase -> people, as `on_stage`
    gives them): a phrase counts for a theme when a word or phrase of the theme's list
    is in it, compared as `normalise` makes both. In the themes' order; a phrase may
    count for two themes, and one of none counts for none."""
    out = {}
    for name, found in themes:
        keys = [k for k in (normalise(w) for w in found) if k]
        out[name] = sum(
            n for phrase, n in shown.items() if any(f" {k} " in f" {phrase} " for k in keys)
        )
    return out
