"""The columns of the responses table that belong to the store, and the names the export adds.

Beside these, each questionnaire adds columns named by its ids: one per item, one
`score_<dimension>` per dimension, one per profile question, and in the export one
`<profile id>_<option>` per choice of a multi-select question. So none of the names here
may be a questionnaire id. They are listed once, here: the questionnaire's validation reads
them, and a test checks every engine's actual table against `RESPONSE_COLUMNS`, so a column
a migration adds cannot be taken by an item unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A response's stored status.
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
SUPERSEDED = "superseded"  # replaced by a later response of the same person (a retake)
# Never stored: what an in-progress response of a closed session is reported as, since it
# can no longer be finished (unless the session is opened again).
DID_NOT_FINISH = "did_not_finish"


@dataclass(frozen=True)
class Saved:
    """What happened to a participant's write (`Store.save_page`)."""

    # "saved" | "completed" | "already_complete" | "incomplete" | "closed" | "unknown_session"
    # | "other_version" (the response was begun on another version of the questionnaire)
    outcome: str
    token: str


# The store's own columns of `responses`, in every engine (PostgreSQL keeps row order in
# an identity column named rowid; SQLite has it built in).
RESPONSE_COLUMNS = (
    "rowid",
    "token",
    "session_code",
    "status",
    "page",
    "fingerprint",
    "is_demo",
    "started_at",
    "updated_at",
    "completed_at",
    "overall",
    "class",
    "version",
    "superseded_by",
    "public_id",
    "language",
)
# Names an engine keeps for itself: SQLite's aliases of rowid, PostgreSQL's system columns.
ENGINE_COLUMNS = ("oid", "_rowid_", "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid")
# What the export writes under names of its own.
EXPORT_COLUMNS = ("response_id", "session_title")
SCORE_PREFIX = "score_"
# SPSS allows variable names of at most 64 bytes: pyreadstat refuses a whole .sav with a longer
# one. Ids are at most 40 characters; an option's column is cut to fit (ASCII: one byte each).
NAME_MAX = 64

RESERVED = frozenset(RESPONSE_COLUMNS + ENGINE_COLUMNS + EXPORT_COLUMNS)


def score_column(dimension_id: str) -> str:
    return SCORE_PREFIX + dimension_id


def option_column(question_id: str, option: str) -> str:
    """The export's 0/1 column for one choice of a multi-select profile question, at most
    NAME_MAX characters (the questionnaire's check refuses two choices that then clash)."""
    return f"{question_id}_{slug(option)}"[:NAME_MAX].rstrip("_")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def reserved_reason(name: str) -> str | None:
    """Why `name` can't be a questionnaire id, in plain words; None if it can be."""
    if name in RESPONSE_COLUMNS or name in ENGINE_COLUMNS:
        return f"'{name}' is a column the app keeps for every response"
    if name in EXPORT_COLUMNS:
        return f"'{name}' is a column of the export"
    if name.startswith(SCORE_PREFIX):
        return f"'{name}' is how the export names a dimension's score ({SCORE_PREFIX}<dimension>)"
    return None
