"""The store's two kinds of failure, shared by the store and its engines."""

from __future__ import annotations


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
