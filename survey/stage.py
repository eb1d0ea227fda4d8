"""The projector's stage: which views exist, the order they come in, what each may show.

Pure rules, no Streamlit and no SQL (in the manner of h11's `_state.py`): everything
that decides what the room sees lives here, so it can be tested as a table. The glue
in `survey/ui/stage.py` only draws what `screen()` and `groups()` allow; what the stage
says, in the session's language, is `survey/stage_text.py`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from survey import aggregate
from survey.aggregate import Summary
from survey.i18n import N_, _
from survey.questionnaire import Questionnaire
from survey.room import Room
from survey.scoring import BELIEVER, SPECTATOR

COUNTDOWN_S = 60  # "close in 60 s": long enough to finish the page a participant is on
ITEMS_PER_VIEW = 4  # 21 items over 6 views: 3-line 24 px labels of 4 items fit 1280x720
# The closing view's two sentences, the essay's last line apart so each language has it whole.
CLOSING = (N_("Want to be a better social media marketer?"), N_("Begin living it."))
CLOSING_LINE = " ".join(CLOSING)  # in English; `closing_line()` in the reader's language

NEXT, PREVIOUS, HOME = "next", "previous", "home"

# What a view's body shows (see `screen`).
SHOW = "show"  # the view's figures
COMING = "coming"  # results are hidden: the live count and "results coming"
FEW = "few"  # a group under k: a plain "fewer than k" placeholder


@dataclass(frozen=True)
class View:
    """One full-screen view of the stage."""

    id: str  # in the database and the console: "join", "split", ..., "items-2", "closing"
    kind: str  # join | split | distribution | profile | items | words | themes | time | closing
    name: str  # the title in English, marked for the catalogue (see `title`)
    items: tuple[str, ...] = ()  # the item ids an items view shows
    question: str = ""  # the open question a words view shows the answers of
    part: tuple[int, int] | None = None  # (n, of): the items views are one title in parts

    @property
    def title(self) -> str:
        """The view's title in the reader's language ("What the room does (2 of 6)")."""
        if self.part is not None:
            n, total = self.part
            return _("What the room does ({n} of {total})").format(n=n, total=total)
        return _(self.name)

    @property
    def needs_results(self) -> bool:
        """Join and closing views show no results, so they never wait for a reveal; the
        room's words wait for the facilitator's approval instead (survey/words.py)."""
        return self.kind not in ("join", "closing", "words", "themes")


def views(q: Questionnaire, per_view: int = ITEMS_PER_VIEW) -> list[View]:
    """The stage's views in order: join, split, distribution, profile, the items over
    a few views (balanced, in questionnaire order), the room's words, over time, closing."""
    ids = q.item_ids
    parts = max(1, math.ceil(len(ids) / per_view))
    # 21 items by 4: 4, 4, 4, 3, 3, 3 rather than 4, 4, 4, 4, 4, 1
    base, extra = divmod(len(ids), parts)
    bounds = [0]
    for n in range(parts):
        bounds.append(bounds[-1] + base + (1 if n < extra else 0))
    chunks = [tuple(ids[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    out = [
        View("join", "join", N_("Join the survey")),
        View("split", "split", N_("Believers or spectators?")),
        View("distribution", "distribution", N_("How the room scored")),
        View("profile", "profile", N_("Believers against spectators")),
    ]
    for n, chunk in enumerate(chunks, 1):
        part = (n, len(chunks)) if len(chunks) > 1 else None
        out.append(View(f"items-{n}", "items", N_("What the room does"), chunk, part=part))
    # The room's own words, one view per open question (survey/ui/stage_words.py).
    for o in q.open:
        out.append(View(f"words-{o.id}", "words", N_("In the room's words"), question=o.id))
        if o.themes:  # the same words by the file's themes
            name = N_("The room's why, by theme")
            out.append(View(f"themes-{o.id}", "themes", name, question=o.id))
    out += [
        View("time", "time", N_("Answers over time")),
        View("closing", "closing", N_("Thank you")),
    ]
    return out


def find(vs: list[View], view_id: str | None) -> View:
    """The view with this id; an unknown or stale id (the questionnaire changed) is join."""
    return next((v for v in vs if v.id == view_id), vs[0])


def step(vs: list[View], current: str | None, move: str) -> str:
    """The view after a key press: next and previous stop at the ends, home is join."""
    if move == HOME:
        return vs[0].id
    at = vs.index(find(vs, current))
    if move == NEXT:
        return vs[min(at + 1, len(vs) - 1)].id
    if move == PREVIOUS:
        return vs[max(at - 1, 0)].id
    raise ValueError(f"unknown move {move!r}")


def follow(
    vs: list[View], now: str | None, move: str, drawn: int, pressed: int | None
) -> str | None:
    """Where a press of next, previous or home moves the stage; None leaves it as it is.

    The database's view is the one truth: every open stage and console shows it, and
    `now` is that view when the press is handled. A press steps from it, so a console
    that has not yet caught up with the clicker still moves forward, never back.
    `drawn` is the `view_seq` the pressed screen showed, `pressed` the one of that
    screen's previous press that moved the stage. Equal, the press was made on the same
    drawing as one already carried out: a double click, or a click handled twice before
    the screen redrew. It changes nothing, so no view is skipped.
    """
    if pressed is not None and drawn == pressed:
        return None
    target = step(vs, now, move)
    return None if target == now else target  # at an end already: nothing to write


# ---------------------------------------------------------------- links


def join_link(base: str, code: str) -> str:
    """The participants' link for a session."""
    return f"{base.rstrip('/')}/?s={code}"


def stage_link(base: str, code: str, token: str) -> str:
    """The projector's read-only link for a session."""
    return f"{base.rstrip('/')}/stage?s={code}&t={token}"


def short_link(url: str) -> str:
    """A link as people type it: no scheme ("survey.example.org/?s=K7PX")."""
    return url.split("://", 1)[-1]


# ---------------------------------------------------------------- the minimum group size


def allowed(n: int, rest: int, k: int) -> bool:
    """May a group of `n` complete responses be drawn, when `rest` more people make up
    the larger group it is cut from (everyone outside the segment)?

    The group needs k. So does the rest, unless the rest is empty: otherwise subtracting
    the segment from the whole room would draw the rest, a group under k.
    """
    return n >= k and (rest == 0 or rest >= k)


@dataclass(frozen=True)
class Groups:
    """Which groups the stage may draw for the population on show."""

    population: bool  # the room, or the segment (with its complement)
    classes: dict[str, bool]  # believer / spectator (at the threshold in force)

    @property
    def any_class(self) -> bool:
        return any(self.classes.values())


def groups(everyone: Summary, shown: Summary, segmented: bool, k: int) -> Groups:
    """The minimum group size applied to what is on show.

    `everyone` and `shown` are summaries at the same (possibly what-if) threshold;
    `shown` is the segment when `segmented`, else the same room. Each class is
    checked against its own members outside the segment too, so no class of the
    complement can be recovered as "room minus segment".
    """

    def rest(total: int, part: int) -> int:
        return total - part if segmented else 0

    # A segment drawn is the first k, 2k, ... of its members; the rest is everyone else
    # published, so a segment of 9 among 10 is not drawn even though 5 of it would be.
    return Groups(
        population=allowed(shown.n_complete, rest(everyone.n_complete, shown.members), k),
        classes={
            BELIEVER: allowed(shown.believers, rest(everyone.believers, shown.believers), k),
            SPECTATOR: allowed(shown.spectators, rest(everyone.spectators, shown.spectators), k),
        },
    )


@dataclass(frozen=True)
class Figures:
    """Everything the stage may draw for one session at one setting."""

    everyone: Summary  # the room's published responses, at the threshold in force
    shown: Summary  # the segment (or the room again)
    segmented: bool
    groups: Groups
    threshold: float


def figures(
    room: Room,
    threshold: float | None,
    segment: tuple[str | None, str | None],
    k: int,
) -> Figures:
    """The stage's numbers for a room, a (what-if) threshold and a segment, under both
    of its privacy rules.

    Differencing: every group drawn moves only in steps of k people who finished, in
    the order they finished (`aggregate.summarise` with k), so looking before and after
    one more person finishes shows nothing new about them, and a Room rebuilt in any
    order draws the same. Small groups: each group drawn, and everyone outside a
    segment, has at least k (`groups`).
    """
    threshold = room.q.threshold if threshold is None else threshold
    segmented = segment[0] is not None and segment[1] is not None
    everyone = aggregate.summarise(room, threshold, k=k)
    shown = aggregate.summarise(room, threshold, segment, k=k) if segmented else everyone
    return Figures(everyone, shown, segmented, groups(everyone, shown, segmented, k), threshold)


def screen(view: View, revealed: bool, g: Groups) -> str:
    """What a view's body shows: SHOW, COMING (results hidden) or FEW (under k).

    The profile compares classes, so it needs at least one class that may be drawn;
    the other class gets its own placeholder beside it.
    """
    if not view.needs_results:
        return SHOW
    if not revealed:
        return COMING
    if not g.population:
        return FEW
    if view.kind == "profile" and not g.any_class:
        return FEW
    return SHOW


# ---------------------------------------------------------------- the countdown


def seconds_left(closes_at: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the session closes (rounded up, never below 0); None if no
    countdown is running."""
    if closes_at is None:
        return None
    return max(0, math.ceil((closes_at - now).total_seconds()))


def milliseconds_left(closes_at: datetime | None, now: datetime) -> int | None:
    """Milliseconds until the session closes (never below 0), for the screen to count down
    on its own clock: the server's `now` goes with it, so a projector whose clock is off
    still closes on time. None if no countdown is running."""
    if closes_at is None:
        return None
    return max(0, round((closes_at - now).total_seconds() * 1000))


# ---------------------------------------------------------------- the strip

# What the strip along the bottom of a view says (see `strip`).
JOIN = "join"  # how to join: the link, the code, a small QR
CLOSED = "closed"  # "This session is closed"
NONE = "none"  # the join view says it all itself, open or closed


def strip(view: View, is_open: bool) -> str:
    """The strip under a view: while the session is open, how to join; once closed,
    that it is closed (never an invitation to join a closed session). Not on the join
    view, which is all about joining, or that it is closed, in large type."""
    if view.kind == "join":
        return NONE
    return JOIN if is_open else CLOSED


def countdown_due(closes_at: datetime | None, now: datetime) -> bool:
    """Has a running countdown reached zero (time to close and reveal)?"""
    return closes_at is not None and now >= closes_at
