"""What the stage says, in the reader's language: the placeholders of a group under k,
the note on figures that trail the finishers, the closing line and the join view's
instructions (in the session's language and, smaller, in its second join language).

Whole sentences, each marked for the catalogue (survey/i18n.py); what a view may show is
`survey.stage`'s rule, and this module only words it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from survey import i18n
from survey.aggregate import Summary
from survey.i18n import N_, _, ngettext
from survey.scoring import BELIEVER, SPECTATOR
from survey.stage import CLOSING, Groups, View


def few_message(view: View, shown: Summary, g: Groups, segmented: bool, k: int) -> str:
    """The placeholder for a view under k, in plain words: which group is too small.

    Everyone outside a segment only exists when a segment is on show; a profile of the
    whole room that may not be drawn is short of believers and spectators, not of
    "people outside this segment"."""
    if shown.n_complete < k:
        return fewer_than(k)
    if view.kind == "profile" and not g.any_class:
        return ngettext(
            "Fewer than {k} believer and fewer than {k} spectator so far.",
            "Fewer than {k} believers and fewer than {k} spectators so far.",
            k,
        ).format(k=k)
    if segmented:
        return fewer_than(k, OUTSIDE)
    return fewer_than(k)


def published_note(shown: int, finished: int, k: int) -> str:
    """Why the figures count fewer people than have finished, in plain words."""
    return ngettext(
        "{shown} of {finished} who finished: the figures take in {k} person at a time.",
        "{shown} of {finished} who finished: the figures take in {k} people at a time.",
        k,
    ).format(shown=shown, finished=finished, k=k)


COMPLETE, OUTSIDE = "complete", "outside"  # who a group under k is short of, with the classes


def fewer_than(k: int, who: str = COMPLETE) -> str:
    """The placeholder for a group under k, in plain words: `who` is COMPLETE (responses),
    OUTSIDE (people outside the segment), BELIEVER or SPECTATOR."""
    if who == BELIEVER:
        text = ngettext(
            "Fewer than {k} believer so far: shown once there is {k}.",
            "Fewer than {k} believers so far: shown once there are {k}.",
            k,
        )
    elif who == SPECTATOR:
        text = ngettext(
            "Fewer than {k} spectator so far: shown once there is {k}.",
            "Fewer than {k} spectators so far: shown once there are {k}.",
            k,
        )
    elif who == OUTSIDE:
        text = ngettext(
            "Fewer than {k} person outside this segment so far: shown once there is {k}.",
            "Fewer than {k} people outside this segment so far: shown once there are {k}.",
            k,
        )
    else:
        text = ngettext(
            "Fewer than {k} complete response so far: shown once there is {k}.",
            "Fewer than {k} complete responses so far: shown once there are {k}.",
            k,
        )
    return text.format(k=k)


def more_needed(n: int) -> str:
    """How many more finishers the room needs before its first figures are shown."""
    return ngettext(
        "{n} more response needed before results are shown.",
        "{n} more responses needed before results are shown.",
        n,
    ).format(n=n)


def closing_line() -> str:
    """The closing view's line in the reader's language (`survey.stage.CLOSING`)."""
    return " ".join(_(sentence) for sentence in CLOSING)


# ---------------------------------------------------------------- the join view's words

# What the join view says, in the session's language and, smaller, in its second one.
JOIN_TEXTS = {
    "scan": N_("Scan the QR code, or open"),
    "code": N_("Session code"),
    "closed": N_("This session is closed"),
}


@dataclass(frozen=True)
class JoinWords:
    """The join view's instructions in one language."""

    language: str
    scan: str  # over the link
    code: str  # over the session code
    closed: str  # in place of both once the session is closed


def join_words(language: str | None = None) -> JoinWords:
    """The join view's instructions in `language` (None: the reader's own)."""
    with i18n.language(language) if language else contextlib.nullcontext():
        said = {key: _(text) for key, text in JOIN_TEXTS.items()}
        return JoinWords(i18n.current(), **said)


def join_languages(language: str, second: str) -> tuple[str, ...]:
    """The languages the join view speaks, the session's first: a second one only when
    it is set and differs ('' is none)."""
    first = language or i18n.SOURCE
    return (first, second) if second and second != first else (first,)
