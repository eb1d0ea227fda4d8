"""Spreadsheet-safe CSV export of responses, and the codebook that explains every column.

Safe means two things. The file starts with a UTF-8 byte-order mark, so Excel
reads accents and emoji correctly. And no text cell can run as a formula: a
text cell (or header) that begins with = + - @ tab CR LF or NUL gets a leading
apostrophe (OWASP "CSV injection"). Numbers are written as numbers and never
touched, so -3 stays -3. Quoting follows RFC 4180: every text cell is quoted,
quotes inside are doubled, and lines end with CRLF.

Speed: the store renders each response as one finished CSV line (`Store.csv_lines`),
so Python never handles the millions of cells one by one. That keeps a
100k-response export under a second (BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from survey import schema
from survey.questionnaire import Questionnaire
from survey.store import CsvCell, Store

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


WHEN = (
    "UTC. CSV: ISO 8601 with the zone, to the millisecond (2026-11-26T18:03:13.512Z); "
    "Excel and SPSS: a date-time value (UTC, shown to the second), ready for arithmetic."
)


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    source: str  # the responses column it comes from ("session_title": the session's title)
    # "text", "number", "datetime" (ISO 8601 text in the CSV, a date-time value in the
    # workbook and the .sav), or "option" (0/1 for one multi-select choice)
    kind: str = "text"
    option: str | None = None
    item_text: str = ""
    dimension: str = ""
    reverse: str = ""
    scale: str = ""
    # What a participant reading another language saw: (language, text), one per
    # translation of the questionnaire (the codebook's item_text_<language> columns).
    translations: tuple[tuple[str, str], ...] = ()


def translated(q: Questionnaire, shown: Callable[[Questionnaire], str]) -> tuple:
    """`shown` read in each of the questionnaire's other languages: ((language, text), ...)."""
    return tuple((code, shown(q.in_language(code))) for code in q.languages[1:])


def _question(t: Questionnaire, question_id: str) -> str:
    """A profile question and its choices as a reader of `t`'s language saw them."""
    p = t.profile_question(question_id)
    return f"{p.text} ({'; '.join(p.labels)})"


def _choice(t: Questionnaire, question_id: str, n: int) -> str:
    p = t.profile_question(question_id)
    return f"{p.text}: {p.labels[n]}"


def language_values(q: Questionnaire) -> str:
    """The codes of the `language` column with the names a reader knows them by."""
    return "; ".join(f"{code} = {q.language_name(code)}" for code in q.languages)


