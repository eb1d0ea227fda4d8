"""The command line on a broken database, a broken disk or odd arguments: one line on
stderr and a non-zero exit, never a traceback. Each runs `python -m survey` for real."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey import aggregate
from survey.errors import SettingError

ROOT = Path(__file__).resolve().parents[2]


def cli(
    db, *args: str, stdout=subprocess.PIPE, preexec=None, env: dict | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "SURVEY_DB": str(db), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "survey", *args],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=preexec,
    )


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# ---------------------------------------------------------------- a database that cannot be used


def test_a_read_only_database_is_one_line(read_only_db):
    line = one_line_error(cli(read_only_db, "session", "create", "Hall C"))
    assert "read-only" in line or "cannot be opened" in line
    assert str(read_only_db) in line


def test_a_damaged_database_is_one_line(tmp_path, isolated_db):
    assert cli(isolated_db, "demo", "SHARE", "--n", "300").returncode == 0
    size = isolated_db.stat().st_size
    with open(isolated_db, "r+b") as fh:  # the header survives, the pages do not
        fh.seek(4096)
        fh.write(os.urandom(size - 4096))
    line = one_line_error(cli(isolated_db, "export", "--all"))
    assert "damaged" in line or "not a SQLite database" in line or "malformed" in line


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(os.urandom(20_000), id="random-bytes"),
        pytest.param(b"Hall B attendees\nAlice\nBob\n" * 200, id="plain-text"),
    ],
)
def test_a_file_that_is_not_a_database_is_one_line_and_left_alone(tmp_path, content):
    path = tmp_path / "survey.db"
    path.write_bytes(content)
    line = one_line_error(cli(path, "session", "list"))
    assert "not a SQLite database" in line
    assert path.read_bytes() == content


@pytest.mark.parametrize("where", ["a-folder", "under-a-file", "dev-null"])
def test_a_survey_db_path_that_cannot_be_a_database_is_one_line(tmp_path, where):
    (tmp_path / "notes.txt").write_text("not a folder")
    path = {
        "a-folder": tmp_path,
        "under-a-file": tmp_path / "notes.txt" / "survey.db",
        "dev-null": Path("/dev/null"),
    }[where]
    line = one_line_error(cli(path, "session", "list"))
    assert str(path) in line
    assert not Path("/dev/null-wal").exists()


# ---------------------------------------------------------------- a full disk


def test_a_demo_that_fills_the_disk_is_one_line_and_leaves_no_big_wal(small_disk):
    db = small_disk.path / "survey.db"
    assert cli(db, "session", "create", "Hall B", "--code", "HALLB").returncode == 0

    # 5,000 rows need about 1 MB: plenty to fill the small disk, quicker to make than 20,000.
    done = cli(db, "demo", "HALLB", "--n", "5000", preexec=small_disk.preexec)

    line = one_line_error(done)
    assert "disk" in line  # "the disk is full" (tmpfs) or "the disk reported an error"
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size < 64 * 1024
    listed = cli(db, "session", "list")
    assert listed.returncode == 0  # the database is fine, just without the demo rows
    assert "HALLB   open         0" in listed.stdout


@pytest.mark.parametrize("command", [["export", "--all"], ["codebook"]])
def test_output_to_a_full_stdout_is_one_line(isolated_db, command):
    with open("/dev/full", "w") as full:
        done = cli(isolated_db, *command, stdout=full)
    line = one_line_error(done)
    assert "No space left on device" in line


# ---------------------------------------------------------------- titles that look like options


@pytest.mark.parametrize("title", ["-1+1", "-cmd|' /C calc'!A0", "-", "-h1 hall"])
def test_a_title_that_looks_like_an_option_is_taken_as_the_title(isolated_db, title):
    done = cli(isolated_db, "session", "create", title)
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    listed = cli(isolated_db, "session", "list").stdout
    assert any(line.startswith(code) and line.endswith(title) for line in listed.splitlines())


def test_a_dash_title_can_still_come_with_a_code(isolated_db):
    done = cli(isolated_db, "session", "create", "-1+1", "--code", "HALLB")
    assert (done.returncode, done.stdout.strip()) == (0, "HALLB")


def test_a_misspelt_long_option_is_still_an_error(isolated_db):
    one_line_error(cli(isolated_db, "session", "create", "Hall B", "--cod3", "HALLB"))


# ---------------------------------------------------------------- bad settings


@pytest.mark.parametrize("raw,k", [(None, 5), ("", 5), ("7", 7), (" 3 ", 3), ("1", 1)], ids=str)
def test_the_group_size_setting_reads_whole_numbers(monkeypatch, raw, k):
    if raw is None:
        monkeypatch.delenv("SURVEY_MIN_GROUP", raising=False)
    else:
        monkeypatch.setenv("SURVEY_MIN_GROUP", raw)
    assert aggregate.min_group() == k


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "2.5", "1O"])
def test_a_group_size_that_would_weaken_or_garble_k_is_refused_in_words(monkeypatch, raw):
    monkeypatch.setenv("SURVEY_MIN_GROUP", raw)
    with pytest.raises(SettingError, match="SURVEY_MIN_GROUP must be a whole number"):
        aggregate.min_group()


@pytest.mark.parametrize("raw", ["abc", "0"])
def test_a_bad_group_size_is_one_line_on_the_command_line(isolated_db, tmp_path, raw):
    done = cli(
        isolated_db,
        "report",
        "SHARE",
        "-o",
        str(tmp_path / "r.html"),
        env={"SURVEY_MIN_GROUP": raw},
    )
    line = one_line_error(done)
    assert "SURVEY_MIN_GROUP" in line and repr(raw) in line
    assert not (tmp_path / "r.html").exists()


def test_a_public_url_that_is_not_an_address_is_one_line(isolated_db):
    done = cli(isolated_db, "session", "show", "SHARE", env={"SURVEY_PUBLIC_URL": "http://[::1"})
    assert "SURVEY_PUBLIC_URL is not a web address" in one_line_error(done)


def test_a_bad_pool_size_for_postgresql_is_one_line(isolated_db):
    url = "postgresql://survey:s3cret@127.0.0.1:1/survey"
    done = cli(url, "session", "list", env={"SURVEY_DB_POOL": "abc"})
    line = one_line_error(done)
    assert "SURVEY_DB_POOL" in line
    assert "s3cret" not in done.stderr


def test_a_backup_of_postgresql_says_to_use_pg_dump_in_one_line_without_the_password(tmp_path):
    url = "postgresql://survey:s3cret@127.0.0.1:1/survey"
    done = cli(url, "backup", str(tmp_path / "b.db"))
    line = one_line_error(done)
    assert 'pg_dump --format=custom --file=FILE --dbname="$SURVEY_DB"' in line
    assert "s3cret" not in done.stderr and "survey:***@127.0.0.1" in line


# ---------------------------------------------------------------- a closed stdout


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize(
    "command", [["session", "list"], ["export", "--all"], ["session", "create", "Hall C"]]
)
def test_a_closed_stdout_is_one_line_and_nothing_is_done(isolated_db, command):
    done = cli(isolated_db, *command, stdout=None, preexec=_close_stdout)
    assert "standard output is closed" in one_line_error(done)
    assert "Hall C" not in cli(isolated_db, "session", "list").stdout


# ---------------------------------------------------------------- files follow no umask


def _no_umask() -> None:
    os.umask(0)


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--all", "-o"],
        ["export", "--all", "--format", "xlsx", "-o"],
        ["report", "SHARE", "-o"],
        ["codebook", "-o"],
        ["backup"],
    ],
    ids=lambda c: " ".join(c[:-1] or c),
)
def test_every_file_the_command_line_writes_is_private_whatever_the_umask(
    isolated_db, tmp_path, command
):
    assert cli(isolated_db, "demo", "SHARE", "--n", "20").returncode == 0
    fresh, existing = tmp_path / "fresh.out", tmp_path / "existing.out"
    existing.write_text("an earlier export, readable by all")
    existing.chmod(0o644)
    for path in (fresh, existing):
        done = cli(isolated_db, *command, str(path), preexec=_no_umask)
        assert done.returncode == 0, done.stderr
        assert path.stat().st_mode & 0o777 == 0o600, path.name
        assert path.stat().st_size > 100
    assert sorted(p.name for p in tmp_path.iterdir() if ".out" in p.name) == [
        "existing.out",
        "fresh.out",
    ]  # no temporary file left beside them
