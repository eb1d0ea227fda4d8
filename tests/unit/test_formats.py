"""The analyst's formats, read back the way Excel and SPSS users would open them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from survey import aggregate, cli, demo, export, formats, roomstats
from survey.store import Store
from survey.workbook import Sheet, xlsx

FORMULA_TITLE = '=HYPERLINK("http://x","y")'
# Text shaped like XlsxWriter's own rich-text XML, which it would copy into the sheet as is:
# here it would close the cell and add a formula cell after it.
RAW_XML_TITLE = (
    '<r><t>a</t></r></is></c><c r="Z2"><f>1+1</f></c><c r="ZZ2" t="inlineStr"><is><r><t>b</t></r>'
)


def real(q, n: int, seed: int) -> list[dict]:
    return [{**row, "is_demo": 0} for row in demo.responses(q, n, seed)]


@pytest.fixture
def event(db, q) -> str:
    """12 finished real answers, 3 demo ones and one unfinished, under a formula title."""
    code = db.create_session(FORMULA_TITLE, "XLSX")
    db.insert_many(code, real(q, 12, seed=1))
    db.insert_many(code, demo.responses(q, 3, seed=2))
    db.save_page(code, None, {q.items[0].id: 3})
    return code


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(wb, name: str) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def read_sav(data: bytes, tmp_path):
    path = tmp_path / "answers.sav"
    path.write_bytes(data)
    return pyreadstat.read_sav(str(path))


def parse_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_rows(db, code) -> list[dict]:
    return parse_csv(export.responses_csv(db, code))


def tokens(db) -> list[str]:
    cols, rows = db.rows(columns=["token"])
    return [r[0] for r in rows]


# ---------------------------------------------------------------- Excel


def test_the_workbook_has_data_codebook_and_summary_with_one_row_per_real_answer(db, q, event):
    wb = workbook(formats.xlsx_bytes(db, event))

    assert wb.sheetnames == ["data", "codebook", "summary"]
    data = sheet_rows(wb, "data")
    assert len(data) == 12
    assert {r["status"] for r in data} == {"complete"}
    assert {r["is_demo"] for r in data} == {0}
    header = [c.value for c in wb["data"][1]]
    assert header == [c.name for c in formats.shown_columns(q)]
    assert [r["column"] for r in sheet_rows(wb, "codebook")] == header


def test_the_workbook_has_the_csvs_columns_and_never_the_private_token(db, q, event):
    wb = workbook(formats.xlsx_bytes(db, event, include_incomplete=True, include_demo=True))

    header = [c.value for c in wb["data"][1]]
    assert header == [c.name for c in export.columns(q)]
    cells = {str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row}
    assert not cells & set(tokens(db))


def test_a_formula_title_is_neutralised_text_in_every_sheet(db, event):
    wb = workbook(formats.xlsx_bytes(db, event))

    for name in ("data", "summary"):
        header = [c.value for c in wb[name][1]]
        cell = wb[name].cell(row=2, column=header.index("session_title") + 1)
        assert cell.value == "'" + FORMULA_TITLE
        assert cell.data_type == "s"  # text, not a formula
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"], (
        "no cell anywhere may be a formula"
    )


def test_demo_and_unfinished_rows_are_added_only_when_asked(db, event):
    wb = workbook(formats.xlsx_bytes(db, event, include_incomplete=True, include_demo=True))

    data = sheet_rows(wb, "data")
    assert len(data) == 16
    assert sorted(r["is_demo"] for r in data) == [0] * 13 + [1] * 3
    assert [r["status"] for r in data].count("in_progress") == 1


def test_the_summary_sheet_counts_each_sessions_split(db, q, event):
    db.insert_many("SHARE", real(q, 4, seed=3))

    summary = sheet_rows(workbook(formats.xlsx_bytes(db, None)), "summary")

    assert [(r["session_code"], r["complete_responses"]) for r in summary] == [
        ("XLSX", 12),
        ("SHARE", 4),
    ]
    rows = [r for r in csv_rows(db, event) if r["is_demo"] == "0"]
    believers = sum(r["class"] == "believer" for r in rows)
    assert (summary[0]["believers"], summary[0]["spectators"]) == (believers, 12 - believers)
    mean = sum(float(r["overall"]) for r in rows) / 12
    assert summary[0]["mean_overall"] == pytest.approx(mean)


def test_a_title_shaped_like_raw_sheet_xml_is_plain_text_and_adds_no_cell(db, q):
    code = db.create_session(RAW_XML_TITLE, "RAWX")
    db.insert_many(code, real(q, 3, seed=4))

    wb = workbook(formats.xlsx_bytes(db, code))

    for name in ("data", "summary"):
        header = [c.value for c in wb[name][1]]
        cell = wb[name].cell(row=2, column=header.index("session_title") + 1)
        assert (cell.value, cell.data_type) == (RAW_XML_TITLE, "s")
        assert wb[name].max_column == len(header)  # no cell beyond the last column
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


TEXT_CELLS = [  # (what a text cell holds, what the analyst's spreadsheet reads)
    ("=1+1", "'=1+1"),
    ("", None),  # an empty cell
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("1556389859875737", "1556389859875737"),  # an id of digits stays text, every digit kept
    ("6025778931e21487", "6025778931e21487"),  # not 6.0E+21496
    ("00042", "00042"),
    ("https://example.com/a", "https://example.com/a"),  # not a link
    (RAW_XML_TITLE, RAW_XML_TITLE),
    ("a\x01b\x1fc\td\ne", "abc\td\ne"),  # what an .xlsx cannot hold is dropped
    ('Élan "vital" & <b>', 'Élan "vital" & <b>'),
]


def test_text_cells_read_back_as_written_never_as_a_number_formula_or_link():
    sheet = pd.DataFrame({"text": [held for held, _ in TEXT_CELLS]})

    data = xlsx([Sheet("data", sheet, [30])])

    cells = [row[0] for row in workbook_sheet(data).iter_rows(min_row=2)]
    assert [c.value for c in cells] == [seen for _, seen in TEXT_CELLS]
    assert {c.data_type for c in cells if c.value is not None} == {"s"}
    assert not [c for c in cells if c.hyperlink]


def test_every_sheet_keeps_its_header_in_view_and_the_codebooks_text_columns_wide(db, event):
    wb = workbook(formats.xlsx_bytes(db, event))

    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        widths = column_widths(ws)
        assert len(widths) == ws.max_column, ws.title
        header = [c.value for c in ws[1]]
        for j, name in enumerate(header, 1):
            assert widths[j] >= min(len(name), 28), (ws.title, name)  # the header shows whole
    codebook = column_widths(wb["codebook"])
    header = [c.value for c in wb["codebook"][1]]
    assert codebook[header.index("meaning") + 1] >= 60
    assert codebook[header.index("item_text") + 1] >= 60


def workbook_sheet(data: bytes):
    return workbook(data).worksheets[0]


def column_widths(ws) -> dict[int, float]:
    """Column number -> width, as the file sets them (a range of columns counts for each)."""
    return {
        j: dim.width
        for dim in ws.column_dimensions.values()
        for j in range(dim.min, dim.max + 1)
        if dim.width
    }


# ---------------------------------------------------------------- SPSS


def test_the_sav_file_has_one_row_per_real_answer_and_the_scales_value_labels(
    db, q, event, tmp_path
):
    df, meta = read_sav(formats.sav_bytes(db, event), tmp_path)

    assert len(df) == 12
    item = q.items[0]
    assert meta.variable_value_labels[item.id] == {
        1.0: "Never",
        2.0: "Rarely",
        3.0: "Sometimes",
        4.0: "Often",
        5.0: "Very often",
    }
    assert meta.column_names_to_labels[item.id] == item.text
    assert meta.variable_measure[item.id] == "ordinal"


def test_the_sav_scores_and_class_equal_the_csvs(db, q, event, tmp_path):
    df, _ = read_sav(formats.sav_bytes(db, event), tmp_path)

    rows = [r for r in csv_rows(db, event) if r["is_demo"] == "0"]  # same order: oldest first
    for col in ["overall", *(f"score_{d}" for d in q.dimension_ids), *q.item_ids]:
        assert df[col].tolist() == pytest.approx([float(r[col]) for r in rows]), col
    assert df["class"].tolist() == [r["class"] for r in rows]


def test_the_sav_labels_the_profile_answers_and_options(db, q, event, tmp_path):
    df, meta = read_sav(formats.sav_bytes(db, event), tmp_path)

    rows = [r for r in csv_rows(db, event) if r["is_demo"] == "0"]
    single = next(p for p in q.profile if p.kind == "single")
    labels = meta.variable_value_labels[single.id]
    assert list(labels.values()) == list(single.options)
    assert [labels.get(v, "") for v in df[single.id].fillna(0)] == [r[single.id] for r in rows]
    multi = next(p for p in q.profile if p.kind == "multi")
    option = next(c for c in formats.shown_columns(q) if c.source == multi.id)
    assert meta.variable_value_labels[option.name] == {0.0: "Not chosen", 1.0: "Chosen"}
    assert df[option.name].tolist() == [float(r[option.name]) for r in rows]


def test_the_sav_file_never_holds_a_resume_token(db, event, tmp_path):
    data = formats.sav_bytes(db, event, include_incomplete=True, include_demo=True)

    df, _ = read_sav(data, tmp_path)
    assert len(df) == 16
    assert not [t for t in tokens(db) if t.encode() in data]


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("fmt", ["xlsx", "sav"])
def test_export_with_a_format_writes_that_file(db, event, fmt, tmp_path):
    out = tmp_path / f"answers.{fmt}"

    assert cli.main(["export", event, "--format", fmt, "-o", str(out)]) == 0

    if fmt == "xlsx":
        assert len(sheet_rows(workbook(out.read_bytes()), "data")) == 12
    else:
        assert len(read_sav(out.read_bytes(), tmp_path)[0]) == 12


def test_export_include_demo_adds_the_demo_rows(db, event, tmp_path):
    out = tmp_path / "answers.xlsx"

    assert cli.main(["export", event, "--format", "xlsx", "--include-demo", "-o", str(out)]) == 0

    assert len(sheet_rows(workbook(out.read_bytes()), "data")) == 15


def test_export_csv_is_unchanged_by_default(db, event, tmp_path):
    out = tmp_path / "answers.csv"

    assert cli.main(["export", event, "-o", str(out)]) == 0

    assert out.read_bytes() == export.responses_csv(db, event)


def test_every_format_leaves_demo_rows_out_unless_asked_for(db, q, event):
    plain = export.responses_csv(db, event, include_incomplete=True)
    every = export.responses_csv(db, event, include_incomplete=True, include_demo=True)
    assert sorted(r["is_demo"] for r in parse_csv(plain)) == ["0"] * 13
    assert sorted(r["is_demo"] for r in parse_csv(every)) == ["0"] * 13 + ["1"] * 3
    assert len(sheet_rows(workbook(formats.xlsx_bytes(db, event, True)), "data")) == 13


# ---------------------------------------------------------------- numbers an analyst can trust


def exact_overall(q, row) -> Fraction:
    """The overall score recomputed from a file's raw answers with fractions."""
    dims = []
    for d in q.dimensions:
        items = q.items_of(d.id)
        keyed = sum(5 - int(row[i.id]) if i.reverse else int(row[i.id]) - 1 for i in items)
        dims.append(Fraction(100 * keyed, 4 * len(items)))
    return sum(dims, Fraction(0)) / len(dims)


