"""The analyst's formats: Excel (.xlsx) and SPSS (.sav), with the CSV's columns.

Both are built from `export.columns(q)`, the list the CSV and its codebook use,
so a column added to (or removed from) the CSV follows here by itself. Two
things differ from the CSV on purpose:

- The participant's private resume token never leaves the database: anyone
  holding it can reopen that person's answers. A column whose source is the
  token is left out (the CSV's `response_id` is a separate public id).
- As in the CSV, demo rows (synthetic rehearsal data) are left out unless asked for.

XLSX: sheets "data", "codebook" and "summary"; every text cell (and header)
that a spreadsheet would run as a formula gets a leading apostrophe, as in the
CSV. SPSS: variable labels from the item text (or the codebook's meaning),
value labels for the scale, the profile questions, the 0/1 option columns and
the demo flag; single-choice profile answers are coded 1..n with their labels.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from survey import export, workbook
from survey.export import Column
from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.store import SUPERSEDED, Store, reported_status

PRIVATE_SOURCES = {"token"}  # the resume token: a key to someone's answers, never exported
LABELS = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "sav": "SPSS (.sav)"}
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
SPSS_DATETIME = "DATETIME20"  # dd-mmm-yyyy hh:mm:ss, SPSS's own date-time format
SPSS_LABEL_MAX = 256  # SPSS truncates variable labels longer than this
OPTION_LABELS = {0.0: "Not chosen", 1.0: "Chosen"}
DEMO_LABELS = {0.0: "Real participant", 1.0: "Demo (synthetic rehearsal data)"}
LANGUAGE_LABEL = "Language the answers were sent in"  # the codebook says more


def shown_columns(q: Questionnaire) -> list[Column]:
    """The CSV's columns, less any that would carry the private resume token."""
    return [c for c in export.columns(q) if c.source not in PRIVATE_SOURCES]


def frame(
    store: Store,
    session_code: str | None = None,
    include_incomplete: bool = False,
    include_demo: bool = False,
) -> pd.DataFrame:
    """The export's rows as a DataFrame, oldest first: one column per `shown_columns(q)`.

    Numbers are floats (NaN when unanswered); a multi-select option is 1/0 (NaN
    if the question was skipped); text is the stored text, not yet neutralised.
    """
    cols = shown_columns(store.q)
    sources = list(dict.fromkeys(c.source for c in cols if c.source != "session_title"))
    wanted = list(dict.fromkeys([*sources, "session_code", "is_demo", "status"]))
    names, rows = store.rows(session_code, include_incomplete=include_incomplete, columns=wanted)
    raw = pd.DataFrame(rows, columns=names, dtype=object)
    if not include_demo:
        raw = raw[raw["is_demo"] == 0]
    # A superseded response is a person's earlier try: it never counts (as in the CSV).
    raw = raw[raw["status"] != SUPERSEDED]
    sessions = store.list_sessions()
    titles = {s["code"]: s["title"] for s in sessions}
    is_open = {s["code"]: bool(s["is_open"]) for s in sessions}
    out = {}
    for c in cols:
        if c.source == "session_title":
            out[c.name] = raw["session_code"].map(titles)
        elif c.source == "status":
            pairs = zip(raw["status"], raw["session_code"].map(is_open), strict=True)
            out[c.name] = pd.Series(
                [reported_status(st, op) for st, op in pairs], index=raw.index, dtype=object
            )
        elif c.kind == "option":
            out[c.name] = raw[c.source].map(lambda v, o=c.option: _chose(v, o))
        elif c.kind == "number":
            out[c.name] = pd.to_numeric(raw[c.source], errors="coerce").astype(float)
        elif c.kind == "datetime":
            # Neither Excel nor SPSS has time zones: UTC date-times, as the codebook says.
            stamps = pd.to_datetime(raw[c.source], utc=True, format="ISO8601")
            out[c.name] = stamps.dt.tz_localize(None)
        else:
            out[c.name] = raw[c.source]
    return pd.DataFrame(out, index=raw.index).reset_index(drop=True)


def _chose(value: str | None, option: str) -> float:
    if value is None:
        return np.nan
    return 1.0 if option in value.split(MULTI_SEPARATOR) else 0.0


# ---------------------------------------------------------------- Excel


def xlsx_bytes(
    store: Store,
    session_code: str | None = None,
    include_incomplete: bool = False,
    include_demo: bool = False,
) -> bytes:
    """The responses as an Excel workbook: data, codebook and summary sheets.

    Text cells and headers are neutralised like the CSV's (a leading apostrophe
    before = + - @ and control characters), so no cell runs as a formula.
    """
    q = store.q
    data = frame(store, session_code, include_incomplete, include_demo)
    sheets = {
        "data": data,
        "codebook": codebook_frame(q),
        "summary": summary_frame(q, data),
    }
    return workbook.xlsx(
        workbook.Sheet(name, df, [_width(name, str(col)) for col in df.columns])
        for name, df in sheets.items()
    )


