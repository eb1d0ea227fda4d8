"""Our CSV and workbook opened by LibreOffice Calc, as an analyst would open them.

`make test` installs LibreOffice on Debian where it can (tests/system_deps.py);
without it these tests are skipped, saying so.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime

import openpyxl
import pytest

from survey import demo, export, formats

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
CSV_FILTER = "CSV:44,34,76"  # comma-separated, double quotes, UTF-8: what Calc's dialog offers


def calc_round_trip(source, tmp_path, infilter: str | None = None) -> openpyxl.Workbook:
    """Open `source` in Calc and save it as a workbook of Calc's own making."""
    out = tmp_path / "calc"
    cmd = [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    made = out / (source.stem + ".xlsx")
    assert made.exists(), done.stdout + done.stderr
    return openpyxl.load_workbook(made)


def columns(ws) -> dict[str, list]:
    rows = list(ws.iter_rows(values_only=True))
    return {name: [r[j] for r in rows[1:]] for j, name in enumerate(rows[0])}


def test_calc_keeps_every_response_id_of_the_csv_as_the_same_text(db, q, tmp_path):
    db.insert_many("SHARE", demo.responses(q, 2000, seed=41))
    source = tmp_path / "answers.csv"
    source.write_bytes(export.responses_csv(db, include_demo=True))
    ours = [line.split(",")[0] for line in source.read_text("utf-8-sig").splitlines()[1:]]

    seen = columns(calc_round_trip(source, tmp_path, CSV_FILTER).active)

    assert seen["response_id"] == ours  # text, unchanged: none became a number
    assert all(isinstance(v, str) for v in seen["response_id"])


def test_calc_reads_the_workbooks_times_as_date_times(db, q, tmp_path):
    db.insert_many("SHARE", demo.responses(q, 50, seed=42))
    source = tmp_path / "answers.xlsx"
    source.write_bytes(formats.xlsx_bytes(db, include_demo=True))
    text = export.responses_csv(db, include_demo=True).decode("utf-8-sig")
    ours = {r["response_id"]: r for r in csv.DictReader(io.StringIO(text))}

    seen = columns(calc_round_trip(source, tmp_path)["data"])

    assert len(seen["response_id"]) == 50
    for public, started, done in zip(
        seen["response_id"], seen["started_at"], seen["completed_at"], strict=True
    ):
        assert isinstance(started, datetime) and isinstance(done, datetime)
        want = datetime.fromisoformat(ours[public]["started_at"]).replace(tzinfo=None)
        assert abs((started - want).total_seconds()) < 0.001
        assert done > started


# Titles a workbook writer could turn into something else: a number (every digit or the
# whole value lost), a formula, a link, an escape Excel decodes (_x0041_ reads "A"), or
# XML copied into the sheet as it is (XlsxWriter's own rich-text form).
TRICKY_TITLES = [
    "1556389859875737",
    "6025778931e21487",
    "=1+1",
    "https://example.com/a",
    "Code _x0041_ stays",
    '<r><t>a</t></r></is></c><c r="Z2"><f>1+1</f></c><c r="ZZ2" t="inlineStr"><is><r><t>b</t></r>',
]


def test_calc_shows_the_workbooks_session_titles_as_the_csv_does(db, q, tmp_path):
    for k, title in enumerate(TRICKY_TITLES):
        db.insert_many(db.create_session(title), demo.responses(q, 2, seed=43 + k))
    source = tmp_path / "answers.xlsx"
    source.write_bytes(formats.xlsx_bytes(db, include_demo=True))
    text = export.responses_csv(db, include_demo=True).decode("utf-8-sig")
    ours = [r["session_title"] for r in csv.DictReader(io.StringIO(text))]

    seen = columns(calc_round_trip(source, tmp_path)["data"])

    assert seen["session_title"] == ours
    assert set(ours) == {export.neutralise(t) for t in TRICKY_TITLES}
    assert all(isinstance(v, str) for v in seen["session_title"])
