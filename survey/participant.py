"""The participant's service: what opening a link, joining, sending a page, deleting one's
answers and looking at the result do with the store.

In the manner of cosmicpython's service layer: each function takes the store (or how to
find it) and plain values, applies `survey.flow`'s rules, does the store's calls in the
right order, turns the store's failures into plain messages, and returns a `Place` or a
`ResultView`. The Streamlit glue (`survey/ui/participant.py`) only moves widget and URL
values in and out, so everything here runs in plain tests on both engines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace

from survey import aggregate, flow, link, result, rows
from survey.aggregate import Comparison, Room
from survey.errors import StoreError, Unavailable
from survey.flow import Place
from survey.i18n import N_, ngettext
from survey.questionnaire import Questionnaire
from survey.scoring import Result
from survey.store import Store, new_token

log = logging.getLogger(__name__)

# What the participant reads when the database cannot be used (`Unavailable.PLAIN`, then
# what to do), as whole sentences for the catalogue; shown through `Place.notice`.
NOT_SAVED = N_(
    "Answers can't be saved right now. Your answers are kept on this page: "
    "wait a moment, then press the button again."
)
CANNOT_JOIN = N_("Answers can't be saved right now. Please wait a moment, then join again.")
NOT_DELETED = N_("Answers can't be saved right now. Please try again in a moment.")

# Finds a questionnaire version by its fingerprint (None if this server never loaded it).
Versions = Callable[[str], Questionnaire | None]
# A session's live room, held while used (`survey.ui.resources.room`).
Rooms = Callable[[str], AbstractContextManager[Room]]


# ---------------------------------------------------------------- entering


def open_link(
    store: Store,
    here: Place,
    code: str | None,
    token: str | None,
    current: Questionnaire,
    versions: Versions,
    language: str | None = None,
) -> tuple[Place, str]:
    """What the address (?s=CODE&p=TOKEN&l=LANGUAGE) asks of this browser session: the
    place to be in (in `here.language`), and what the glue must do ("go" to a new place,
    "link" to put the address back, or "" for nothing)."""
    action = link.action(here, code, token, language)
    if action == link.RESUME:
        row = store.current_response(token)
        session = store.get_session(row["session_code"]) if row else None
        answered = versions(row["fingerprint"]) if row else None
        fresh = new_token()
        resumed = flow.resume(answered, token, row, session, fresh, current.fingerprint)
        return _speaking(resumed, here), "go"
    if action == link.RESTORE_LINK:
        return here, "link"  # a page switch dropped the query string: put the link back
    if action == link.JOIN:
        joined = flow.join(code, store.get_session, new_token(), current.fingerprint)
        return _speaking(joined, here), "go"
    return here, ""


def _speaking(new: Place, here: Place) -> Place:
    """`new` in the language `here` reads: a fresh place keeps the reader's language."""
    return replace(new, language=here.language)


def join(store: Store, here: Place, raw_code: str, current: Questionnaire) -> Place:
    """Join from a typed or linked code; while the database cannot be used, stay and say so."""
    try:
        return _speaking(
            flow.join(raw_code, store.get_session, new_token(), current.fingerprint), here
        )
    except Unavailable as exc:
        log.error("A participant could not join: %s", exc)
        return flow.not_saved(here, CANNOT_JOIN)


def open_session(store: Store, here: Place) -> dict | None:
    """The open session offered to someone with no code (`flow.offers_open_session`), or
    None. Raises Unavailable when the database cannot be read."""
    if not flow.offers_open_session(here):
        return None
    session = store.default_session()
    return session if session and session["is_open"] else None


# ---------------------------------------------------------------- answering


