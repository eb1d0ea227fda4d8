"""The .sav opened by PSPP (GNU's SPSS clone), as an analyst without our code would.

`make test` installs PSPP on Debian (tests/system_deps.py); where it cannot be
installed these tests are skipped, saying so.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime

import pytest

from survey import demo, export, formats

PSPP = shutil.which("pspp")
pytestmark = pytest.mark.skipif(PSPP is None, reason="PSPP is not installed (apt-get install pspp)")


def pspp_tables(syntax: str, tmp_path) -> list[list[list[str]]]:
    """Run PSPP syntax; its output tables as lists of CSV rows."""
    script = tmp_path / "run.sps"
    script.write_text(syntax, encoding="utf-8")
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [PSPP, "-O", "format=csv", "-o", str(out), str(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    tables, rows = [], None
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.lstrip('"').startswith("Table:"):  # quoted when the title has a comma
            rows = []
            tables.append(rows)
        elif line and rows is not None:
            rows.append(next(csv.reader(io.StringIO(line))))
    return tables


def test_pspp_reads_the_times_as_date_times_and_subtracts_them(db, q, tmp_path):
    db.insert_many("SHARE", demo.responses(q, 40, seed=31))
    sav = tmp_path / "answers.sav"
    sav.write_bytes(formats.sav_bytes(db, include_demo=True))
    rows = csv.DictReader(
        io.StringIO(export.responses_csv(db, include_demo=True).decode("utf-8-sig"))
    )
    by_id = {r["response_id"]: r for r in rows}

    listing = pspp_tables(
        f"GET FILE='{sav}'.\n"
        "COMPUTE seconds = completed_at - started_at.\n"
        "FORMATS seconds (F10.3).\n"
        "LIST /VARIABLES=response_id started_at seconds.\n",
        tmp_path,
    )[0]
    assert listing[0] == ["response_id", "started_at", "seconds"]
    assert len(listing) - 1 == len(by_id) == 40
    for public, started, seconds in listing[1:]:
        row = by_id[public]  # the id came through as the same text
        began = datetime.fromisoformat(row["started_at"])
        done = datetime.fromisoformat(row["completed_at"])
        assert started == began.strftime("%d-%b-%Y %H:%M:%S").upper()
        assert float(seconds) == pytest.approx((done - began).total_seconds(), abs=0.002)


def test_pspp_counts_the_responses_per_language_by_each_languages_name(db, q, tmp_path):
    rows = demo.responses(q, 6, seed=33)
    spoken = ["fr", "fr", "de", "en", "fr", "es"]
    db.insert_many("SHARE", [{**r, "language": s} for r, s in zip(rows, spoken, strict=True)])
    sav = tmp_path / "answers.sav"
    sav.write_bytes(formats.sav_bytes(db, include_demo=True))
    tables = pspp_tables(f"GET FILE='{sav}'.\nFREQUENCIES /VARIABLES=language.\n", tmp_path)
    counts = {r[1]: r[2] for t in tables for r in t if len(r) > 2 and r[1] and r[2].isdigit()}
    assert counts == {"Deutsch": "1", "English": "1", "Español": "1", "Français": "3"}