def test_3000_responses_at_a_threshold_of_50_are_in_the_right_class_in_every_file(
    q, isolated_db, tmp_path
):
    at_50 = replace(q, threshold=50.0)
    store = Store(at_50, isolated_db)
    store.insert_many("SHARE", demo.responses(at_50, 3000, seed=22))
    expected = {}
    for row in parse_csv(export.responses_csv(store, include_demo=True)):
        exact = exact_overall(q, row)
        expected[row["response_id"]] = "believer" if exact >= 50 else "spectator"
        assert row["class"] == expected[row["response_id"]]
    on_the_line = sum(
        exact_overall(q, row) == 50
        for row in parse_csv(export.responses_csv(store, include_demo=True))
    )
    assert on_the_line > 0  # the boundary is exercised, not just near it

    book = sheet_rows(workbook(formats.xlsx_bytes(store, include_demo=True)), "data")
    assert {r["response_id"]: r["class"] for r in book} == expected
    df, _ = read_sav(formats.sav_bytes(store, include_demo=True), tmp_path)
    assert dict(zip(df["response_id"], df["class"], strict=True)) == expected

    # The console's what-if count and histogram, from the same stored scores.
    room = roomstats.load_room(store, "SHARE", include_demo=True).room
    summary = aggregate.summarise(room, threshold=50.0)
    assert summary.believers == sum(k == "believer" for k in expected.values())
    assert sum(summary.hist_counts[: int(50 / aggregate.HIST_BIN)]) == summary.spectators
    store.close()


