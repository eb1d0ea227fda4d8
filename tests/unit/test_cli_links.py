"""`session show` prints the links phones and the projector open: the same ones the app and
the server's start banner give (SURVEY_PUBLIC_URL, else this machine's LAN address), never
a localhost link no phone can open."""

import pytest

from survey import cli
from survey.serving import lan
from survey.serving.lan import Choice, Interface

WIFI = Choice("192.168.1.20", (Interface("eth0", "10.0.0.7"),), "wlan0")


@pytest.fixture
def hallb(sqlite_db) -> str:
    # One engine is enough: the links come from the network, not from the database.
    return sqlite_db.create_session("Hall B", "HALLB")


def show(capsys, *args: str) -> tuple[dict[str, str], str]:
    assert cli.main(["session", "show", *args]) == 0
    out, err = capsys.readouterr()
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return lines, err


def on_network(monkeypatch, choice: Choice) -> None:
    monkeypatch.delenv("SURVEY_PUBLIC_URL", raising=False)
    monkeypatch.setattr(lan, "discover", lambda: choice)


@pytest.mark.parametrize(
    "choice,port_args,base",
    [
        (WIFI, [], "http://192.168.1.20:8501"),
        (WIFI, ["--port", "8600"], "http://192.168.1.20:8600"),
        (Choice("2001:db8::20"), [], "http://[2001:db8::20]:8501"),
    ],
)
def test_session_show_gives_phones_the_machines_lan_address(
    hallb, sqlite_db, capsys, monkeypatch, choice, port_args, base
):
    on_network(monkeypatch, choice)
    lines, err = show(capsys, "hallb", *port_args)
    assert lines["join"] == f"{base}/?s=HALLB"
    assert lines["stage"] == f"{base}/stage?s=HALLB&t={sqlite_db.stage('HALLB')['token']}"
    assert err == ""


def test_session_show_never_prints_a_loopback_link_when_there_is_a_lan_address(
    hallb, capsys, monkeypatch
):
    on_network(monkeypatch, WIFI)
    lines, _ = show(capsys, "HALLB")
    for link in (lines["join"], lines["stage"]):
        assert "localhost" not in link and "127.0.0.1" not in link


def test_survey_public_url_wins_over_the_lan_address_and_the_port(hallb, capsys, monkeypatch):
    on_network(monkeypatch, WIFI)
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://hall-b.example.org/")
    lines, err = show(capsys, "HALLB", "--port", "8600")
    assert lines["join"] == "https://hall-b.example.org/?s=HALLB"
    assert lines["stage"].startswith("https://hall-b.example.org/stage?s=HALLB&t=")
    assert err == ""


def test_without_any_network_address_session_show_warns_that_phones_cannot_join(
    hallb, capsys, monkeypatch
):
    on_network(monkeypatch, Choice(None))
    lines, err = show(capsys, "HALLB")
    assert lines["join"] == "http://localhost:8501/?s=HALLB"
    assert err.startswith("warning: Phones cannot open http://localhost:8501")
    assert "SURVEY_PUBLIC_URL" in err


def test_on_this_machine_the_join_link_is_the_lan_one_when_there_is_one(hallb, capsys, monkeypatch):
    monkeypatch.delenv("SURVEY_PUBLIC_URL", raising=False)
    choice = lan.discover()
    if choice.host is None:
        pytest.skip("this machine has no network address")
    lines, _ = show(capsys, "HALLB")
    assert lines["join"] == f"http://{lan.url_host(choice.host)}:8501/?s=HALLB"


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_port_that_cannot_be_one_is_a_one_line_error(hallb, capsys, port):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["session", "show", "HALLB", "--port", port])
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: argument --port:") and "\n" not in err
