"""The sessions page: making sessions, and showing their titles as plain text everywhere."""

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from survey import demo

HOSTILE_TITLES = [
    pytest.param('=HYPERLINK("http://x","y")', id="spreadsheet-formula"),
    pytest.param("<b>bold</b> <img src=x onerror=alert(1)>", id="html"),
    pytest.param("**md** [link](http://x) # heading", id="markdown"),
]
# Elements that show their text as typed. Everything else may render markdown.
INERT = {"text", "arrow_data_frame", "dataframe"}


def field(at: AppTest, label: str):
    return next(t for t in at.text_input if t.label == label)


def create(at: AppTest, title: str, code: str = "") -> AppTest:
    field(at, "Title").input(title)
    field(at, "Code (optional)").input(code)
    at.button(key="FormSubmitter:create-Create session").click().run()
    assert not at.exception, at.exception
    return at


def strings(msg: Message):
    """Every text field of an element's message, with its field name."""
    for fd, value in msg.ListFields():
        values = value if fd.is_repeated else [value]
        for v in values:
            if isinstance(v, Message):
                yield from strings(v)
            elif isinstance(v, str):
                yield fd.name, v


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def places_rendering_markdown(at: AppTest, text: str) -> list[str]:
    """Elements (outside the inert ones) whose markdown-rendered text contains `text`."""
    found = []
    for node in (n for root in (at.main, at.sidebar) for n in walk(root)):
        proto = getattr(node, "proto", None)
        if proto is None or node.type in INERT:
            continue
        for name, value in strings(proto):
            # A selectbox shows its options as plain text.
            if text in value and not (node.type == "selectbox" and name == "options"):
                found.append(f"{node.type}.{name}")
    return found


def shown_inertly(at: AppTest, text: str) -> bool:
    tables = [d.value for d in at.dataframe]
    in_table = any((t == text).any().any() for t in tables)
    return in_table or any(text in t.value for t in at.text)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_session_title_is_shown_as_plain_text_on_the_sessions_page(
    facilitator, db, title
):
    at = create(facilitator("pages/sessions.py"), title)

    [success] = at.success
    code = success.value.split()[2].rstrip(".")
    assert db.get_session(code)["title"] == title
    table = at.dataframe[0].value
    assert table.loc[table["code"] == code, "title"].tolist() == [title]
    assert places_rendering_markdown(at, title) == []


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize("page", ["pages/console.py", "pages/export.py"])
def test_a_hostile_session_title_is_shown_as_plain_text_on_the_other_facilitator_pages(
    facilitator, db, title, page
):
    code = db.create_session(title, "BADT")

    at = facilitator(page, s=code)
    if page == "pages/export.py":
        next(s for s in at.selectbox if s.label == "Sessions").select(code).run()

    assert not at.exception, at.exception
    assert places_rendering_markdown(at, title) == []
    assert any(title in option for s in at.selectbox for option in s.options)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_session_title_is_shown_as_plain_text_to_participants(open_app, db, title):
    code = db.create_session(title, "BADT")

    at = open_app(s=code.lower())

    assert shown_inertly(at, title)
    assert places_rendering_markdown(at, title) == []


def test_a_new_session_gets_a_short_code_and_appears_in_the_list_open(facilitator, db):
    at = create(facilitator("pages/sessions.py"), "  Social Media Summit,   Hall B  ")

    [success] = at.success
    code = success.value.split()[2].rstrip(".")
    session = db.get_session(code)
    assert session["title"] == "Social Media Summit, Hall B"
    assert session["is_open"] == 1
    table = at.dataframe[0].value
    assert code in table["code"].tolist()


def test_a_custom_code_is_trimmed_and_upper_cased(facilitator, db):
    at = create(facilitator("pages/sessions.py"), "Workshop", " k7px ")

    assert any("K7PX" in s.value for s in at.success)
    assert db.get_session("K7PX")["title"] == "Workshop"


@pytest.mark.parametrize(
    "code,says",
    [
        pytest.param("B0OK", "never use 0, O, 1 or I", id="ambiguous-characters"),
        pytest.param("AB", "4 to 6 characters", id="too-short"),
        pytest.param("AB-CD", "only letters and digits", id="punctuation"),
        pytest.param("SHARE", "already used", id="taken"),
    ],
)
def test_an_invalid_custom_code_shows_an_error_and_creates_nothing(facilitator, db, code, says):
    at = create(facilitator("pages/sessions.py"), "Workshop", code)

    assert not at.success
    [error] = at.error
    assert says in error.value
    assert [s["code"] for s in db.list_sessions()] == ["SHARE"]


def test_a_session_without_a_title_is_refused(facilitator, db):
    at = create(facilitator("pages/sessions.py"), "   ")

    assert any("title" in e.value for e in at.error)
    assert len(db.list_sessions()) == 1


def test_closing_a_session_from_the_page_closes_it_to_participants(facilitator, db, open_app):
    code = db.create_session("Morning talk", "MRNG")
    at = facilitator("pages/sessions.py")
    next(s for s in at.selectbox if s.label == "Session").select(code).run()

    next(b for b in at.button if b.label == "Close to new answers").click().run()

    assert db.get_session(code)["is_open"] == 0
    assert any("closed" in c.value for c in at.caption)
    assert any("is closed" in w.value for w in open_app(s=code).warning)


def test_a_session_is_deleted_with_its_answers_only_after_its_code_is_typed(facilitator, db, q):
    code = db.create_session("Rehearsal", "REHR")
    db.insert_many(code, demo.responses(q, 3, seed=1))
    at = facilitator("pages/sessions.py")
    next(s for s in at.selectbox if s.label == "Session").select(code).run()
    delete = next(b for b in at.button if b.label == "Delete for good")
    assert delete.disabled

    at.text_input(key=f"confirm_{code}").input(" rehr ").run()
    next(b for b in at.button if b.label == "Delete for good").click().run()

    assert not at.exception, at.exception
    assert db.get_session(code) is None
    assert db.rows(code)[1] == []
    assert code not in at.dataframe[0].value["code"].tolist()
