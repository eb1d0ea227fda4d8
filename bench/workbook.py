"""Benchmark: the Excel workbook of 10,000 responses (target <= 3 s), XlsxWriter beside openpyxl.

    python -m bench.workbook [--n 10000] [--repeat 5] [--check]

Uses a real SQLite file filled with demo responses (counted as real). Times, in one run and
alternating so both see the same machine:
- `formats.xlsx_bytes`, what the export page and the CLI call (read, frame, sheets, file);
- the same three sheets written by `survey/workbook.py` (XlsxWriter, constant-memory mode)
  and by openpyxl's write-only mode with lxml, the writer used before (kept below, as it was,
  for this comparison only).
`--check` reads both workbooks back with openpyxl and compares every cell. Prints JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from pandas.api.types import is_datetime64_dtype

from survey import demo, export, formats, questionnaire, workbook
from survey.store import Store

TARGET_S = 3.0


def _time(fn: Callable[[], bytes]) -> tuple[float, float, int]:
    t, c = time.perf_counter(), time.process_time()
    size = len(fn())
    return time.perf_counter() - t, time.process_time() - c, size


def _summary(runs: list[tuple[float, float, int]]) -> dict:
    wall = [r[0] for r in runs]
    return {
        "bytes": runs[-1][2],
        "median_s": round(statistics.median(wall), 3),
        "min_s": round(min(wall), 3),
        "max_s": round(max(wall), 3),
        # CPU time of this process: what it costs when the machine is shared.
        "cpu_median_s": round(statistics.median(r[1] for r in runs), 3),
    }


def openpyxl_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The writer before XlsxWriter: openpyxl's write-only mode (lxml when installed)."""
    wb = openpyxl.Workbook(write_only=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for j, col in enumerate(df.columns, 1):
            ws.column_dimensions[get_column_letter(j)].width = formats._width(name, str(col))
        ws.append([export.neutralise(str(c)) for c in df.columns])
        stamps = [j for j, col in enumerate(df.columns) if is_datetime64_dtype(df[col])]
        safe = df.astype(object)
        for col in safe.columns:
            if not pd.api.types.is_numeric_dtype(df[col]):
                safe[col] = safe[col].map(_safe_cell)
        for row in safe.where(df.notna(), None).itertuples(index=False, name=None):
            row = list(row)
            for j in stamps:
                if row[j] is not None and row[j] == row[j]:
                    row[j] = WriteOnlyCell(ws, value=row[j].to_pydatetime())
                    row[j].number_format = workbook.DATETIME_FORMAT
                else:
                    row[j] = None
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe_cell(value: object) -> object:
    if not isinstance(value, str):
        return None if value is None or value != value else value
    return export.neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsxwriter_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    return workbook.xlsx(
        workbook.Sheet(name, df, [formats._width(name, str(c)) for c in df.columns])
        for name, df in sheets.items()
    )


def differences(a: bytes, b: bytes) -> dict:
    """Cells whose value differs between two workbooks (an empty text cell counts as empty)."""
    wa = openpyxl.load_workbook(io.BytesIO(a), read_only=True)
    wb = openpyxl.load_workbook(io.BytesIO(b), read_only=True)
    out = {"sheets": [wa.sheetnames, wb.sheetnames], "cells": 0, "differing": 0, "first": None}
    for name in wa.sheetnames:
        rows_a = list(wa[name].iter_rows(values_only=True))
        rows_b = list(wb[name].iter_rows(values_only=True))
        if len(rows_a) != len(rows_b):
            out["differing"] += abs(len(rows_a) - len(rows_b))
        for i, (ra, rb) in enumerate(zip(rows_a, rows_b, strict=False)):
            for j, (x, y) in enumerate(zip(ra, rb, strict=True)):
                out["cells"] += 1
                if (x if x != "" else None) != (y if y != "" else None):
                    out["differing"] += 1
                    out["first"] = out["first"] or [name, i + 1, j + 1, repr(x), repr(y)]
    return out


def run(n: int, repeat: int, check: bool) -> dict:
    load = os.getloadavg()
    q = questionnaire.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(q, Path(tmp) / "bench.db")
        code = store.create_session("Benchmark")
        store.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(q, n, seed=0)])
        data = formats.frame(store, code)
        sheets = {
            "data": data,
            "codebook": formats.codebook_frame(q),
            "summary": formats.summary_frame(q, data),
        }
        runs: dict[str, list] = {"export": [], "frame": [], "xlsxwriter": [], "openpyxl": []}
        for _ in range(repeat):  # alternating: both writers see the same machine
            runs["export"].append(_time(lambda: formats.xlsx_bytes(store, code)))
            runs["frame"].append(_time(lambda: formats.frame(store, code)))
            runs["xlsxwriter"].append(_time(lambda: xlsxwriter_xlsx(sheets)))
            runs["openpyxl"].append(_time(lambda: openpyxl_xlsx(sheets)))
        result = {
            "benchmark": "workbook",
            "responses": n,
            "cells_data_sheet": int(data.notna().sum().sum()),
            "repeat": repeat,
            "load_average_at_start": [round(x, 2) for x in load],
            "versions": {
                "xlsxwriter": xlsxwriter.__version__,
                "openpyxl": openpyxl.__version__,
                "lxml": importlib.util.find_spec("lxml") is not None,
            },
            "xlsx_bytes": _summary(runs["export"]),
            "frame_only": _summary(runs["frame"]),
            "write_xlsxwriter_constant_memory": _summary(runs["xlsxwriter"]),
            "write_openpyxl_write_only": _summary(runs["openpyxl"]),
        }
        mine, before = (
            result["write_xlsxwriter_constant_memory"],
            result["write_openpyxl_write_only"],
        )
        result["openpyxl_over_xlsxwriter"] = {
            "wall": round(before["median_s"] / mine["median_s"], 2),
            "cpu": round(before["cpu_median_s"] / mine["cpu_median_s"], 2),
        }
        if check:
            result["cells_compared"] = differences(openpyxl_xlsx(sheets), xlsxwriter_xlsx(sheets))
        store.close()
    result["target_s"] = TARGET_S
    result["met"] = result["xlsx_bytes"]["median_s"] <= TARGET_S
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--check", action="store_true", help="compare every cell of both workbooks")
    args = p.parse_args()
    print(json.dumps(run(args.n, args.repeat, args.check), indent=2))


if __name__ == "__main__":
    main()
