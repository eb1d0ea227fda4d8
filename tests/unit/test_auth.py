"""The facilitator passcode: where it comes from, and the lockout after wrong tries."""

import concurrent.futures
import multiprocessing
import stat

import pytest

from survey import auth
from survey.auth import Gate, password_file, resolve_password

ENV = {"SURVEY_ADMIN_PASSWORD": "from-env"}
SECRETS = {"admin_password": "from-secrets"}


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def test_the_environment_variable_beats_secrets_and_the_file(data_dir):
    data_dir.mkdir()
    auth.password_file(data_dir).write_text("from-file\n")
    passcode, source = resolve_password(ENV, SECRETS, data_dir)
    assert passcode == "from-env"
    assert "SURVEY_ADMIN_PASSWORD" in source


def test_secrets_beat_the_file(data_dir):
    data_dir.mkdir()
    auth.password_file(data_dir).write_text("from-file\n")
    assert resolve_password({}, SECRETS, data_dir) == ("from-secrets", ".streamlit/secrets.toml")


def test_an_empty_environment_variable_is_ignored(data_dir):
    assert resolve_password({"SURVEY_ADMIN_PASSWORD": ""}, SECRETS, data_dir)[0] == "from-secrets"


def test_the_file_is_used_when_nothing_else_is_set(data_dir):
    data_dir.mkdir()
    path = auth.password_file(data_dir)
    path.write_text("  from-file \n")
    assert resolve_password({}, {}, data_dir) == ("from-file", str(path))


def test_a_chosen_passcode_leaves_no_generated_file_behind(data_dir, capsys):
    resolve_password(ENV, {}, data_dir)
    resolve_password({}, SECRETS, data_dir)
    assert not auth.password_file(data_dir).exists()
    assert capsys.readouterr().err == ""


def test_a_generated_passcode_is_private_reused_and_announced_once(data_dir, capsys):
    passcode, source = resolve_password({}, {}, data_dir)
    path = auth.password_file(data_dir)

    assert len(passcode) >= 12
    assert source == str(path)
    assert path.read_text().strip() == passcode
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = capsys.readouterr()
    assert first.out == ""
    assert first.err.count(passcode) == 1
    assert str(path) in first.err

    assert resolve_password({}, {}, data_dir) == (passcode, source)
    assert capsys.readouterr().err == ""


def test_each_installation_generates_its_own_passcode(tmp_path):
    one = resolve_password({}, {}, tmp_path / "one")[0]
    two = resolve_password({}, {}, tmp_path / "two")[0]
    assert one != two


# ---------------------------------------------------------------- the gate


def test_passcodes_with_non_ascii_characters_work(db):
    assert Gate().sign_in(db, "größer-😀", "größer-😀", now=0.0).ok
    assert Gate().sign_in(db, "grosser", "größer", now=1.0).status == "wrong"


@pytest.mark.parametrize(
    "typed",
    ["K7PX-M3QR-9TWH", "k7px-m3qr-9twh", "K7PXM3QR9TWH", "k7px m3qr 9twh", " K7PX-M3QR-9TWH "],
)
def test_a_generated_passcode_works_as_read_aloud_in_any_case_with_or_without_dashes(db, typed):
    assert Gate().sign_in(db, typed, "K7PX-M3QR-9TWH", now=0.0).ok


@pytest.mark.parametrize("typed", ["K7PX-M3QR-9TW", "K7PX-M3QR-9TWHH", "K7PX-M3QR-9TWJ", ""])
def test_a_generated_passcode_still_needs_every_character(db, typed):
    assert Gate().sign_in(db, typed, "K7PX-M3QR-9TWH", now=0.0).status == "wrong"


def test_an_operators_own_passcode_is_taken_exactly_as_set(db):
    assert Gate().sign_in(db, "Summer-Hall-2026", "Summer-Hall-2026", now=0.0).ok
    assert Gate().sign_in(db, "summer-hall-2026", "Summer-Hall-2026", now=1.0).status == "wrong"
    assert Gate().sign_in(db, "SummerHall2026", "Summer-Hall-2026", now=2.0).status == "wrong"


def test_workers_starting_at_once_all_get_the_same_generated_passcode(tmp_path):
    # Several app workers behind nginx start together on a fresh data folder.
    data = tmp_path / "data"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: resolve_password({}, {}, data)[0], range(8)))
    assert len(set(got)) == 1 and got[0]
    assert password_file(data).read_text().strip() == got[0]
    assert [p.name for p in data.iterdir()] == ["admin_password"]  # no temporary files left


