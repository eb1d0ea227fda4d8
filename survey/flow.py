"""The participant's flow as a pure state machine: join, resume, page forward and back, finish,
take it again, delete my answers.

Everything that decides where a participant is and what gets stored lives in this file
(in the manner of h11's `_state.py`). A `Place` says where one browser session is;
each transition takes a place and plain values (a session row, a response row, the
answers on the submitted page) and returns a new place, plus the `Write` to store where
there is one. No I/O happens here: the Streamlit glue (`survey/ui/participant.py`)
reads widgets and the URL, performs the write, and hands the outcome back through
`saved`, so every rule can be tested with plain values. What the address asks of a
place is read in `survey.link`; `link` here is the address that brings a place back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from survey import codes, rows, words
from survey.i18n import N_
from survey.questionnaire import Questionnaire
from survey.schema import COMPLETE, SUPERSEDED, Saved

# What a participant reads once, at the top (`Place.notice`): marked here, translated where
# shown, with `Place.notice_values` formatted in (`_(notice).format(**values)`).
NOT_FOUND = N_("We could not find answers for that link. You can start afresh below.")
CHANGED = N_("The questionnaire changed since you started, so please start again.")
OTHER_VERSION = N_(
    "Your answers so far were given to another version of the questionnaire. "
    "Open your link again to go on with them."
)
HELD = N_("The room comparison appears when the facilitator reveals the results.")
CLOSED = N_("This session has closed, so your answers were not saved.")
GONE = N_("This session no longer exists, so your answers were not saved.")
INCOMPLETE = N_("Some answers on earlier pages are missing. Please go back and check each page.")
RETAKEN = N_("You took the survey again since this link was made, so here is your latest result.")
DELETED = N_("Your answers were deleted: nothing of them is kept. You can start afresh below.")
NO_SUCH = N_("There is no session with the code {code}. Check the code on the screen.")
SHUT = N_("The session {code} is closed and no longer takes answers.")


@dataclass(frozen=True)
class Place:
    """Where one browser session stands in the survey."""

    code: str | None = None  # the survey session joined; None before joining
    title: str = ""
    # The questionnaire version answered (its fingerprint), fixed on joining: if the file
    # is edited meanwhile, this participant finishes on the version they started.
    fingerprint: str = ""
    # The private resume token, chosen on joining: every save of this browser session
    # uses it, so racing clicks can never start a second response.
    token: str | None = None
    stored: bool = False  # whether anything is stored under the token yet
    page: int = 0  # 0-based; the profile page comes after the item pages
    answers: Mapping[str, int] = field(default_factory=dict)  # item id -> 1..5
    # The item answers this browser session knows are stored, as of its last save or
    # resume. A page writes only the answers that differ from them, so a stale tab that
    # goes back and presses Next on a page it never changed overwrites nothing another
    # tab stored since.
    stored_answers: Mapping[str, int] = field(default_factory=dict)
    profile: Mapping[str, object] = field(default_factory=dict)  # profile id -> choice(s)
    # The same for the profile page, as stored (`rows.profile_to_row`): an id missing here
    # is not known to be stored, so it is written.
    stored_profile: Mapping[str, str | None] = field(default_factory=dict)
    complete: bool = False
    notice: str = ""  # a plain message to show once, at the top (a marked msgid)
    notice_values: Mapping[str, str] = field(default_factory=dict)  # its {placeholders}
    missing: tuple[str, ...] = ()  # item ids left unanswered on the last Next
    replaces: str | None = None  # on a retake: the earlier response this one replaces
    confirming_delete: bool = False  # "Delete my answers" asked, not yet confirmed
    # A code this browser asked for (in its link or typed) that could not be joined: closed,
    # unknown or malformed. Kept in the link, and no other session is offered instead.
    asked: str = ""
    # The language this browser reads the survey in (a code of `Questionnaire.languages`);
    # "" until the glue settles it. It travels in the link (&l=) and with each page stored.
    language: str = ""

    @property
    def joined(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class Write:
    """What to store for a submitted page: `Store.save_page(**vars(write))`.

    Only the submitted page's answers, and of those only the ones this browser session
    changed (`Place.stored_answers`): a stale second tab with the same link never
    overwrites what another tab stored, for other pages or for this one. On the last
    page the store scores what it holds (`finish`), so the result is always that of the
    stored answers.
    """

    session_code: str
    token: str
    answers: Mapping[str, int]
    profile: Mapping[str, str | None]  # only on the profile page
    page: int
    finish: bool = False
    language: str | None = None  # the language the page was answered in


START = Place()


# ---------------------------------------------------------------- entering


def join(
    raw_code: str, find_session: Callable[[str], dict | None], token: str, fingerprint: str = ""
) -> Place:
    """Enter an open session from a typed or linked code, or say plainly why not.
    `token` is a fresh resume token (`store.new_token()`) for the response to come, and
    `fingerprint` the questionnaire version in force, the one this participant answers."""
    try:
        code = codes.normalise(raw_code)
    except codes.CodeError as exc:
        return Place(notice=str(exc), asked=str(raw_code or "").strip()[:12])
    session = find_session(code)
    if session is None:
        return Place(notice=NO_SUCH, notice_values={"code": code}, asked=code)
    if not session["is_open"]:
        return Place(notice=SHUT, notice_values={"code": code}, asked=code)
    return entered(session, token, fingerprint)


def offers_open_session(place: Place) -> bool:
    """May the join page offer the open session to someone with no code? Only if this
    browser asked for no session: whoever came from a screen naming a session (closed,
    mistyped or unknown) is never put in another room instead."""
    return not place.joined and not place.asked


def entered(session: Mapping, token: str, fingerprint: str = "") -> Place:
    """The first page of a session, with nothing answered yet."""
    return Place(code=session["code"], title=session["title"], token=token, fingerprint=fingerprint)


def resume(
    q: Questionnaire | None,
    token: str,
    row: Mapping | None,
    session: Mapping | None,
    fresh: str,
    current: str = "",
) -> Place:
    """Pick a participant's link back up: where they were, with what they answered.

    `row` is the response the link leads to (`Store.current_response`): after a retake
    that is the newer response, and the place carries its token instead. `q` is the
    questionnaire version the row was answered under (`Store.questionnaire`), so an
    unfinished survey goes on in the version it began in, even after the file was
    edited; None if that version is not known. Then they must start again, under
    `fresh` (a new token) and `current` (the version in force).
    """
    if row is None or session is None or row["status"] == SUPERSEDED:
        return Place(notice=NOT_FOUND)
    complete = row["status"] == COMPLETE
    if complete and (q is None or row["fingerprint"] != q.fingerprint):
        # Only the result is left to show, and it is drawn from the stored scores.
        return replace(
            entered(session, row.get("token", token), row["fingerprint"] or ""),
            stored=True,
            complete=True,
            notice="" if row.get("token", token) == token else RETAKEN,
        )
    if q is None or row["fingerprint"] != q.fingerprint:
        return replace(entered(session, fresh, current), notice=CHANGED)
    current_token = row.get("token", token)
    answers = rows.answers_from_row(q, row)
    return replace(
        entered(session, current_token, q.fingerprint),
        stored=True,
        page=min(row["page"], q.page_count - 1),
        answers=answers,
        stored_answers=answers,
        profile={**rows.profile_from_row(q, row), **{o.id: row.get(o.id) for o in q.open}},
        stored_profile={p.id: row.get(p.id) for p in (*q.profile, *q.open)},
        complete=complete,
        notice="" if current_token == token else RETAKEN,
    )


def retake(place: Place, token: str, fingerprint: str = "") -> Place:
    """Start the same session again from its first page, as a new response under `token`,
    on the questionnaire version in force (`fingerprint`). It replaces the finished one
    once its first page is stored (`to_supersede`): one person, one count."""
    earlier = place.token if place.stored else place.replaces
    return Place(
        code=place.code, title=place.title, token=token, replaces=earlier, fingerprint=fingerprint
    )


# ---------------------------------------------------------------- deleting


def deletable(place: Place) -> str | None:
    """The token whose response "Delete my answers" removes: the stored response, or
    during a retake not stored yet, the finished one it would replace. None: nothing
    is stored, so there is nothing to delete."""
    return place.token if place.stored else place.replaces


def ask_delete(place: Place) -> Place:
    return replace(place, confirming_delete=deletable(place) is not None)


def keep_answers(place: Place) -> Place:
    return replace(place, confirming_delete=False)


def deleted(place: Place, token: str, fingerprint: str = "") -> Place:
    """After the store deleted the response: a fresh start in the same session (on the
    version in force, `fingerprint`), said so."""
    session = {"code": place.code, "title": place.title}
    return replace(entered(session, token, fingerprint), notice=DELETED)


# ---------------------------------------------------------------- the link


def link(place: Place) -> dict[str, str]:
    """The query string that brings this place back: ?s=CODE, &p=TOKEN once stored, and
    &l=LANGUAGE once one is settled."""
    if not place.joined:
        found = {"s": place.asked} if place.asked else {}
    else:
        found = {"s": place.code, "p": place.token} if place.stored else {"s": place.code}
    return {**found, "l": place.language} if found and place.language else found


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
    place, on_page = unsent(q, place, page, given)
    last = page >= len(q.pages())
    missing: tuple[str, ...] = ()
    if direction > 0 and not last:
        missing = tuple(i.id for i in q.pages()[page] if i.id not in place.answers)
    place = replace(place, missing=missing, notice="", confirming_delete=False)
    target = page if missing else page + direction
    if not place.answers and not place.stored:
        return replace(place, page=max(target, 0)), None  # nothing worth storing yet
    finished = target >= q.page_count
    write = Write(
        session_code=place.code,
        token=place.token,
        answers={i: v for i, v in on_page.items() if place.stored_answers.get(i) != v},
        profile=_changed(last_page_row(q, place.profile), place.stored_profile) if last else {},
        page=page if finished else target,
        finish=finished,
        language=place.language or None,
    )
    return place, write


def unsent(
    q: Questionnaire, place: Place, page: int, given: Mapping[str, object]
) -> tuple[Place, dict[str, int]]:
    """A page's widget values taken into the place, nothing stored (a page sent, or the
    language changed on it): its answers that are scale points, or the last page's
    choices. Also returns those answers, by item id."""
    pages = q.pages()
    if page >= len(pages):
        return replace(place, profile={p.id: given.get(p.id) for p in (*q.profile, *q.open)}), {}
    # Only the scale's points count: a forged value is as good as no answer.
    on_page = {i.id: v for i in pages[page] if (v := scale_point(q, given.get(i.id)))}
    return replace(place, answers={**place.answers, **on_page}), on_page


def last_page_row(q: Questionnaire, given: Mapping[str, object]) -> dict[str, str | None]:
    """The last page's answers as stored: profile choices (`rows.profile_to_row`) and
    open answers tidied (`words.tidy`; the store refuses one over its limit)."""
    row = rows.profile_to_row(q, given)
    for o in q.open:
        value = given.get(o.id)
        row[o.id] = (words.tidy(value) or None) if isinstance(value, str) else None
    return row


def _changed(values: Mapping[str, object], stored: Mapping[str, object]) -> dict:
    """The values that differ from what is known to be stored (or are not known to be)."""
    return {k: v for k, v in values.items() if k not in stored or stored[k] != v}


def scale_point(q: Questionnaire, value: object) -> int | None:
    """A widget's value as a point of the scale (1..5), or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= len(q.scale) else None


