"""Short session codes people can read off a projector and type on a phone."""

from __future__ import annotations

import re
import secrets

# No 0/O and no 1/I: they are confused when read from a distance.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 4
MIN_LENGTH, MAX_LENGTH = 4, 6
_VALID = re.compile(f"^[{ALPHABET}]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


class CodeError(ValueError):
    """A session code that can never exist; the message says why in plain words."""


def normalise(raw: str) -> str:
    """Trim, upper-case and validate a typed code. Raises CodeError with a readable reason."""
    code = "".join(str(raw or "").split()).upper()
    if not code:
        raise CodeError("Enter the session code shown on the screen.")
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        raise CodeError(f"Session codes have {MIN_LENGTH} to {MAX_LENGTH} characters.")
    if not _VALID.match(code):
        bad = sorted({c for c in code if c not in ALPHABET})
        hint = " (codes never use 0, O, 1 or I)" if set(bad) & set("01OI") else ""
        raise CodeError(f"Session codes use only letters and digits{hint}.")
    return code


def generate(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A random code not in `taken`. Grows longer if the short space is crowded."""
    for length in range(GENERATED_LENGTH, MAX_LENGTH + 1):
        for _ in range(50):
            code = "".join(secrets.choice(ALPHABET) for _ in range(length))
            if code not in taken:
                return code
    raise RuntimeError("No free session code left")
