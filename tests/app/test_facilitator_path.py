"""The facilitator's path between pages: the session just created, or last chosen, is
the one the console and the export page open on (never the empty default by surprise)."""

from streamlit.testing.v1 import AppTest

from survey import demo

from .test_sessions import create
from .test_stage import open_stage


def picked(at: AppTest, label: str) -> str | None:
    return next(s for s in at.selectbox if s.label == label).value


def test_a_session_just_created_is_the_one_the_console_and_the_export_open_on(facilitator, db, q):
    older = db.create_session("Yesterday's rehearsal", "R3HX")
    db.insert_many(older, demo.responses(q, 3, seed=1))
    at = create(facilitator("pages/sessions.py"), "Summit, Hall B", "H4BX")
    assert picked(at, "Session") == "H4BX", "the sessions page manages the new one"

    at.switch_page("pages/console.py").run()
    assert not at.exception, at.exception
    assert picked(at, "Session") == "H4BX"
    assert at.query_params["s"] == "H4BX"

    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception
    assert picked(at, "Sessions") == "H4BX"


def test_a_session_chosen_on_the_console_is_the_one_the_export_opens_on(facilitator, db):
    db.create_session("Morning", "M3QR")
    db.create_session("Afternoon", "AFTW")
    at = facilitator("pages/console.py")
    next(s for s in at.selectbox if s.label == "Session").select("M3QR").run()

    at.switch_page("pages/export.py").run()

    assert picked(at, "Sessions") == "M3QR"


def test_a_fresh_sign_in_opens_on_the_newest_session_not_the_default(facilitator, db):
    db.create_session("Keynote", "K7PX")

    assert picked(facilitator("pages/export.py"), "Sessions") == "K7PX"
    assert picked(facilitator("pages/console.py"), "Session") == "K7PX"


def test_with_only_the_default_session_every_page_opens_on_it(facilitator):
    assert picked(facilitator("pages/export.py"), "Sessions") == "SHARE"
    assert picked(facilitator("pages/sessions.py"), "Session") == "SHARE"


# ---------------------------------------------------------------- the clicker on the stage


def press(at: AppTest, shortcut: str) -> AppTest:
    at.button(key=f"key-{shortcut}").click().run()
    assert not at.exception, at.exception
    return at


def test_a_clicker_press_on_the_stage_moves_the_view_for_the_console_and_every_stage(db):
    code = db.create_session("Clicker", "K7PX")
    projector = open_stage(db, code)

    press(projector, "PageDown")
    press(projector, "PageDown")

    assert db.stage(code)["view"] == "distribution"
    another = open_stage(db, code)  # a second projector, or a reload, shows the same view
    shown = [e.value for kind in (another.title, another.header, another.markdown) for e in kind]
    assert any("How the room scored" in v for v in shown), shown


def test_a_stage_whose_link_was_replaced_moves_nothing(db):
    code = db.create_session("Replaced", "M3QR")
    projector = open_stage(db, code)
    db.new_stage_token(code)  # the facilitator made a new link: this one is over

    press(projector, "PageDown")

    settings = db.stage(code)
    assert (settings["view"], settings["view_seq"]) == ("join", 0)
