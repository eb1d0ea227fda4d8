"""The export page, and the CSV bytes behind its download button.

AppTest shows a download button's label but not its bytes, so the bytes are
checked by calling the function the button calls (there is no unit test of it).
"""

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from survey import demo, export

FORMULA_TITLE = '=HYPERLINK("http://x","y")'
DOWNLOADS = ["Download responses (CSV)", "Download codebook (CSV)", "Download report (HTML)"]


@pytest.fixture
def db(any_db):
    """These pages run on both engines: the app and the test share SURVEY_DB."""
    return any_db


@pytest.fixture
def event(db, q) -> str:
    """A session with a title a spreadsheet would run, 6 finished answers and one unfinished."""
    code = db.create_session(FORMULA_TITLE, "XLSX")
    db.insert_many(code, [{**r, "is_demo": 0} for r in demo.responses(q, 6, seed=11)])
    db.save_page(code, None, {q.items[0].id: 3})
    return code


def export_page(facilitator, code: str) -> AppTest:
    at = facilitator("pages/export.py")
    next(s for s in at.selectbox if s.label == "Sessions").select(code).run()
    assert not at.exception, at.exception
    return at


def stored_rows(db, code) -> list[dict]:
    cols, rows = db.rows(code)
    return [dict(zip(cols, row, strict=True)) for row in rows]


def parse(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_export_page_previews_the_rows_and_offers_both_downloads(facilitator, event):
    at = export_page(facilitator, event)

    [preview] = at.dataframe
    table = preview.value
    assert len(table) == 6
    assert set(table["session_code"]) == {event}
    assert set(table["session_title"]) == {"'" + FORMULA_TITLE}  # neutralised, as in the file
    assert any("First 6 rows" in c.value for c in at.caption)
    assert [b.label for b in at.get("download_button")] == DOWNLOADS


def test_including_unfinished_responses_adds_them_to_the_preview(facilitator, event):
    at = export_page(facilitator, event)

    next(c for c in at.checkbox if c.label == "Include unfinished responses").check().run()

    table = at.dataframe[0].value
    assert len(table) == 7
    assert sorted(table["status"]) == ["complete"] * 6 + ["in_progress"]


def test_with_nothing_to_export_the_page_says_so_and_still_offers_the_codebook(facilitator):
    at = facilitator("pages/export.py")

    assert any("No responses to export yet" in i.value for i in at.info)
    assert not at.dataframe
    assert [b.label for b in at.get("download_button")] == DOWNLOADS


@pytest.mark.parametrize(
    "label,download",
    [
        ("Excel (.xlsx)", "Download responses (Excel (.xlsx))"),
        ("SPSS (.sav)", "Download responses (SPSS (.sav))"),
    ],
)
def test_choosing_an_analyst_format_changes_the_download_and_drops_the_csv_only_choice(
    facilitator, event, label, download
):
    at = export_page(facilitator, event)
    assert "Include demo responses" in [c.label for c in at.checkbox]

    next(r for r in at.radio if r.label == "Format").set_value(
        {"Excel (.xlsx)": "xlsx", "SPSS (.sav)": "sav"}[label]
    ).run()

    assert not at.exception, at.exception
    assert at.get("download_button")[0].label == download
    labels = [c.label for c in at.checkbox]
    assert "Include demo responses" in labels
    assert "Plain UTF-8 (no byte-order mark)" not in labels


def test_with_all_sessions_chosen_the_report_download_compares_rooms(facilitator, event):
    at = export_page(facilitator, event)

    next(s for s in at.selectbox if s.label == "Sessions").select_index(0).run()

    assert not at.exception, at.exception
    assert at.get("download_button")[2].label == "Download rooms compared (HTML)"


def test_the_responses_csv_opens_in_excel_with_one_row_per_finished_answer(db, q, event):
    data = export.responses_csv(db, event)

    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [c.name for c in export.columns(q)]
    rows = parse(data)
    assert len(rows) == 6
    assert {r["status"] for r in rows} == {"complete"}
    assert {r["session_title"] for r in rows} == {"'" + FORMULA_TITLE}
    stored = {r["public_id"]: r for r in stored_rows(db, event)}
    for r in rows:
        assert r["class"] == stored[r["response_id"]]["class"]
        assert float(r["overall"]) == pytest.approx(stored[r["response_id"]]["overall"])


def test_the_responses_csv_can_leave_out_the_byte_order_mark_and_include_unfinished(db, event):
    data = export.responses_csv(db, event, include_incomplete=True, bom=False)

    assert data.lstrip(b'"').startswith(b"response_id")
    assert sorted(r["status"] for r in parse(data)) == ["complete"] * 6 + ["in_progress"]


def test_the_responses_csv_of_all_sessions_holds_every_session(db, q, event):
    db.insert_many("SHARE", [{**r, "is_demo": 0} for r in demo.responses(q, 2, seed=12)])

    rows = parse(export.responses_csv(db, None))

    assert sorted(r["session_code"] for r in rows) == ["SHARE"] * 2 + [event] * 6


@pytest.mark.parametrize("include_incomplete", [False, True])
def test_a_retaken_or_deleted_response_is_never_exported(db, q, event, include_incomplete):
    done = [r for r in stored_rows(db, event) if r["status"] == "complete"]
    first, retake, deleted = (r["token"] for r in done[:3])
    public = {r["token"]: r["public_id"] for r in done}
    db.supersede(first, retake)
    db.delete_response(deleted)

    ids = {r["response_id"] for r in parse(export.responses_csv(db, event, include_incomplete))}

    assert public[retake] in ids
    assert public[first] not in ids and public[deleted] not in ids
    assert len(ids) == 4 + include_incomplete  # 6 finished, one replaced, one deleted
