"""Things that change under a running server, in a real browser: the questionnaire file
edited while a participant is mid-survey, and the database file deleted while people
answer. Each test runs its own server, on its own files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from survey import questionnaire
from survey.store import DEFAULT_SESSION
from tests import versions

from .helpers import (
    ITEM_PAGES,
    ITEMS,
    KEEN,
    PHONE,
    QUESTIONNAIRE,
    SHY,
    TOTAL_PAGES,
    WARM,
    answer_questions_on_page,
    click_next,
    expect_page,
    expect_result,
    running_server,
    sign_in,
    take_survey,
    token_of,
    visit,
)

pytestmark = pytest.mark.e2e

INCOMPLETE = "Some answers on earlier pages are missing"


def stored(db: Path, token: str) -> dict | None:
    """A response as a restarted server would find it: read with a connection of our own."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM responses WHERE token = ?", [token]).fetchone()
    return dict(row) if row else None


def delete_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


# ---------------------------------------------------------------- the questionnaire edited


def test_a_questionnaire_edited_mid_survey_lets_the_participant_finish_on_their_version(
    tmp_path, new_page
):
    live = tmp_path / "questionnaire.toml"
    shutil.copyfile(QUESTIONNAIRE, live)
    before = questionnaire.load(live)
    with running_server(tmp_path, SURVEY_QUESTIONNAIRE=str(live)) as server:
        phone = new_page(PHONE)
        visit(phone, f"{server.url}/?s={DEFAULT_SESSION}")
        expect_page(phone, 1)
        answer_questions_on_page(phone, KEEN)
        click_next(phone, 1)
        token = token_of(phone)

        versions.edit_file(live)  # rename an item, reword one, add a dimension
        after = questionnaire.load(live)
        assert after.fingerprint != before.fingerprint

        # Someone joining now gets the new file: one more page, the new question.
        late = new_page(PHONE)
        visit(late, f"{server.url}/?s={DEFAULT_SESSION}")
        expect(late.get_by_text(f"Page 1 of {after.page_count}", exact=True)).to_be_visible()

        laptop = new_page()
        sign_in(laptop, f"{server.url}/console?s={DEFAULT_SESSION}")
        expect(laptop.get_by_text("1 person is still finishing the earlier one")).to_be_visible()

        # The participant goes on with the pages, wording and ids they began with.
        for k in range(2, TOTAL_PAGES + 1):
            expect_page(phone, k)
            if k <= ITEM_PAGES:
                answer_questions_on_page(phone, KEEN)  # fails on a question they never saw
            click_next(phone, k)
        expect_result(phone, KEEN)  # their class, score and seven dimensions

        row = stored(server.db_path, token)
        assert (row["status"], row["fingerprint"]) == ("complete", before.fingerprint)
        assert {it["id"]: row[it["id"]] for it in ITEMS} == KEEN

        # Their link still opens their result, now that the file is the new one.
        again = new_page(PHONE)
        visit(again, f"{server.url}/?s={DEFAULT_SESSION}&p={token}")
        expect_result(again, KEEN)


# ---------------------------------------------------------------- the database deleted


def finish_after_losing_earlier_pages(page: Page) -> None:
    """On the last page, told that earlier answers are missing: go back to the first page
    (the answers are still filled in) and forward again to the result."""
    expect(page.get_by_text(INCOMPLETE)).to_be_visible()
    for k in range(TOTAL_PAGES, 1, -1):
        expect_page(page, k)
        page.get_by_role("button", name="Back").click()
    for k in range(1, TOTAL_PAGES + 1):
        expect_page(page, k)
        click_next(page, k)


def test_a_database_deleted_while_the_server_runs_keeps_every_acknowledged_answer(
    tmp_path, new_page
):
    acknowledged: dict[str, dict[str, int]] = {}  # token -> answers the app said it stored
    with running_server(tmp_path) as server:
        db = server.db_path
        early = new_page(PHONE)
        visit(early, f"{server.url}/?s={DEFAULT_SESSION}")
        expect_page(early, 1)
        answer_questions_on_page(early, WARM)
        click_next(early, 1)
        assert stored(db, token_of(early)) is not None

        delete_database(db)  # an operator's mistake, mid-event

        # The one mid-survey finishes; the first page went with the old file, and the
        # app says so instead of showing a result it has not stored.
        for k in range(2, TOTAL_PAGES + 1):
            expect_page(early, k)
            if k <= ITEM_PAGES:
                answer_questions_on_page(early, WARM)
            click_next(early, k)
        # Not a result: the store no longer holds page 1, so it says so and stores no result.
        expect(early.get_by_text(INCOMPLETE)).to_be_visible()
        assert stored(db, token_of(early))["status"] == "in_progress"
        finish_after_losing_earlier_pages(early)
        expect_result(early, WARM)
        acknowledged[token_of(early)] = WARM

        # People who join after the deletion finish as usual.
        for answers in (KEEN, SHY):
            phone = new_page(PHONE)
            take_survey(phone, server.url, DEFAULT_SESSION, answers)
            expect_result(phone, answers)
            acknowledged[token_of(phone)] = answers

    # Restarted on the file at SURVEY_DB: every result that was shown is in it.
    for token, answers in acknowledged.items():
        row = stored(db, token)
        assert row is not None, "a result was shown but its answers are not in the file"
        assert row["status"] == "complete"
        assert {it["id"]: row[it["id"]] for it in ITEMS} == answers
    with running_server(tmp_path) as server:
        for token, answers in acknowledged.items():
            phone = new_page(PHONE)
            visit(phone, f"{server.url}/?s={DEFAULT_SESSION}&p={token}")
            expect_result(phone, answers)