def submit(
    store: Store,
    q: Questionnaire,
    here: Place,
    page: int,
    direction: int,
    given: Mapping[str, object],
) -> Place:
    """Send a page: store what changed, mark an earlier try superseded once a retake has
    something stored, then move on, back or to the result. A failure keeps the page's
    answers in the place and says so plainly."""
    moved, write = flow.submit(q, here, page, direction, given)
    if write is None:
        return moved
    try:
        outcome = store.save_page(**vars(write))
        if earlier := flow.to_supersede(moved, outcome):
            # A second short transaction: for those few milliseconds the person counts
            # twice, which is harmless; save_page stays the one path for every write.
            store.supersede(earlier, outcome.token)
        return flow.saved(moved, write, outcome)
    except Unavailable as exc:
        log.error("A participant's page was not saved: %s", exc)  # the path: log only
        return flow.not_saved(moved, NOT_SAVED)
    except StoreError as exc:  # a refused value, e.g. from a forged message
        return flow.not_saved(moved, str(exc))


def delete(store: Store, here: Place, current: Questionnaire) -> Place:
    """Delete the participant's answers (and any earlier try they replaced)."""
    token = flow.deletable(here)
    if token is None:
        return here
    try:
        store.delete_response(token)
    except Unavailable as exc:
        log.error("A participant's answers were not deleted: %s", exc)
        return flow.not_saved(here, NOT_DELETED)
    return _speaking(flow.deleted(here, new_token(), current.fingerprint), here)


def retake(here: Place, current: Questionnaire) -> Place:
    return _speaking(flow.retake(here, new_token(), current.fingerprint), here)


def missing_message(here: Place) -> str:
    """What a page says above its first unanswered question, in the reader's language."""
    n = len(here.missing)
    return ngettext(
        "Please answer the question marked “Answer needed” to go on.",
        "Please answer the {n} questions marked “Answer needed” to go on.",
        n,
    ).format(n=n)


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class ResultView:
    """Everything the result page shows, decided: the glue only draws it."""

    q: Questionnaire  # the version the participant answered
    mine: Result
    answers: Mapping[str, int]
    room: Comparison
    held: bool  # the facilitator holds room comparisons until the reveal
    standing: result.Standing | None  # None: nothing to compare with yet, or held
    waiting: str  # why there is no comparison yet ("" when there is one)
    everyone: str  # "all rooms so far" ("" when held or nobody beyond the room)
    bars: list[result.ProfileBar]
    tips: result.Tips

    @property
    def shown(self) -> bool:
        return self.standing is not None


def result_view(
    store: Store,
    here: Place,
    q: Questionnaire,
    versions: Versions,
    rooms: Rooms,
    everyone: Callable[[Questionnaire, float, int], str],
) -> ResultView | None:
    """The participant's result against the room, drawn with the questionnaire version
    they answered whatever the file says now (`versions` gives it in the reader's
    language); None if their answers are gone (deleted since, with their session or on their own).
    `everyone(q, overall, k)` gives the "all rooms so far" line."""
    row = store.get_response(here.token)
    if row is None:
        return None
    q = versions(row["fingerprint"]) or q
    mine = rows.result_from_row(q, row)
    answers = rows.answers_from_row(q, row)
    k = aggregate.min_group()
    session = store.get_session(here.code)
    held = comparison_held(session, store.stage_settings(here.code))
    with rooms(here.code) as r:
        room = aggregate.compare(r, mine.overall, step=k)
    shown = room.counted > 0 and not held  # none while a step waits for k new finishers
    revealed = bool(session and session["revealed"])
    waiting = ""
    if not shown:
        waiting = flow.HELD if held else result.waiting(room)
    return ResultView(
        q=q,
        mine=mine,
        answers=answers,
        room=room,
        held=held,
        standing=result.standing(room, k, revealed) if shown else None,
        waiting=waiting,
        everyone="" if held else everyone(q, mine.overall, k),
        bars=result.profile_bars(q, mine, room.dimension_means if shown else None),
        tips=result.tip_dimensions(q, mine, answers),
    )


def comparison_held(session: Mapping | None, stage: Mapping | None) -> bool:
    """Whether a participant's result leaves out the room comparison for now: the
    facilitator holds comparisons until the results are revealed, and they are not yet."""
    if session is None or stage is None or not stage.get("hold_comparison"):
        return False
    return not session["revealed"]