def test_no_response_id_in_10000_exported_rows_reads_as_a_number(db, q):
    db.insert_many("SHARE", demo.responses(q, 10_000, seed=23))
    ids = [row["response_id"] for row in parse_csv(export.responses_csv(db, include_demo=True))]
    assert len(set(ids)) == 10_000
    for public in ids:
        assert re.fullmatch(r"r[0-9a-f]{16}", public)
        with pytest.raises(ValueError):
            float(public)


def test_the_workbook_holds_date_time_cells_shown_to_the_second(db, q, event):
    wb = workbook(formats.xlsx_bytes(db, event, include_incomplete=True))
    header = [c.value for c in wb["data"][1]]
    stored = {r["response_id"]: r for r in parse_csv(export.responses_csv(db, event, True))}
    for row in wb["data"].iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        started = cells["started_at"]
        assert started.is_date and started.number_format == "yyyy-mm-dd hh:mm:ss"
        want = datetime.fromisoformat(stored[cells["response_id"].value]["started_at"])
        assert abs(started.value - want.replace(tzinfo=None)) < timedelta(milliseconds=1)
        done = cells["completed_at"]
        if cells["status"].value == "complete":
            assert done.is_date and done.value >= started.value
        else:
            assert done.value is None


def test_the_sav_holds_spss_date_times(db, q, event, tmp_path):
    df, meta = read_sav(formats.sav_bytes(db, event), tmp_path)
    assert meta.original_variable_types["started_at"].startswith("DATETIME")
    assert meta.original_variable_types["completed_at"].startswith("DATETIME")
    assert str(df["started_at"].dtype).startswith("datetime64")
    assert ((df["completed_at"] - df["started_at"]).dt.total_seconds() > 0).all()


def test_the_codebook_says_what_an_id_and_a_time_look_like(q):
    meanings = {c.name: c.meaning for c in export.columns(q)}
    assert "the letter r and 16 random hex digits" in meanings["response_id"]
    for column in ("started_at", "completed_at"):
        assert "ISO 8601 with the zone" in meanings[column]
        assert "date-time value" in meanings[column]
