"""The participant's flow as a pure state machine: join, resume, page forward and back, finish.

Everything that decides where a participant is and what gets stored lives in this file
(in the manner of h11's `_state.py`). A `Place` says where one browser session is;
each transition takes a place and plain values (a session row, a response row, the
answers on the submitted page) and returns a new place, plus the `Write` to store where
there is one. No I/O happens here: the Streamlit glue (`survey/ui/participant.py`)
reads widgets and the URL, performs the write, and hands the outcome back through
`saved`, so every rule can be tested with plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from survey import codes
from survey.questionnaire import MULTI_SEPARATOR, Questionnaire
from survey.scoring import Result, score
from survey.store import COMPLETE, Saved

NOT_FOUND = "We could not find answers for that link. You can start afresh below."
CHANGED = "The questionnaire changed since you started, so please start again."
CLOSED = "This session has closed, so your answers were not saved."
GONE = "This session no longer exists, so your answers were not saved."


@dataclass(frozen=True)
class Place:
    """Where one browser session stands in the survey."""

    code: str | None = None  # the survey session joined; None before joining
    title: str = ""
    token: str | None = None  # the private resume token, once anything is stored
    page: int = 0  # 0-based; the profile page comes after the item pages
    answers: Mapping[str, int] = field(default_factory=dict)  # item id -> 1..5
    profile: Mapping[str, object] = field(default_factory=dict)  # profile id -> choice(s)
    complete: bool = False
    notice: str = ""  # a plain message to show once, at the top
    missing: tuple[str, ...] = ()  # item ids left unanswered on the last Next

    @property
    def joined(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class Write:
    """What to store for a submitted page: `Store.save_page(**vars(write))`."""

    session_code: str
    token: str | None
    answers: Mapping[str, int]
    profile: Mapping[str, str | None]
    page: int
    result: Result | None = None


START = Place()


# ---------------------------------------------------------------- entering


def join(raw_code: str, find_session: Callable[[str], dict | None]) -> Place:
    """Enter an open session from a typed or linked code, or say plainly why not."""
    try:
        code = codes.normalise(raw_code)
    except codes.CodeError as exc:
        return Place(notice=str(exc))
    session = find_session(code)
    if session is None:
        return Place(
            notice=f"There is no session with the code {code}. Check the code on the screen."
        )
    if not session["is_open"]:
        return Place(notice=f"The session {code} is closed and no longer takes answers.")
    return entered(session)


def entered(session: Mapping) -> Place:
    """The first page of a session, with nothing answered yet."""
    return Place(code=session["code"], title=session["title"])


def resume(q: Questionnaire, token: str, row: Mapping | None, session: Mapping | None) -> Place:
    """Pick a participant's link back up: where they were, with what they answered."""
    if row is None or session is None:
        return Place(notice=NOT_FOUND)
    complete = row["status"] == COMPLETE
    if row["fingerprint"] != q.fingerprint and not complete:
        return replace(entered(session), notice=CHANGED)
    return replace(
        entered(session),
        token=token,
        page=min(row["page"], q.page_count - 1),
        answers=answers_from_row(q, row),
        profile=profile_from_row(q, row),
        complete=complete,
    )


def retake(place: Place) -> Place:
    """Start the same session again from its first page, as a new response."""
    return Place(code=place.code, title=place.title)


# ---------------------------------------------------------------- the URL

RESUME, RESTORE_LINK, JOIN = "resume", "restore_link", "join"


def url_action(place: Place, url_code: str | None, url_token: str | None) -> str | None:
    """What a rerun must do to match the URL the browser holds (a link opened, a
    page switch that dropped the query string), or None if they agree."""
    if url_token and url_token != place.token:
        return RESUME
    if place.token and not url_token:
        return RESTORE_LINK
    if url_code and not url_token and url_code.strip().upper() != place.code:
        return JOIN
    return None


def link(place: Place) -> dict[str, str]:
    """The query string that brings this place back: ?s=CODE, and &p=TOKEN once stored."""
    if not place.joined:
        return {}
    if place.token:
        return {"s": place.code, "p": place.token}
    return {"s": place.code}


# ---------------------------------------------------------------- answering


def submit(
    q: Questionnaire,
    place: Place,
    page: int,
    direction: int,
    given: Mapping[str, object],
) -> tuple[Place, Write | None]:
    """A page's form was sent with Next (`direction` 1) or Back (-1).

    `given` holds the page's widget values by item or profile id (None where nothing
    is chosen). Answers already given are kept; Next with an item unanswered stays on
    the page and names it. Returns the new place and what to store, if anything: a
    second click from a form that has already moved on changes nothing.
    """
    if page != place.page or place.complete or not place.joined:
        return place, None
    pages = q.pages()
    answers, profile = dict(place.answers), dict(place.profile)
    missing: tuple[str, ...] = ()
    if page < len(pages):
        answers.update({i.id: int(given[i.id]) for i in pages[page] if given.get(i.id) is not None})
        if direction > 0:
            missing = tuple(i.id for i in pages[page] if i.id not in answers)
    else:
        profile = {p.id: given.get(p.id) for p in q.profile}
    place = replace(place, answers=answers, profile=profile, missing=missing, notice="")
    target = page if missing else page + direction
    if not answers and not place.token:
        return replace(place, page=max(target, 0)), None  # nothing worth storing yet
    finished = target >= q.page_count
    write = Write(
        session_code=place.code,
        token=place.token,
        answers=answers,
        profile=profile_to_row(q, profile),
        page=page if finished else target,
        result=score(q, answers) if finished else None,
    )
    return place, write


def saved(place: Place, write: Write, outcome: Saved) -> Place:
    """The store's answer to a `Write`: move on, finish, or stay and say why nothing
    was kept."""
    if outcome.outcome == "closed":
        return replace(place, notice=CLOSED)
    if outcome.outcome == "unknown_session":
        return replace(place, notice=GONE)
    done = write.result is not None or outcome.outcome == "already_complete"
    return replace(place, token=outcome.token, complete=done, page=write.page)


# ---------------------------------------------------------------- rows


def answers_from_row(q: Questionnaire, row: Mapping) -> dict[str, int]:
    return {i: int(row[i]) for i in q.item_ids if row.get(i) is not None}


def profile_from_row(q: Questionnaire, row: Mapping) -> dict[str, object]:
    out: dict[str, object] = {}
    for p in q.profile:
        value = row.get(p.id)
        if p.kind == "multi":
            out[p.id] = [v for v in (value or "").split(MULTI_SEPARATOR) if v]
        else:
            out[p.id] = value
    return out


def profile_to_row(q: Questionnaire, values: Mapping[str, object]) -> dict[str, str | None]:
    """Profile answers as stored: unknown choices dropped, multi-selects '; '-joined."""
    out: dict[str, str | None] = {}
    for p in q.profile:
        value = values.get(p.id)
        if p.kind == "multi":
            chosen = [o for o in p.options if o in (value or [])]
            out[p.id] = MULTI_SEPARATOR.join(chosen) or None
        else:
            out[p.id] = value if value in p.options else None
    return out


def result_from_row(q: Questionnaire, row: Mapping) -> Result:
    return Result(
        {d: float(row[f"score_{d}"]) for d in q.dimension_ids},
        float(row["overall"]),
        row["class"],
    )
