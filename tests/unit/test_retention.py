"""What is kept, and for how long: the retention setting, the purge, and the join page's
sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from survey import aggregate, i18n, publishing, retention
from survey.errors import SettingError
from survey.store import DEFAULT_SESSION, iso
from tests.unit.test_cli_engines import cli

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def row(token: str, days_ago: float, status: str = "complete", demo: int = 0) -> dict:
    at = iso(NOW - timedelta(days=days_ago))
    return {
        "token": token,
        "status": status,
        "is_demo": demo,
        "started_at": at,
        "completed_at": at if status == "complete" else None,
        "overall": 40.0,
        "class": "spectator",
    }


def test_the_join_page_says_in_one_sentence_what_is_kept_and_for_how_long():
    assert retention.kept_sentence(None) == (
        "Your answers are kept without your name, email or device, until the organiser "
        "deletes them; you can delete them yourself from your result."
    )
    assert "for 30 days, then deleted;" in retention.kept_sentence(30)
    assert "for 1 day, then deleted;" in retention.kept_sentence(1)


def test_the_setting_is_off_unless_set_and_a_bad_value_is_refused(monkeypatch):
    monkeypatch.delenv(retention.SETTING, raising=False)
    assert retention.days() is None
    monkeypatch.setenv(retention.SETTING, " 90 ")
    assert retention.days() == 90
    for bad in ("0", "-3", "a month"):
        monkeypatch.setenv(retention.SETTING, bad)
        with pytest.raises(SettingError, match=retention.SETTING):
            retention.days()


def test_a_purge_deletes_only_what_was_begun_before_the_cutoff_and_the_room_steps_past_it(
    any_db, q
):
    code = any_db.create_session("Last month's talk")
    any_db.insert_many(
        code, [row(f"old{n}", 40) for n in range(6)] + [row("begun", 41, "in_progress")]
    )
    any_db.insert_many(DEFAULT_SESSION, [row(f"new{n}", 2) for n in range(5)])
    before = iso(retention.cutoff(30, NOW))
    assert any_db.count_begun_before(before) == 7

    assert any_db.purge(before) == 7
    assert any_db.count_begun_before(before) == 0
    assert [s["code"] for s in any_db.list_sessions() if s["code"] == code] == [code]
    _, left = any_db.rows(columns=["token"])
    assert sorted(r[0] for r in left) == [f"new{n}" for n in range(5)]
    assert len(any_db.removals(code)) == 6, "each finished one left its two counters"
    assert any_db.room_key(code)[1] >= 1, "every open room is read again"
    room = aggregate.Room(q)
    room.removals = any_db.removals(code)
    assert not publishing.publication(room, 5).room.any()
    assert any_db.purge(before) == 0


def test_the_purge_command_asks_first_then_deletes(isolated_db, q, monkeypatch):
    from survey.store import Store

    s = Store(q, isolated_db)
    old = iso(datetime.now(UTC) - timedelta(days=40))
    s.insert_many(DEFAULT_SESSION, [{**row("old", 0), "started_at": old, "completed_at": old}])
    s.close()
    db = str(isolated_db)

    asked = cli(db, "purge", "--days", "30")
    assert asked.returncode == 1
    assert asked.stderr.startswith("error: 1 response was begun before ")
    assert asked.stderr.rstrip().endswith("add --yes to delete them")
    unset = cli(db, "purge", "--yes")
    assert unset.returncode == 1 and "SURVEY_RETENTION_DAYS" in unset.stderr
    assert "nothing was deleted" in unset.stderr
    done = cli(db, "purge", "--days", "30", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("deleted 1 response begun before ")
    assert "Traceback" not in asked.stderr + unset.stderr + done.stderr


def test_the_join_pages_sentence_is_said_in_the_readers_language():
    with i18n.language("fr"):
        assert "pendant 30 jours, puis supprimées ;" in retention.kept_sentence(30)
        assert "pendant 1 jour, puis supprimées ;" in retention.kept_sentence(1)
    with i18n.language("de"):
        assert "bis der Veranstalter sie löscht" in retention.kept_sentence(None)
