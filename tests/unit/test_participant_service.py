"""The participant's service on both engines: a link opened, pages sent, a retake, a
deletion and the result, with the store's calls in the order the glue used to make them,
and failures turned into plain messages with nothing lost."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest

from survey import aggregate, flow
from survey import participant as service
from survey.flow import Place
from survey.room import Room
from survey.store import COMPLETE, DEFAULT_SESSION, SUPERSEDED, Store
from tests.conftest import mount_tmpfs, unmount


def versions_of(q):
    return lambda fingerprint: q if fingerprint == q.fingerprint else None


def rooms_of(db: Store, q):
    @contextlib.contextmanager
    def room(code: str):
        r = Room(q)
        r.removals = db.removals(code)
        cols = aggregate.room_columns(q)
        yield r.add(*db.rows(code, columns=cols), db.session_version(code) or 0)

    return room


def no_norm(q, overall, k) -> str:
    return ""


def answer_all(db: Store, q, here: Place, value: int) -> Place:
    for page, items in enumerate(q.pages()):
        here = service.submit(db, q, here, page, 1, {it.id: value for it in items})
        assert not here.notice, here.notice
    return service.submit(db, q, here, len(q.pages()), 1, {p.id: None for p in q.profile})


def joined(db: Store, q, code: str = "share") -> Place:
    here, do = service.open_link(db, flow.START, code, None, q, versions_of(q))
    assert do == "go" and here.code == code.upper() and not here.stored
    return here


def test_a_link_joins_pages_are_stored_and_the_last_one_gives_a_complete_result(any_db, q):
    here = answer_all(any_db, q, joined(any_db, q), 4)
    assert here.complete
    row = any_db.get_response(here.token)
    assert row["status"] == COMPLETE and row[q.item_ids[0]] == 4

    # Opening the private link again, in a new browser, brings the result back.
    again, do = service.open_link(any_db, flow.START, here.code, here.token, q, versions_of(q))
    assert do == "go" and again.complete and again.token == here.token
    same, do = service.open_link(any_db, again, here.code, here.token, q, versions_of(q))
    assert (same, do) == (again, "")


def test_a_retake_supersedes_the_first_try_once_its_first_page_is_stored(any_db, q):
    first = answer_all(any_db, q, joined(any_db, q), 2)
    retake = service.retake(first, q)
    assert retake.replaces == first.token and not retake.stored
    assert any_db.get_response(first.token)["status"] == COMPLETE, "nothing stored yet"
    page = service.submit(any_db, q, retake, 0, 1, {it.id: 5 for it in q.pages()[0]})
    assert page.stored and any_db.get_response(first.token)["status"] == SUPERSEDED
    assert len(any_db.removals(DEFAULT_SESSION)) == 1


def test_deleting_removes_the_answers_and_offers_a_fresh_start(any_db, q):
    done = answer_all(any_db, q, joined(any_db, q), 3)
    asked = flow.ask_delete(done)
    fresh = service.delete(any_db, asked, q)
    assert fresh.notice == flow.DELETED and fresh.token != done.token
    assert any_db.get_response(done.token) is None
    assert (
        service.result_view(any_db, done, q, versions_of(q), rooms_of(any_db, q), no_norm) is None
    )


def test_a_closed_or_unknown_session_is_said_and_never_swapped_for_another(any_db, q):
    code = any_db.create_session("Hall B")
    any_db.set_open(code, False)
    place, _ = service.open_link(any_db, flow.START, code, None, q, versions_of(q))
    assert not place.joined and "is closed" in place.notice
    assert service.open_session(any_db, place) is None
    assert service.open_session(any_db, flow.START)["code"] == DEFAULT_SESSION


def test_the_result_view_waits_for_k_then_compares_and_says_the_split_once_revealed(
    any_db, q, monkeypatch
):
    monkeypatch.setenv("SURVEY_MIN_GROUP", "3")
    rooms = rooms_of(any_db, q)
    code = any_db.create_session("Hall B", "HALLB")
    mine = answer_all(any_db, q, joined(any_db, q, code), 5)
    view = service.result_view(any_db, mine, q, versions_of(q), rooms, no_norm)
    assert not view.shown and view.waiting.startswith("2 more responses needed")
    assert all(b.room is None for b in view.bars)

    for value in (1, 2):
        answer_all(any_db, q, joined(any_db, q, code), value)
    view = service.result_view(any_db, mine, q, versions_of(q), rooms, no_norm)
    assert view.shown and view.waiting == ""
    assert view.standing.line.startswith("You scored higher than 67% of the 3 people counted")
    assert view.standing.split == ""
    assert all(b.room is not None for b in view.bars)

    any_db.set_revealed(code, True)
    view = service.result_view(any_db, mine, q, versions_of(q), rooms, lambda *a: "all rooms")
    assert view.standing.split == "The room: 33% believers, 67% spectators."
    assert view.everyone == "all rooms"

    any_db.set_stage(code, hold_comparison=1)
    any_db.set_revealed(code, False)
    view = service.result_view(any_db, mine, q, versions_of(q), rooms, lambda *a: "all rooms")
    assert (view.shown, view.waiting, view.everyone) == (False, flow.HELD, "")


def test_a_disk_that_fills_up_keeps_the_page_and_says_so(q, tmp_path):
    where = tmp_path / "disk"
    if not mount_tmpfs(where, "size=2m,mode=0755"):
        pytest.skip("a small disk to fill under a running store needs root (a tmpfs)")
    try:
        db = Store(q, where / "survey.db")
        here = joined(db, q)
        with contextlib.suppress(OSError), open(where / "filler", "wb") as filler:
            while True:  # the disk is full when this stops
                filler.write(b"\0" * 65536)
                filler.flush()
        given = {it.id: 4 for it in q.pages()[0]}
        kept = service.submit(db, q, here, 0, 1, given)
        assert kept.page == 0 and kept.notice == service.NOT_SAVED
        assert dict(kept.answers) == given, "the page's answers stay in the browser"
        db.close()
    finally:
        unmount(where)


@pytest.mark.parametrize("value", ["not a number", 9, -1])
def test_a_forged_answer_is_refused_with_a_plain_message_and_nothing_stored(any_db, q, value):
    here = joined(any_db, q)
    items = q.pages()[0]
    given = {it.id: 3 for it in items} | {items[0].id: value}
    after = service.submit(any_db, q, here, 0, 1, given)
    assert after.page == 0 and after.missing == (items[0].id,), "asked again"
    row = any_db.get_response(here.token)
    assert row[items[0].id] is None, "the forged value was never stored"
    assert all(row[it.id] == 3 for it in items[1:]), "the page's real answers were kept"


@pytest.mark.parametrize(
    "hold,revealed,held",
    [(0, 0, False), (0, 1, False), (1, 0, True), (1, 1, False)],
)
def test_the_room_comparison_is_held_only_while_asked_and_the_results_are_hidden(
    hold, revealed, held
):
    session = {"code": "K7MQ", "revealed": revealed}
    assert service.comparison_held(session, {"hold_comparison": hold}) is held


def test_a_session_without_stage_settings_never_holds_the_comparison():
    assert not service.comparison_held({"code": "K7MQ", "revealed": 0}, None)


def test_a_page_is_stored_with_the_language_it_was_answered_in(any_db, q):
    here = joined(any_db, q)
    here = service.submit(
        any_db, q, replace(here, language="fr"), 0, 1, {it.id: 4 for it in q.pages()[0]}
    )
    assert any_db.get_response(here.token)["language"] == "fr"
    here = service.submit(
        any_db, q, replace(here, language="de"), 1, 1, {it.id: 2 for it in q.pages()[1]}
    )
    assert any_db.get_response(here.token)["language"] == "de", "the last page's language"


def test_a_fresh_place_after_joining_or_deleting_keeps_the_readers_language(any_db, q):
    here = service.join(any_db, Place(language="es"), DEFAULT_SESSION, q)
    assert here.joined and here.language == "es"
    wrong = service.join(any_db, Place(language="es"), "ZZZZ", q)
    assert (wrong.language, wrong.notice_values) == ("es", {"code": "ZZZZ"})
    here = service.submit(any_db, q, here, 0, 1, {it.id: 4 for it in q.pages()[0]})
    assert service.delete(any_db, here, q).language == "es"
