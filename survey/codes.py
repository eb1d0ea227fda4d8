"""Short session codes people can read off a projector and type on a phone."""

from __future__ import annotations

import re
import secrets

from survey.i18n import _

# No 0/O and no 1/I: they are confused when read from a distance.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 4
MIN_LENGTH, MAX_LENGTH = 4, 6
_VALID = re.compile(f"^[{ALPHABET}]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


class CodeError(ValueError):
    """A session code that can never exist; the message says why in plain words, in the
    reader's language (survey.i18n)."""


def normalise(raw: str) -> str:
    """Trim, upper-case and validate a typed code. Raises CodeError with a readable reason."""
    code = "".join(str(raw or "").split()).upper()
    if not code:
        raise CodeError(_("Enter the session code shown on the screen."))
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        raise CodeError(
            _("Session codes have {low} to {high} characters.").format(
                low=MIN_LENGTH, high=MAX_LENGTH
            )
        )
    if not _VALID.match(code):
        if {c for c in code if c not in ALPHABET} & set("01OI"):
            raise CodeError(
                _("Session codes use only letters and digits (codes never use 0, O, 1 or I).")
            )
        raise CodeError(_("Session codes use only letters and digits."))
    return code


def generate(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A random code not in `taken`. Grows longer if the short space is crowded."""
    for length in range(GENERATED_LENGTH, MAX_LENGTH + 1):
        for _try in range(50):
            code = "".join(secrets.choice(ALPHABET) for _pos in range(length))
            if code not in taken:
                return code
    raise RuntimeError("No free session code left")
