"""The open question's column in every export: the words as stored, neutralised like every
text cell in the CSV and the workbook, a labelled string in the .sav, and a codebook row."""

import csv
import io

import openpyxl
import pyreadstat

from survey import export, formats
from survey.store import DEFAULT_SESSION


def finish(db, why) -> None:
    answers = {i: 3 for i in db.q.item_ids}
    saved = db.save_page(DEFAULT_SESSION, None, answers, {"why": why}, page=3, finish=True)
    assert saved.outcome == "completed"


def test_the_csv_has_the_answers_as_written_and_a_formula_is_inert(db):
    for why in ["Constant learning", '=HYPERLINK("http://x","y")', 'Quotes "and", commas', None]:
        finish(db, why)
    text = export.responses_csv(db, DEFAULT_SESSION).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["why"] for r in rows] == [
        "Constant learning",
        '\'=HYPERLINK("http://x","y")',
        'Quotes "and", commas',
        "",
    ]


def test_the_codebook_explains_the_open_column_with_its_question(q):
    rows = list(csv.DictReader(io.StringIO(export.codebook_csv(q).decode("utf-8-sig"))))
    (why,) = [r for r in rows if r["column"] == "why"]
    assert why["item_text"] == "In a few words: what do you get out of social media?"
    assert "own words" in why["meaning"] and "at most 60 characters" in why["meaning"]


def test_the_workbook_has_the_column_neutralised(db):
    finish(db, "=1+1")
    book = openpyxl.load_workbook(io.BytesIO(formats.responses(db, "xlsx", DEFAULT_SESSION)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("why") + 1).value == "'=1+1"


def test_the_sav_has_a_string_variable_labelled_with_the_question(db, tmp_path):
    finish(db, "Connections 🎉")
    path = tmp_path / "r.sav"
    path.write_bytes(formats.responses(db, "sav", DEFAULT_SESSION))
    df, meta = pyreadstat.read_sav(str(path))
    assert list(df["why"]) == ["Connections 🎉"]
    assert meta.column_names_to_labels["why"] == (
        "In a few words: what do you get out of social media?"
    )