def saved(place: Place, write: Write, outcome: Saved) -> Place:
    """The store's answer to a `Write`: move on, finish, or stay and say why nothing
    was kept."""
    if outcome.outcome == "closed":
        return replace(place, notice=CLOSED)
    if outcome.outcome == "unknown_session":
        return replace(place, notice=GONE)
    if outcome.outcome == "incomplete":
        # The store lacks answers this session thought stored (the file was replaced):
        # going back over the pages writes each again.
        return replace(place, notice=INCOMPLETE, stored_answers={}, stored_profile={})
    if outcome.outcome == "other_version":
        return replace(place, notice=OTHER_VERSION)
    done = write.finish or outcome.outcome == "already_complete"
    stored_answers = {**place.stored_answers, **write.answers}
    return replace(
        place,
        stored=True,
        complete=done,
        page=write.page,
        replaces=None,
        stored_answers=stored_answers,
        stored_profile={**place.stored_profile, **write.profile},
    )


def not_saved(place: Place, message: str) -> Place:
    """The store could not take the page (the disk, a refused value): stay, keep every
    answer in this browser, and say why in plain words."""
    return replace(place, notice=message)


def to_supersede(place: Place, outcome: Saved) -> str | None:
    """After a retake's first stored write: the earlier response to mark superseded
    (`Store.supersede(old, outcome.token)`), or None."""
    stored = outcome.outcome in ("saved", "completed", "already_complete")
    if place.replaces and stored and outcome.token != place.replaces:
        return place.replaces
    return None
