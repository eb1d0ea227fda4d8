"""The facilitator passcode: where it comes from, how it is checked, and the lockout."""

from __future__ import annotations

import hmac
import os
import secrets
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from survey import codes

MAX_TRIES = 5  # wrong passcodes in one browser session before a pause
LOCKOUT_S = 60  # how long the pause lasts


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


def password_file(data_dir: Path) -> Path:
    return data_dir / "admin_password"


def resolve_password(
    env: Mapping[str, str], secrets_: Mapping[str, object], data_dir: Path
) -> tuple[str, str]:
    """The facilitator passcode and where it came from.

    In order: the SURVEY_ADMIN_PASSWORD environment variable, `admin_password`
    in .streamlit/secrets.toml, else a passcode generated on first start and
    kept in `admin_password` beside the database file (data/ unless SURVEY_DB
    points elsewhere; mode 0600), announced once in the server log.
    """
    if env.get("SURVEY_ADMIN_PASSWORD"):
        return env["SURVEY_ADMIN_PASSWORD"], "the SURVEY_ADMIN_PASSWORD environment variable"
    if secrets_.get("admin_password"):
        return str(secrets_["admin_password"]), ".streamlit/secrets.toml"
    path = password_file(data_dir)
    if path.exists():
        return path.read_text().strip(), str(path)
    data_dir.mkdir(parents=True, exist_ok=True)
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
    """Per-browser-session login state; lives in the page's session state."""

    failures: int = 0
    locked_until: float = 0.0
    ok: bool = False

    def seconds_locked(self, now: float) -> int:
        return max(0, int(self.locked_until - now + 0.999))

    def attempt(self, given: str, expected: str, now: float) -> str:
        """Check a passcode try. Returns "ok", "wrong" or "locked"."""
        if self.seconds_locked(now):
            return "locked"
        if hmac.compare_digest(given.encode(), expected.encode()):
            self.ok, self.failures = True, 0
            return "ok"
        self.failures += 1
        if self.failures >= MAX_TRIES:
            self.failures = 0
            self.locked_until = now + LOCKOUT_S
            return "locked"
        return "wrong"