# ---------------------------------------------------------------- the server-wide throttle
# A reload or a new websocket is a new browser session with a fresh Gate, so the limit
# that protects the passcode is the one every session and every worker shares.

RIGHT = "the-right-passcode"


def guess(db, gate: Gate | None = None, given: str = "wrong-guess", now: float = 1000.0):
    return (gate or Gate()).sign_in(db, given, RIGHT, now)


def test_fifteen_fresh_browser_sessions_get_no_more_than_ten_guesses_evaluated_a_minute(db):
    outcomes = [
        guess(db, Gate(), now=1000.0 + 3 * session + try_)
        for session in range(15)
        for try_ in range(3)  # 45 guesses within 47 s, three from each fresh session
    ]
    evaluated = [o for o in outcomes if o.status == "wrong"]
    assert len(evaluated) == auth.SERVER_MAX_FAILURES == 10
    assert [o.tries_left for o in evaluated[:3]] == [9, 8, 7]
    assert evaluated[-1].wait_s == auth.FIRST_PAUSE_S  # the tenth starts the pause
    assert {o.status for o in outcomes[10:]} == {"locked"}
    # During the pause even the right passcode is not evaluated: guessing it proves nothing.
    assert guess(db, given=RIGHT, now=1050.0).status == "locked"


def test_the_right_passcode_from_a_new_browser_session_works_after_the_pause(db):
    for n in range(10):
        guess(db, now=1000.0 + n)
    assert guess(db, given=RIGHT, now=1068.0).status == "locked"
    gate = Gate()
    assert gate.sign_in(db, RIGHT, RIGHT, now=1069.0).ok
    assert gate.ok


def test_a_paused_try_says_how_long_to_wait(db):
    for _ in range(10):
        guess(db, now=1000.0)
    assert guess(db, now=1030.0).wait_s == 30
    assert guess(db, now=1059.5).wait_s == 1  # rounds up: never "wait 0 seconds"


def test_each_pause_in_a_row_lasts_twice_as_long_up_to_a_quarter_of_an_hour(db):
    now, pauses = 1000.0, []
    for _ in range(6):
        outcomes = [guess(db, now=now) for _ in range(10)]
        pauses.append(outcomes[-1].wait_s)
        now += outcomes[-1].wait_s
    assert pauses == [60, 120, 240, 480, 900, 900]


def test_a_right_passcode_makes_the_next_pause_short_again(db):
    for _ in range(10):
        guess(db, now=1000.0)
    for _ in range(10):
        guess(db, now=1060.0)  # second pause in a row: two minutes
    assert guess(db, given=RIGHT, now=1180.0).ok
    pauses = [guess(db, now=1300.0).wait_s for _ in range(10)]
    assert pauses[-1] == auth.FIRST_PAUSE_S


def test_a_signed_in_facilitator_stays_signed_in_while_others_are_paused(db):
    facilitator = Gate()
    assert facilitator.sign_in(db, RIGHT, RIGHT, now=1000.0).ok
    for n in range(30):
        guess(db, now=1001.0 + n)
    assert facilitator.ok  # the page checks gate.ok before ever asking for a passcode


def test_wrong_tries_are_logged_without_the_guess(db, caplog):
    with caplog.at_level("WARNING", logger="survey.auth"):
        for n in range(10):
            guess(db, given=f"hunter{n}2", now=1000.0)
    assert len(caplog.records) == 10
    assert "wrong passcode" in caplog.records[0].getMessage()
    assert "paused for 60 s" in caplog.records[-1].getMessage()
    assert "hunter" not in caplog.text


def _guess_from_another_worker(path: str, start, results) -> None:
    from survey import questionnaire
    from survey.store import Store

    try:
        s = Store(questionnaire.load(), path)
        start.wait(timeout=60)
        results.put([guess(s, Gate(), now=1000.0 + n / 10).status for n in range(8)])
        s.close()
    except Exception as exc:  # reported to the test instead of leaving it waiting
        results.put([f"error: {exc!r}"])


def test_two_worker_processes_on_one_database_share_the_limit(tmp_path):
    # spawn: each worker imports the code afresh, like the app workers behind nginx.
    mp = multiprocessing.get_context("spawn")
    path = str(tmp_path / "shared.db")
    start, results = mp.Barrier(2), mp.Queue()
    workers = [
        mp.Process(target=_guess_from_another_worker, args=(path, start, results)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    try:
        got = [results.get(timeout=120) for _ in workers]
    finally:
        for w in workers:
            w.join(timeout=120)
    statuses = got[0] + got[1]
    assert statuses.count("wrong") == 10  # 16 guesses between them, 10 evaluated
    assert statuses.count("locked") == 6
