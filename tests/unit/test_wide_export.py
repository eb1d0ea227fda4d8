"""The largest questionnaire the validator allows exports whole, in every format, on every
engine: 200 items, the most dimensions, the most profile questions with the most choices,
every text at its longest. No column fails, and none is dropped or shares a name."""

from __future__ import annotations

import csv
import io

import openpyxl
import pyreadstat
import pytest

from survey import demo, export, formats, questionnaire, schema
from survey.questionnaire import (
    MAX_DESCRIPTION,
    MAX_DIMENSIONS,
    MAX_INTRO,
    MAX_ITEM_TEXT,
    MAX_ITEMS,
    MAX_NAME,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_PROFILE_QUESTIONS,
    MAX_PROFILE_TEXT,
    MAX_SCALE_LABEL,
    MAX_SOURCE,
    MAX_TIP,
    MAX_TITLE,
)
from survey.store import Store

SINGLE_CHOICE = 2  # the other profile questions are multi-select: a column per choice


def longest(start: str, limit: int) -> str:
    """`start`, padded to exactly `limit` characters with accented words and quotes (text
    cells an export must quote and encode), ending in a non-space."""
    filler = ' Élan "vital", ça va, '
    text = start + filler * (limit // len(filler) + 1)
    return text[: limit - 1] + "."


def ident(prefix: str, k: int) -> str:
    """An id of the longest form the validator allows (40 characters)."""
    return f"{prefix}{k:03d}".ljust(40, "x")


def widest_toml(
    items: int = MAX_ITEMS,
    dimensions: int = MAX_DIMENSIONS,
    profile: int = MAX_PROFILE_QUESTIONS,
) -> str:
    """A questionnaire at every limit (count, length, the export's columns), or with fewer
    items, dimensions and profile questions, every text still at its longest."""

    def s(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    labels = [longest(f"Point {n}", MAX_SCALE_LABEL) for n in range(1, 6)]
    out = [
        f"title = {s(longest('A wide survey', MAX_TITLE))}",
        f"intro = {s(longest('Welcome', MAX_INTRO))}",
        "threshold = 60",
        "items_per_page = 20",
        f"[scale]\nlabels = [{', '.join(s(label) for label in labels)}]",
    ]
    for d in range(dimensions):
        tips = ", ".join(s(longest(f"Tip {t}", MAX_TIP)) for t in range(3))
        out.append(
            f"[[dimensions]]\nid = {s(ident('dim', d))}\n"
            f"name = {s(longest(f'Dimension {d}', MAX_NAME))}\n"
            f"description = {s(longest('About it', MAX_DESCRIPTION))}\ntips = [{tips}]"
        )
    for k in range(items):
        out.append(
            f"[[items]]\nid = {s(ident('item', k))}\n"
            f"dimension = {s(ident('dim', k % dimensions))}\n"
            f"text = {s(longest(f'Statement {k}', MAX_ITEM_TEXT))}\n"
            f"reverse = {'true' if k % 4 == 0 else 'false'}\n"
            f"source = {s(longest('The essay', MAX_SOURCE))}"
        )
    for p in range(profile):
        kind = "single" if p < SINGLE_CHOICE else "multi"
        # Choices differ early: an export column keeps the first 64 characters of
        # <id>_<choice>, and the id takes 40 of them.
        options = ", ".join(s(longest(f"Choice {o:02d}", MAX_OPTION)) for o in range(MAX_OPTIONS))
        out.append(
            f"[[profile]]\nid = {s(ident('profile', p))}\n"
            f"text = {s(longest(f'Question {p}', MAX_PROFILE_TEXT))}\n"
            f'kind = "{kind}"\noptions = [{options}]'
        )
    return "\n\n".join(out) + "\n"


def load(tmp_path, text: str) -> questionnaire.Questionnaire:
    path = tmp_path / "questionnaire.toml"
    path.write_text(text, encoding="utf-8")
    return questionnaire.load(path)


def real_rows(q, n: int, seed: int) -> list[dict]:
    return [{**row, "is_demo": 0} for row in demo.responses(q, n, seed)]


@pytest.fixture(scope="module")
def wide_q(tmp_path_factory) -> questionnaire.Questionnaire:
    return load(tmp_path_factory.mktemp("wide"), widest_toml())


@pytest.fixture
def wide(wide_q, target):
    """A store of the widest questionnaire, on each engine, with 5 real finished answers."""
    s = Store(wide_q, target)
    code = s.create_session('=Wide "hall"', "WYDE")
    rows = real_rows(wide_q, 5, seed=7)
    s.insert_many(code, rows)
    yield s, code, rows
    s.close()


def test_the_widest_questionnaire_is_valid_and_at_every_limit(wide_q):
    assert len(wide_q.items) == MAX_ITEMS
    assert len(wide_q.dimensions) == MAX_DIMENSIONS
    assert len(wide_q.profile) == MAX_PROFILE_QUESTIONS
    assert {len(p.options) for p in wide_q.profile} == {MAX_OPTIONS}
    assert len(wide_q.item_ids[0]) == 40
    assert len(wide_q.items[0].text) == MAX_ITEM_TEXT
    assert len(wide_q.dimensions[0].name) == MAX_NAME


def test_the_widest_questionnaire_has_hundreds_of_export_columns_all_named_differently(wide_q):
    names = [c.name for c in export.columns(wide_q)]
    multi = (MAX_PROFILE_QUESTIONS - SINGLE_CHOICE) * MAX_OPTIONS
    # 9: the response's id, session, title, times, status, fingerprint, demo flag, language
    assert len(names) == 9 + SINGLE_CHOICE + multi + MAX_ITEMS + MAX_DIMENSIONS + 2
    assert len(names) > 7 * 99  # more cells than one SQLite printf takes, many times over
    assert len(set(names)) == len(names)
    assert max(len(n) for n in names) <= 64  # SPSS refuses a longer variable name


def some_cells(q, rows: list[dict]) -> list[dict]:
    """A few cells of each stored row, the far ends of the line included: the first and
    last item, the last score, a single choice and two choices of the last multi-select."""
    first, last, score = q.items[0].id, q.items[-1].id, f"score_{q.dimension_ids[-1]}"
    single, multi = q.profile[0], q.profile[-1]
    out = []
    for row in rows:
        chosen = row[multi.id].split("; ")
        options = {
            schema.option_column(multi.id, o): int(o in chosen)
            for o in (multi.options[0], multi.options[-1])
        }
        out.append({first: row[first], last: row[last], score: row[score], **options})
        out[-1][single.id] = row[single.id]
    return out


def as_stored(cells: dict, q) -> dict:
    """Cells read back from a file, as the stored values' types (numbers or text)."""
    out = {}
    for name, value in cells.items():
        if name == q.profile[0].id:
            out[name] = value or None
        elif name.startswith("score_"):
            out[name] = pytest.approx(float(value), abs=1e-9)
        else:
            out[name] = int(float(value))
    return out


def test_the_widest_questionnaire_exports_every_column_to_csv(wide, wide_q):
    store, code, rows = wide
    data = export.responses_csv(store, code)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = lines[0], lines[1:]
    assert header == [c.name for c in export.columns(wide_q)]
    assert len(body) == 5
    assert {len(line) for line in body} == {len(header)}
    cells = [dict(zip(header, line, strict=True)) for line in body]
    want = some_cells(wide_q, rows)
    assert [as_stored({k: c[k] for k in want[0]}, wide_q) for c in cells] == want
    assert {c["session_title"] for c in cells} == {'\'=Wide "hall"'}
    assert {c["status"] for c in cells} == {"complete"}


def test_the_widest_questionnaire_exports_every_column_to_the_workbook(wide, wide_q):
    store, code, rows = wide
    wb = openpyxl.load_workbook(io.BytesIO(formats.xlsx_bytes(store, code)), read_only=True)
    data = list(wb["data"].iter_rows(values_only=True))
    header = list(data[0])
    assert header == [c.name for c in export.columns(wide_q)]
    assert len(data) == 6
    cells = [dict(zip(header, r, strict=True)) for r in data[1:]]
    want = some_cells(wide_q, rows)
    assert [as_stored({k: c[k] for k in want[0]}, wide_q) for c in cells] == want
    codebook = [r[0] for r in wb["codebook"].iter_rows(min_row=2, values_only=True)]
    assert codebook == header


def test_the_widest_questionnaire_exports_every_column_to_spss(wide, wide_q, tmp_path):
    store, code, rows = wide
    path = tmp_path / "wide.sav"
    path.write_bytes(formats.sav_bytes(store, code))
    # Labels are read, not applied: pyreadstat takes minutes to apply 800 columns' labels.
    df, meta = pyreadstat.read_sav(str(path))
    assert list(df.columns) == [c.name for c in export.columns(wide_q)]
    assert len(df) == 5
    want = some_cells(wide_q, rows)
    single = wide_q.profile[0]
    codes = meta.variable_value_labels[single.id]  # a single choice is coded 1..n
    for got, w in zip(df.to_dict("records"), want, strict=True):
        got[single.id] = codes.get(got[single.id])
        assert as_stored({k: got[k] for k in w}, wide_q) == w
    # The longest labels survive, cut to what SPSS holds.
    last = wide_q.items[-1].id
    assert meta.variable_value_labels[last][1.0].startswith("Point 1 Élan")
    assert meta.column_names_to_labels[last].startswith(f"Statement {MAX_ITEMS - 1} Élan")
    assert codes[float(MAX_OPTIONS)].startswith(f"Choice {MAX_OPTIONS - 1:02d} Élan")


@pytest.mark.parametrize("cells", [98, 99, 100, 198, 199, 200])
def test_a_line_of_any_length_around_one_printfs_worth_of_cells_exports_whole(tmp_path, cells):
    """SQLite: a printf takes 99 cells; a longer line is split into several."""
    q = load(tmp_path, widest_toml(items=cells - 12, dimensions=1, profile=0))
    assert len(export.columns(q)) == cells
    s = Store(q, tmp_path / "sizes.db")
    code = s.create_session("Sizes")
    rows = real_rows(q, 2, seed=cells)
    s.insert_many(code, rows)
    lines = export.responses_csv(s, code).decode("utf-8-sig").splitlines()
    s.close()
    parsed = list(csv.reader(lines))
    assert [len(line) for line in parsed] == [cells] * 3
    last = q.items[-1].id
    assert [line[parsed[0].index(last)] for line in parsed[1:]] == [str(r[last]) for r in rows]
