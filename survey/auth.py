"""The facilitator passcode: where it comes from, how it is checked, and the lockout;
and how a signed-in facilitator's browser stays signed in across a reload.

The lockout that matters is server-wide (`check`): a reload or a fresh websocket starts a
new browser session, so a per-session count stops nobody. Every try goes through the
database, so all browser sessions and all worker processes share one count.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from survey import codes

if TYPE_CHECKING:
    from survey.store import SigninRecord, Store

log = logging.getLogger(__name__)


# Server-wide: at most this many wrong passcodes are evaluated per window, from everyone.
# 10 a minute is plenty for a facilitator with clumsy thumbs, and with the growing pauses
# below an attacker gets ~1,000 guesses a day instead of 6,000 a minute.
SERVER_MAX_FAILURES = 10
SERVER_WINDOW_S = 60
FIRST_PAUSE_S = 60  # the first pause; each pause in a row doubles it ...
MAX_PAUSE_S = 15 * 60  # ... up to a quarter of an hour
PAUSES_FORGOTTEN_S = 60 * 60  # an hour without a pause, and the next one is short again


# A generated passcode is read aloud and typed on a laptop: the session codes' alphabet
# (no 0/O, no 1/I and no lower case, so no l), in groups of four. 12 characters of 32
# give 60 bits, far beyond guessing at five tries a minute.
PASSCODE_GROUPS, PASSCODE_GROUP_LEN = 3, 4


def generate_passcode() -> str:
    """A random passcode such as `K7PX-M3QR-9TWH`: unambiguous characters, grouped to read aloud."""
    return "-".join(
        "".join(secrets.choice(codes.ALPHABET) for _ in range(PASSCODE_GROUP_LEN))
        for _ in range(PASSCODE_GROUPS)
    )


def _typed(given: str, expected: str) -> str:
    """A generated passcode as typed from the console or read aloud: in any case, with or
    without its dashes or spaces. An operator's own passcode is taken exactly as set."""
    canonical = re.fullmatch(
        rf"[{codes.ALPHABET}]{{{PASSCODE_GROUP_LEN}}}(-[{codes.ALPHABET}]{{{PASSCODE_GROUP_LEN}}})"
        rf"{{{PASSCODE_GROUPS - 1}}}",
        expected,
    )
    if not canonical:
        return given
    bare = re.sub(r"[\s\-]", "", given).upper()
    n = PASSCODE_GROUP_LEN
    return "-".join(bare[i : i + n] for i in range(0, len(bare), n)) if bare else given


def password_file(data_dir: Path) -> Path:
    return data_dir / "admin_password"


def resolve_password(
    env: Mapping[str, str], secrets_: Mapping[str, object], data_dir: Path
) -> tuple[str, str]:
    """The facilitator passcode and where it came from.

    In order: the SURVEY_ADMIN_PASSWORD environment variable, `admin_password`
    in .streamlit/secrets.toml, else a passcode generated on first start and
    kept in `admin_password` beside the database file (data/ unless SURVEY_DB
    points elsewhere; data/ too with a PostgreSQL server; mode 0600), announced once
    in the server log. Several app hosts share one passcode through the environment.
    """
    if env.get("SURVEY_ADMIN_PASSWORD"):
        return env["SURVEY_ADMIN_PASSWORD"], "the SURVEY_ADMIN_PASSWORD environment variable"
    if secrets_.get("admin_password"):
        return str(secrets_["admin_password"]), ".streamlit/secrets.toml"
    path = password_file(data_dir)
    if path.exists():
        return path.read_text().strip(), str(path)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the folder holds the answers
    passcode = generate_passcode()
    # Written whole to a private file, then linked into place: if several workers
    # start at once, exactly one link succeeds and the others read its passcode,
    # never a half-written file.
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".admin_password-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(passcode + "\n")
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text().strip(), str(path)
    finally:
        os.unlink(tmp)
    print(
        "\n  Believer or Spectator: facilitator passcode (generated on first start)\n"
        f"      {passcode}\n"
        f"  It is kept in {path} (readable only by you). Set SURVEY_ADMIN_PASSWORD\n"
        "  or admin_password in .streamlit/secrets.toml to choose your own.\n",
        file=sys.stderr,
        flush=True,
    )
    return passcode, str(path)


@dataclass
class Gate:
    """Per-browser-session login state; lives in the page's session state.

    `sign_in` goes through the server-wide throttle, and once this browser session is
    signed in nothing (no pause caused by others) signs it out.
    """

    ok: bool = False

    def sign_in(self, store: Store, given: str, expected: str, now: float) -> Outcome:
        """Check a passcode with `check`; the right one signs this browser session in."""
        outcome = check(store, given, expected, now)
        if outcome.ok:
            self.ok = True
        return outcome


