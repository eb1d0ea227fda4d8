"""Spreadsheet-safe CSV export of responses, and the codebook that explains every column.

Safe means two things. The file starts with a UTF-8 byte-order mark, so Excel
reads accents and emoji correctly. And no text cell can run as a formula: a
text cell (or header) that begins with = + - @ tab CR LF or NUL gets a leading
apostrophe (OWASP "CSV injection"). Numbers are written as numbers and never
touched, so -3 stays -3. Quoting follows RFC 4180 (csv module, CRLF endings).
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from survey.participant import MULTI_SEPARATOR
from survey.questionnaire import Questionnaire
from survey.store import Store

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    source: str  # the responses-table column it comes from
    option: str | None = None  # for a multi-select option column: the option
    item_text: str = ""
    dimension: str = ""
    reverse: str = ""
    scale: str = ""


def columns(q: Questionnaire) -> list[Column]:
    """The export's columns, in order. The codebook has one row for each."""
    scale = "; ".join(f"{n} = {label}" for n, label in enumerate(q.scale, 1))
    formula = scoring_text(q)
    cols = [
        Column("response_id", "Anonymous id of one participant's response", "token"),
        Column("session_code", "Code of the session the participant joined", "session_code"),
        Column("session_title", "Title of that session (set by the facilitator)", "session_title"),
        Column(
            "started_at", "When the participant first saved an answer (ISO 8601, UTC)", "started_at"
        ),
        Column(
            "completed_at",
            "When they submitted the last page (ISO 8601, UTC); empty if not",
            "completed_at",
        ),
        Column(
            "status", "complete, or in_progress (only with the include-incomplete option)", "status"
        ),
        Column(
            "fingerprint",
            "Content hash of the questionnaire file the answers were given under",
            "fingerprint",
        ),
        Column(
            "is_demo",
            "1 = synthetic rehearsal data (demo command), 0 = a real participant",
            "is_demo",
        ),
    ]
    for p in q.profile:
        if p.kind == "multi":
            for option in p.options:
                cols.append(
                    Column(
                        f"{p.id}_{_slug(option)}",
                        f"{p.text}: 1 if '{option}' was chosen, 0 if not, empty if unanswered",
                        p.id,
                        option=option,
                    )
                )
        else:
            cols.append(
                Column(
                    p.id,
                    f"{p.text} (optional; empty if unanswered)",
                    p.id,
                    scale="; ".join(p.options),
                )
            )
    for it in q.items:
        cols.append(
            Column(
                it.id,
                "Raw answer 1-5" + (" (reverse-keyed: scored as 5 - answer)" if it.reverse else ""),
                it.id,
                item_text=it.text,
                dimension=it.dimension,
                reverse="yes" if it.reverse else "no",
                scale=scale,
            )
        )
    for d in q.dimensions:
        items = ", ".join(i.id for i in q.items_of(d.id))
        cols.append(
            Column(
                f"score_{d.id}",
                f"{d.name} score 0-100 = 100 * mean keyed item value / 4 over {items}. {formula}",
                f"score_{d.id}",
                dimension=d.id,
            )
        )
    cols.append(
        Column(
            "overall", f"Overall score 0-100 = mean of the dimension scores. {formula}", "overall"
        )
    )
    cols.append(Column("class", f"believer if overall >= {q.threshold:g}, else spectator", "class"))
    return cols


def scoring_text(q: Questionnaire) -> str:
    return (
        "Keyed item value = answer - 1 (0-4); for a reverse-keyed item 4 - (answer - 1). "
        f"Believer threshold: {q.threshold:g}."
    )


def responses_csv(
    store: Store,
    session_code: str | None = None,
    include_incomplete: bool = False,
    bom: bool = True,
) -> bytes:
    """The responses of one session (or all, with None) as CSV bytes."""
    names, rows = store.rows(session_code, include_incomplete=include_incomplete)
    return csv_bytes(store, names, rows, bom)


def preview(store: Store, names: list[str], rows: list[tuple]) -> pd.DataFrame:
    """A few rows exactly as the CSV will hold them (parsed back from the bytes)."""
    data = csv_bytes(store, names, rows, bom=False)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def csv_bytes(store: Store, names: list[str], rows: Iterable[tuple], bom: bool = True) -> bytes:
    """Stored response rows (as from `Store.rows`) in export order, safe for spreadsheets."""
    cols = columns(store.q)
    titles = {s["code"]: neutralise(s["title"]) for s in store.list_sessions()}
    at = {name: i for i, name in enumerate(names)}
    text_idx = [at[c] for c in ("token", "session_code", "status", "fingerprint", "class")]
    text_idx += [at[p.id] for p in store.q.profile if p.kind == "single"]

    # Each output row is the stored row, plus the session title and one 0/1 per
    # multi-select option appended at the end, then picked into export order in C.
    multi = [(at[p.id], p.options) for p in store.q.profile if p.kind == "multi"]
    extra_at = {("session_title", None): len(names)}
    for i, options in multi:
        for option in options:
            extra_at[(names[i], option)] = len(names) + len(extra_at)
    pick = [
        extra_at[(c.source, c.option)] if (c.source, c.option) in extra_at else at[c.source]
        for c in cols
    ]

    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.name) for c in cols])
    writer.writerows(
        _safe_rows(rows, text_idx, at["session_code"], titles, multi, operator.itemgetter(*pick))
    )
    return out.getvalue().encode("utf-8")


def _safe_rows(rows, text_idx, code_idx, titles, multi, pick) -> Iterable[tuple]:
    for raw in rows:
        row = list(raw)
        for i in text_idx:
            v = row[i]
            if v and v[0] in DANGEROUS_FIRST:
                row[i] = "'" + v
        row.append(titles.get(row[code_idx], ""))
        for i, options in multi:
            chosen = row[i]
            if chosen is None:
                row.extend([None] * len(options))
            else:
                parts = chosen.split(MULTI_SEPARATOR)
                row.extend([1 if o in parts else 0 for o in options])
        yield pick(row)


def codebook_csv(q: Questionnaire, bom: bool = True) -> bytes:
    """One row per column of the responses CSV: what it means and how it is scored."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["column", "meaning", "item_text", "dimension", "reverse_keyed", "scale"])
    for c in columns(q):
        writer.writerow(
            [
                neutralise(v)
                for v in (c.name, c.meaning, c.item_text, c.dimension, c.reverse, c.scale)
            ]
        )
    return out.getvalue().encode("utf-8")


def filename(session_code: str | None, kind: str = "responses") -> str:
    scope = session_code or "all-sessions"
    return f"believer-or-spectator_{scope}_{kind}.csv"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