def columns(q: Questionnaire) -> list[Column]:
    """The export's columns, in order. The codebook has one row for each."""
    scale = "; ".join(f"{n} = {label}" for n, label in enumerate(q.scale, 1))
    formula = scoring_text(q)
    cols = [
        Column(
            "response_id",
            "Anonymous id of one response: the letter r and 16 random hex digits, e.g. "
            "r3f09a1c27be4d856; text, never a number (not the participant's private link)",
            "public_id",
        ),
        Column("session_code", "Code of the session the participant joined", "session_code"),
        Column("session_title", "Title of that session (set by the facilitator)", "session_title"),
        Column(
            "started_at",
            f"When the participant first saved answers. {WHEN}",
            "started_at",
            "datetime",
        ),
        Column(
            "completed_at",
            f"When they finished; empty if they did not. {WHEN}",
            "completed_at",
            "datetime",
        ),
        Column(
            "status",
            "complete; with the include-unfinished option also in_progress (the session is "
            "open: they may still finish) or did_not_finish (the session closed first)",
            "status",
        ),
        Column(
            "fingerprint",
            "Hash of the questionnaire file the answers were given under",
            "fingerprint",
        ),
        Column(
            "is_demo",
            "1 = synthetic rehearsal data (demo command), 0 = a real participant",
            "is_demo",
            "number",
        ),
        Column(
            "language",
            "The language the participant last sent a page in (a language code; the "
            "questionnaire offers " + language_values(q) + "). Scores do not depend on it: "
            "every language asks the same questions, scored the same way",
            "language",
            scale=language_values(q),
        ),
    ]
    for p in q.profile:
        if p.kind == "multi":
            cols += [
                Column(
                    schema.option_column(p.id, option),
                    f"{p.text}: 1 if '{option}' was chosen, 0 if not, empty if unanswered",
                    p.id,
                    "option",
                    option=option,
                    translations=translated(q, lambda t, i=p.id, n=n: _choice(t, i, n)),
                )
                for n, option in enumerate(p.options)
            ]
        else:
            cols.append(
                Column(
                    p.id,
                    f"{p.text} (optional; empty if unanswered)",
                    p.id,
                    scale="; ".join(p.options),
                    translations=translated(q, lambda t, i=p.id: _question(t, i)),
                )
            )
    for o in q.open:
        cols.append(
            Column(
                o.id,
                f"{o.text} The participant's own words as stored (at most {o.max_chars} "
                "characters, spacing tidied, invisible control characters removed); every "
                "answer, also those hidden from the stage; empty if unanswered",
                o.id,
                item_text=o.text,
                translations=translated(q, lambda t, i=o.id: t.open_question(i).text),
            )
        )
    for it in q.items:
        keyed = " (reverse-keyed: scored as 5 - answer)" if it.reverse else ""
        cols.append(
            Column(
                it.id,
                "Raw answer 1-5" + keyed,
                it.id,
                "number",
                item_text=it.text,
                dimension=it.dimension,
                reverse="yes" if it.reverse else "no",
                scale=scale,
                translations=translated(q, lambda t, i=it.id: t.item(i).text),
            )
        )
    for d in q.dimensions:
        items = ", ".join(i.id for i in q.items_of(d.id))
        meaning = f"{d.name} score 0-100 = 100 * mean keyed item value / 4 over {items}. {formula}"
        cols.append(Column(f"score_{d.id}", meaning, f"score_{d.id}", "number", dimension=d.id))
    cols.append(
        Column(
            "overall",
            f"Overall score 0-100 = mean of the dimension scores. {formula}",
            "overall",
            "number",
        )
    )
    cols.append(Column("class", f"believer if overall >= {q.threshold:g}, else spectator", "class"))
    # The questionnaire's validation refuses every id and choice that would take a name
    # twice; were one to slip through, the workbook and the .sav would silently keep only
    # one of the two columns, so stop here instead.
    names = [c.name for c in cols]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"the export would name two columns {', '.join(twice)}")
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
    limit: int | None = None,
    include_demo: bool = False,
) -> bytes:
    """The responses of one session (or all, with None) as CSV bytes, oldest first.

    Complete, real responses by default: unfinished and demo rows only when asked for.
    """
    cols = columns(store.q)
    danger = "".join(DANGEROUS_FIRST)
    cells = [_cell(c) for c in cols]
    lines = store.csv_lines(cells, danger, session_code, include_incomplete, limit, include_demo)
    header = ",".join(_quote(neutralise(c.name)) for c in cols)
    body = "".join(line + "\r\n" for line in lines)
    return ((BOM if bom else "") + header + "\r\n" + body).encode("utf-8")


def preview(
    store: Store,
    session_code: str | None,
    include_incomplete: bool,
    n: int = 10,
    include_demo: bool = False,
) -> pd.DataFrame:
    """The first rows exactly as the CSV holds them (parsed back from the bytes)."""
    data = responses_csv(store, session_code, include_incomplete, False, n, include_demo)
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


# Identifiers the app generates itself (public ids, codes, status, class, hashes, timestamps)
# never contain commas, quotes or a dangerous first character (tests check this), so
# they are written bare; any other text is neutralised and quoted.
GENERATED_TEXT = {
    "public_id",
    "session_code",
    "status",
    "fingerprint",
    "class",
    "started_at",
    "completed_at",
    "language",
}


def _cell(c: Column) -> CsvCell:
    if c.source == "status":
        return CsvCell(c.source, "status")
    if c.kind == "number" or c.source in GENERATED_TEXT:
        return CsvCell(c.source, "bare")
    if c.kind == "option":
        return CsvCell(c.source, "option", c.option)
    return CsvCell(c.source)


def _quote(text: object) -> str:
    return '"' + str(text).replace('"', '""') + '"'


CODEBOOK_HEADER = ["column", "meaning", "item_text", "dimension", "reverse_keyed", "scale"]


def codebook_header(q: Questionnaire) -> list[str]:
    """The codebook's columns: then, for each translation, the text a reader of it saw."""
    return [*CODEBOOK_HEADER, *(f"item_text_{code}" for code in q.languages[1:])]


def codebook_rows(q: Questionnaire, cols: list[Column] | None = None) -> list[list[str]]:
    """One row per export column, under `codebook_header(q)` (not yet neutralised)."""
    return [
        [
            c.name,
            c.meaning,
            c.item_text,
            c.dimension,
            c.reverse,
            c.scale,
            *(dict(c.translations).get(code, "") for code in q.languages[1:]),
        ]
        for c in (columns(q) if cols is None else cols)
    ]


def codebook_csv(q: Questionnaire, bom: bool = True) -> bytes:
    """One row per column of the responses CSV: what it means and how it is scored, and
    each item's text in every language of the questionnaire."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(codebook_header(q))
    for row in codebook_rows(q):
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue().encode("utf-8")


def filename(session_code: str | None, kind: str = "responses") -> str:
    scope = session_code or "all-sessions"
    return f"believer-or-spectator_{scope}_{kind}.csv"
