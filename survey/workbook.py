"""An Excel workbook streamed from DataFrames, with every text cell inert.

XlsxWriter in constant-memory mode writes each row out as soon as the next one
starts, so a workbook of any size holds one row in memory; it needs 1.5-1.9x less
CPU than openpyxl's write-only mode with lxml (BENCHMARKS.md, `python -m bench.workbook`).

What the analyst gets, whatever the data holds:
- Text stays text. XlsxWriter's three guesses are off: a string is never turned
  into a number (a response id like "1556389859875737" or "6025778931e21487"
  stays as typed), a formula or a hyperlink.
- A text cell (and header) that a spreadsheet would run as a formula gets a
  leading apostrophe, as in the CSV (`export.neutralise`).
- Control characters an .xlsx cannot hold are dropped; tab, LF and CR are kept.
- Text XlsxWriter would take for finished rich-text XML (it starts with "<r>"
  and ends with "</r>", and would be copied into the file unescaped) is written
  as three plain runs of the same text, which are escaped like any other.
- A date-time is a date-time cell shown to the second; an empty value (None,
  NaN, NaT, "") is an empty cell.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import xlsxwriter
from pandas.api.types import is_bool_dtype, is_datetime64_dtype, is_numeric_dtype
from xlsxwriter.worksheet import Worksheet

from survey.export import neutralise

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"  # Excel: a date-time cell, read the same everywhere
OPTIONS = {
    "constant_memory": True,  # one row in memory at a time (rows must come in order)
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
# What an .xlsx cannot hold (XML 1.0): C0 controls other than tab, LF and CR.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Write = Callable[[int, int, object], object]


@dataclass(frozen=True)
class Sheet:
    name: str
    frame: pd.DataFrame
    widths: list[float]  # one per column, in characters as Excel shows them


def xlsx(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as one .xlsx file: a header row (frozen) and one row per frame row."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, OPTIONS)
    stamp = book.add_format({"num_format": DATETIME_FORMAT})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        ws.freeze_panes(1, 0)
        for j, width in enumerate(sheet.widths):
            ws.set_column(j, j, width)
        for j, name in enumerate(sheet.frame.columns):
            _write_text(ws, 0, j, text(str(name)))
        df = sheet.frame
        values = [_values(df[col]) for col in df.columns]
        writers = [_writer(ws, df[col], stamp) for col in df.columns]
        # Cell by cell, row after row: constant-memory mode writes a row out when the next begins.
        for r, row in enumerate(zip(*values, strict=True), 1):
            for j, value in enumerate(row):
                if value is not None:
                    writers[j](r, j, value)
    book.close()
    return buf.getvalue()


def text(value: str) -> str | None:
    """A text cell's content: controls an .xlsx cannot hold dropped, formulas neutralised."""
    value = ILLEGAL_CHARACTERS.sub("", value)
    return neutralise(value) if value else None


def _values(column: pd.Series) -> list:
    """A column's cells as Python values, None where the cell stays empty."""
    if is_datetime64_dtype(column):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    if is_numeric_dtype(column):
        return [None if v != v else v for v in column.tolist()]  # v != v: NaN
    return [_text_or_value(v) for v in column.tolist()]


def _text_or_value(value: object) -> object:
    if isinstance(value, str):
        return text(value)
    return None if value is None or value != value else value


def _writer(ws: Worksheet, column: pd.Series, stamp) -> Write:
    if is_datetime64_dtype(column):
        return lambda r, c, v: ws.write_datetime(r, c, v, stamp)
    if is_bool_dtype(column):
        return ws.write_boolean
    if is_numeric_dtype(column):
        return ws.write_number
    return lambda r, c, v: _write_text(ws, r, c, v)


def _write_text(ws: Worksheet, row: int, col: int, value: object) -> None:
    if not isinstance(value, str):
        if value is not None:
            ws.write(row, col, value)  # a number in a text column: conversions are off
        return
    if value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter copies such a string into the sheet's XML as it is (its own
        # rich-string form); as three plain runs it is escaped, and reads the same.
        ws.write_rich_string(row, col, value[0], value[1], value[2:])
    else:
        ws.write_string(row, col, value)
