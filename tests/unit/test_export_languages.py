"""Languages in the analyst's files: which language each response was sent in (CSV,
workbook, .sav), and what a reader of each language saw (the codebook)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pyreadstat
import pytest

from survey import demo, export, formats, questionnaire

SPOKEN = ["en", "fr", "fr", "de", "es", "en", "fr"]


@pytest.fixture
def hall(db, q) -> str:
    """Seven real answers, sent in English, French, German and Spanish."""
    code = db.create_session("Hall B", "LANGS")
    rows = demo.responses(q, len(SPOKEN), seed=5)
    db.insert_many(
        code,
        [{**row, "is_demo": 0, "language": lang} for row, lang in zip(rows, SPOKEN, strict=True)],
    )
    return code


def parse_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_says_which_language_each_response_was_sent_in(db, hall):
    rows = parse_csv(export.responses_csv(db, hall))
    assert [r["language"] for r in rows] == SPOKEN
    header = list(rows[0])
    # Beside the response's other facts, before the answers: no answer column moves.
    assert header.index("language") == header.index("is_demo") + 1


def test_a_page_sent_in_french_is_exported_as_french(db, q):
    code = db.create_session("Salle A", "SALLE")
    answers = {i: 3 for i in q.item_ids}
    db.save_page(code, "tok-fr", answers, finish=True, language="fr")
    db.save_page(code, "tok-en", answers, finish=True)
    assert [r["language"] for r in parse_csv(export.responses_csv(db, code))] == ["fr", "en"]


def test_the_workbook_has_the_language_column_and_a_codebook_in_every_language(db, q, hall):
    wb = openpyxl.load_workbook(io.BytesIO(formats.xlsx_bytes(db, hall)))
    data = list(wb["data"].iter_rows(values_only=True))
    at = data[0].index("language")
    assert [r[at] for r in data[1:]] == SPOKEN
    book = list(wb["codebook"].iter_rows(values_only=True))
    header = list(book[0])
    assert header[-3:] == ["item_text_de", "item_text_es", "item_text_fr"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in book[1:]}
    fr = q.in_language("fr")
    assert rows["rt_join"]["item_text"] == q.item("rt_join").text
    assert rows["rt_join"]["item_text_fr"] == fr.item("rt_join").text
    assert rows["why"]["item_text_es"] == q.in_language("es").open_question("why").text
    assert "Deutsch" in rows["language"]["scale"] and "fr = Français" in rows["language"]["scale"]
    summary = list(wb["summary"].iter_rows(values_only=True))
    counts = dict(zip(summary[0], summary[1], strict=True))
    assert [counts[f"answered_in_{c}"] for c in ("en", "de", "es", "fr")] == [2, 1, 1, 3]


def test_the_spss_file_labels_each_language_by_its_name(db, q, hall, tmp_path):
    path = tmp_path / "answers.sav"
    path.write_bytes(formats.sav_bytes(db, hall))
    df, meta = pyreadstat.read_sav(str(path))
    assert list(df["language"]) == SPOKEN
    assert meta.variable_value_labels["language"] == {
        "en": "English",
        "de": "Deutsch",
        "es": "Español",
        "fr": "Français",
    }
    # Variable labels stay in the questionnaire's main language.
    assert meta.column_names_to_labels["rt_join"] == q.item("rt_join").text


def test_a_language_no_longer_offered_is_still_labelled(db, q, tmp_path):
    code = db.create_session("Sala", "SALA")
    row = {**demo.responses(q, 1, seed=8)[0], "is_demo": 0, "language": "it"}
    db.insert_many(code, [row])
    path = tmp_path / "answers.sav"
    path.write_bytes(formats.sav_bytes(db, code))
    _df, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_value_labels["language"]["it"] == "Italiano"


def test_the_codebook_csv_gives_each_profile_choice_as_each_language_showed_it(q):
    rows = parse_csv(export.codebook_csv(q))
    by_name = {r["column"]: r for r in rows}
    fr = q.in_language("fr").profile_question("role")
    assert by_name["role"]["item_text_fr"] == f"{fr.text} ({'; '.join(fr.labels)})"
    assert by_name["platforms_other"]["item_text_de"].endswith(
        q.in_language("de").profile_question("platforms").labels[-1]
    )
    assert by_name["language"]["meaning"].startswith("The language the participant")


def test_a_questionnaire_without_translations_has_the_codebook_it_always_had(q):
    stored = questionnaire.from_text(q.text, q.path, q.fingerprint)  # as the store keeps it
    header = next(csv.reader(io.StringIO(export.codebook_csv(stored).decode("utf-8-sig"))))
    assert header == ["column", "meaning", "item_text", "dimension", "reverse_keyed", "scale"]
