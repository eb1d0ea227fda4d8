"""The store's two kinds of failure, shared by the store and its engines, and a setting the
app cannot use."""

from __future__ import annotations

import os


class StoreError(Exception):
    """A user-facing problem with a store operation (unknown code, bad input)."""


class Unavailable(StoreError):
    """The database cannot be used right now: locked for too long, read-only, damaged,
    not a database, a full disk, a path that cannot hold a database file, or a database
    server that can't be reached.

    The cause is outside the app and may go away (disk space freed, file restored, server
    back), so the app shows `PLAIN` and the participant tries again; `str()` adds the
    reason and where the database is (a path, or a URL without its password), for the
    server log and the command line, never for participants.
    """

    PLAIN = "Answers can't be saved right now."

    def __init__(self, reason: str, path: str):
        super().__init__(f"answers can't be saved right now: {reason} ({path})")
        self.reason = reason
        self.path = path


class SettingError(ValueError):
    """A setting holds a value the app cannot use. The message names the setting and what
    it may be, in one line, for the command line and the app to show as it is."""


def whole_number(name: str, default: int, minimum: int = 1) -> int:
    """The environment setting `name` as a whole number of at least `minimum` (`default`
    when unset or empty). Anything else is refused rather than read as some default: a
    typo must not quietly change what the app promises (k) or how it runs (a pool)."""
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw.strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise SettingError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return value