@dataclass(frozen=True)
class Outcome:
    """The answer to one sign-in try."""

    status: str  # "ok" | "wrong" | "locked" (not evaluated: sign-in is paused)
    wait_s: int = 0  # if not 0: sign-in is paused for this many seconds from now
    tries_left: int = 0  # when wrong: server-wide wrong tries left before a pause

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def check(store: Store, given: str, expected: str, now: float) -> Outcome:
    """Check a facilitator passcode against the server-wide throttle.

    At most SERVER_MAX_FAILURES wrong passcodes are evaluated per SERVER_WINDOW_S, counted
    over every browser session and worker process through the store. The one that reaches
    the limit starts a pause (FIRST_PAUSE_S, doubling with each pause in a row up to
    MAX_PAUSE_S) during which no passcode is evaluated, not even the right one: those
    tries answer "locked". A right
    passcode makes the next pause short again. Wrong tries are logged, never the guess.
    Raises store.Unavailable if the database cannot record the try.
    """

    def judge(record: SigninRecord) -> tuple[Outcome, SigninRecord]:
        if now < record.locked_until:
            return Outcome("locked", wait_s=_whole_seconds(record.locked_until - now)), record
        if hmac.compare_digest(_typed(given, expected).encode(), expected.encode()):
            return Outcome("ok"), replace(record, level=0)
        failures = record.failures + 1
        if failures < SERVER_MAX_FAILURES:
            log.warning(
                "Facilitator sign-in: wrong passcode (%d of %d allowed per %d s).",
                failures,
                SERVER_MAX_FAILURES,
                SERVER_WINDOW_S,
            )
            left = SERVER_MAX_FAILURES - failures
            return Outcome("wrong", tries_left=left), replace(record, failures=failures)
        recent = now - record.locked_until < PAUSES_FORGOTTEN_S
        level = record.level + 1 if recent else 1
        pause = min(FIRST_PAUSE_S * 2 ** (level - 1), MAX_PAUSE_S)
        log.warning(
            "Facilitator sign-in: %d wrong passcodes within %d s; sign-in paused for %d s.",
            failures,
            SERVER_WINDOW_S,
            pause,
        )
        # This guess was evaluated (and wrong); the ones after it are not, for `pause` s.
        return Outcome("wrong", wait_s=pause), replace(
            record, failures=failures, locked_until=now + pause, level=level
        )

    return store.signin(now, SERVER_WINDOW_S, judge)


def _whole_seconds(s: float) -> int:
    return max(1, int(s + 0.999))  # rounds up: never "wait 0 seconds" while paused


# ---------------------------------------------------------------- staying signed in
# A reload starts a new browser session, which knows nothing of the last one's sign-in.
# So a right passcode also issues a one-use TICKET (kept server-side as a digest, for
# TICKET_S); the page hands it to the server's sign-in route (survey.serving.doors) in the body
# of a request, never in an address, and gets a fresh secret back only as an HttpOnly,
# SameSite=Strict cookie that page scripts can't read. Later pages read that cookie with
# the request and check it here. Only SHA-256 digests of both are stored, in the database,
# so every worker honours them and a copy of the database signs nobody in.

COOKIE = "survey_facilitator"
TICKET, SIGNED_IN = "ticket", "cookie"  # the two kinds of sign-in secret kept
TICKET_S = 60  # from the right passcode to the page's request: a second is typical
SESSION_S = 12 * 60 * 60  # a day of talks; then the passcode again
SECRET_MAX = 100  # a secret is 43 characters: anything much longer is not ours


def _new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _plausible(secret: object) -> bool:
    return isinstance(secret, str) and 0 < len(secret) <= SECRET_MAX


def issue_ticket(store: Store, now: float) -> str:
    """After a right passcode: a one-use ticket the page exchanges for the cookie."""
    ticket = _new_secret()
    store.add_sign_in(_digest(ticket), TICKET, now + TICKET_S, now)
    return ticket


def exchange_ticket(store: Store, ticket: object, now: float) -> str | None:
    """The cookie's secret for a ticket that is kept and unexpired, using it up; None
    for any other (used, expired, forged)."""
    if not _plausible(ticket) or not store.take_sign_in(_digest(ticket), TICKET, now):
        return None
    secret = _new_secret()
    store.add_sign_in(_digest(secret), SIGNED_IN, now + SESSION_S, now)
    return secret


def signed_in(store: Store, cookie: object, now: float) -> bool:
    """Whether a browser's cookie is a facilitator sign-in that is kept and unexpired."""
    return _plausible(cookie) and store.has_sign_in(_digest(cookie), SIGNED_IN, now)


def sign_out(store: Store, cookie: object) -> None:
    """Forget a browser's sign-in: its cookie signs nobody in from now on."""
    if _plausible(cookie):
        store.end_sign_in(_digest(cookie))


def cookie_header(secret: str, path: str = "/", secure: bool = False) -> str:
    """The Set-Cookie value for a sign-in (an empty secret: the one that clears it)."""
    age = SESSION_S if secret else 0
    parts = [f"{COOKIE}={secret}", f"Path={path}", f"Max-Age={age}", "HttpOnly", "SameSite=Strict"]
    return "; ".join([*parts, "Secure"] if secure else parts)