def codebook_frame(q: Questionnaire) -> pd.DataFrame:
    """One row per column of the data sheet: what it means and how it is scored, and each
    item's text in every language of the questionnaire (the CSV codebook's columns)."""
    rows = export.codebook_rows(q, shown_columns(q))
    return pd.DataFrame(rows, columns=export.codebook_header(q))


def summary_frame(q: Questionnaire, data: pd.DataFrame) -> pd.DataFrame:
    """Per session in `data`: complete responses, the split, mean overall and dimension
    scores, and how many answered in each language."""
    done = data[data["status"] == "complete"]
    scores = [f"score_{d}" for d in q.dimension_ids]
    spoken = list(dict.fromkeys([*q.languages, *sorted(done["language"].dropna().unique())]))
    rows = []
    for code, g in done.groupby("session_code", sort=False):
        n = len(g)
        believers = int((g["class"] == "believer").sum())
        rows.append(
            {
                "session_code": code,
                "session_title": g["session_title"].iloc[0],
                "complete_responses": n,
                "believers": believers,
                "spectators": n - believers,
                "believer_share_pct": 100 * believers / n,
                "mean_overall": g["overall"].mean(),
                **{f"mean_{s}": g[s].mean() for s in scores},
                **{f"answered_in_{code}": int((g["language"] == code).sum()) for code in spoken},
            }
        )
    columns = ["session_code", "session_title", "complete_responses", "believers", "spectators"]
    columns += ["believer_share_pct", "mean_overall", *(f"mean_{s}" for s in scores)]
    columns += [f"answered_in_{code}" for code in spoken]
    return pd.DataFrame(rows, columns=columns)


def _width(sheet: str, column: str) -> float:
    if sheet == "codebook" and (column == "meaning" or column.startswith("item_text")):
        return 60
    return min(max(len(column) + 2, 10), 30)


# ---------------------------------------------------------------- SPSS


def sav_bytes(
    store: Store,
    session_code: str | None = None,
    include_incomplete: bool = False,
    include_demo: bool = False,
) -> bytes:
    """The responses as an SPSS .sav file with variable and value labels."""
    q = store.q
    df = frame(store, session_code, include_incomplete, include_demo)
    cols = {c.name: c for c in shown_columns(q)}
    scale = {float(i): label for i, label in enumerate(q.scale, 1)}
    labels: dict[str, str] = {}
    values: dict[str, dict[float, str]] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    for name, c in cols.items():
        labels[name] = (c.item_text or c.meaning)[:SPSS_LABEL_MAX]
        if c.source in q.item_ids:
            values[name], measure[name] = scale, "ordinal"
        elif c.kind == "option":
            values[name], measure[name] = OPTION_LABELS, "nominal"
        elif c.source == "is_demo":
            values[name], measure[name] = DEMO_LABELS, "nominal"
        elif c.source == "language":
            # A string variable with value labels: "fr" reads as Français in SPSS's tables.
            df[name] = df[name].fillna("").astype(str)
            present = [code for code in df[name].unique() if code]
            values[name] = {code: q.language_name(code) for code in [*q.languages, *present]}
            labels[name], measure[name] = LANGUAGE_LABEL, "nominal"
        elif c.kind == "number":
            measure[name] = "scale"
        elif c.kind == "datetime":
            formats[name], measure[name] = SPSS_DATETIME, "scale"
        elif c.source in {p.id for p in q.profile}:
            # SPSS labels numbers, not text: code the single-choice answer 1..n.
            options = q.profile_question(c.source).options
            codes = {o: float(i) for i, o in enumerate(options, 1)}
            df[name] = df[name].map(lambda v, m=codes: m.get(v, np.nan)).astype(float)
            values[name] = {v: k for k, v in codes.items()}
            measure[name] = "nominal"
        else:
            df[name] = df[name].fillna("").astype(str)
            measure[name] = "nominal"
    # pyreadstat writes to a path only.
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(
            df,
            path,
            column_labels=labels,
            variable_value_labels=values,
            variable_measure=measure,
            variable_format=formats,
        )
        return Path(path).read_bytes()
    finally:
        os.unlink(path)


# ---------------------------------------------------------------- one entry point


def responses(
    store: Store,
    fmt: str,
    session_code: str | None = None,
    include_incomplete: bool = False,
    include_demo: bool = False,
    bom: bool = True,
) -> bytes:
    """The responses in `fmt` ("csv", "xlsx" or "sav"): what the export page and CLI write.

    Every format leaves out unfinished and demo rows unless asked for.
    """
    if fmt == "csv":
        return export.responses_csv(
            store, session_code, include_incomplete, bom=bom, include_demo=include_demo
        )
    if fmt == "xlsx":
        return xlsx_bytes(store, session_code, include_incomplete, include_demo)
    if fmt == "sav":
        return sav_bytes(store, session_code, include_incomplete, include_demo)
    raise ValueError(f"unknown format {fmt!r}: use csv, xlsx or sav")


def filename(session_code: str | None, fmt: str) -> str:
    """E.g. believer-or-spectator_HALLB_responses.xlsx."""
    return export.filename(session_code).removesuffix(".csv") + f".{fmt}"
