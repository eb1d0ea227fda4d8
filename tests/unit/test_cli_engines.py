"""The command line on both engines, run for real (`python -m survey`): what an organiser
does before and after an event works the same on a SQLite file and a PostgreSQL server."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from survey import demo, export, questionnaire
from survey.store import DEFAULT_SESSION, Store

ROOT = Path(__file__).resolve().parents[2]


def cli(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "survey", *args],
        cwd=ROOT,
        env={**os.environ, "SURVEY_DB": db},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_session_is_prepared_rehearsed_exported_and_reported_from_the_command_line(
    target, tmp_path
):
    made = cli(target, "session", "create", "Hall B, 10:30", "--code", "HALLB")
    assert made.returncode == 0, made.stderr
    assert cli(target, "demo", "HALLB", "--n", "40", "--seed", "7").returncode == 0
    listed = cli(target, "session", "list").stdout
    assert "HALLB" in listed and "Hall B, 10:30" in listed

    out = cli(target, "export", "HALLB", "--include-demo")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    assert len(rows) == 40 and {r["session_title"] for r in rows} == {"Hall B, 10:30"}

    sav = tmp_path / "hall-b.sav"
    assert cli(target, "export", "HALLB", "--include-demo", "--format", "sav", "-o", str(sav))
    assert sav.stat().st_size > 0
    report = tmp_path / "report.html"
    done = cli(target, "report", "HALLB", "-o", str(report))
    assert done.returncode == 0, done.stderr
    assert "Hall B, 10:30" in report.read_text("utf-8")

    assert cli(target, "session", "close", "HALLB").returncode == 0
    assert cli(target, "session", "delete", "HALLB", "--yes").returncode == 0
    assert "HALLB" not in cli(target, "session", "list").stdout


def test_both_engines_write_the_same_export_for_the_same_answers(q, isolated_db, pg_cluster):
    def csv_text(target: str) -> list[str]:
        s = Store(q, target)
        try:
            code = s.create_session('=HYPERLINK("x") "quoted", Hall', "HALLC")
            for k, v in enumerate([1, 2, 3, 4, 5, 3, 2]):
                a = {i: 1 + (v + n) % 5 for n, i in enumerate(q.item_ids)}
                profile = {"role": q.profile[0].options[k % 3]} if k % 2 else {}
                s.save_page(code, None, a, profile, page=q.page_count - 1, finish=True)
            s.save_page(code, None, {q.item_ids[0]: 2})  # unfinished
            # Enough scores that some print whole, or nearly (24.999999999999996 -> 25.0).
            s.insert_many(code, demo.responses(q, 1500, seed=3))
            data = export.responses_csv(s, code, include_incomplete=True, include_demo=True)
            data = data.decode("utf-8-sig")
        finally:
            s.close()
        # Each response's public id and times differ between the two runs; the rest may not.
        table = list(csv.reader(io.StringIO(data)))
        varying = {
            n for n, name in enumerate(table[0]) if name.endswith("_at") or name == "response_id"
        }
        return [[c for n, c in enumerate(row) if n not in varying] for row in table]

    sqlite_lines = csv_text(str(isolated_db))
    assert sqlite_lines == csv_text(pg_cluster.new_database())
    assert len(sqlite_lines) == 1 + 8 + 1500


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(pg_cluster):
    url = f"postgresql://survey:s3cret-pass@127.0.0.1:{pg_cluster.port + 1}/nowhere"
    done = cli(url, "session", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "can't be reached" in lines[0] and "s3cret-pass" not in lines[0]


def test_a_database_missing_on_the_server_is_named_plainly(pg_cluster):
    done = cli(pg_cluster.url("no_such_db"), "session", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "does not exist" in done.stderr


def test_the_default_session_is_there_on_a_new_postgresql_database(pg_cluster):
    s = Store(questionnaire.load(), pg_cluster.new_database())
    try:
        assert s.get_session(DEFAULT_SESSION)["is_open"] == 1
    finally:
        s.close()
