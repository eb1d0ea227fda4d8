"""The command line's commands: each takes the store (None for `backup`) and the parsed
arguments, does one thing and prints what it did. Files are written only by their owner
(0600). How the arguments are read, and how a failure is reported, is `survey.cli`'s.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from survey import (
    backup,
    codes,
    compare,
    demo,
    export,
    formats,
    report,
    retention,
    stage,
)
from survey.engine.sqlite import FILE_MODE
from survey.errors import SettingError
from survey.serving import lan
from survey.store import Store, default_target, iso, new_public_id


class CliError(Exception):
    """A user's mistake on the command line: one line on stderr, exit status 1."""


def _find_session(store: Store, raw: str) -> dict:
    code = codes.normalise(raw)
    session = store.get_session(code)
    if session is None:
        raise CliError(f"there is no session with the code {code}")
    return session


def session_create(store: Store, args) -> None:
    code = store.create_session(args.title, args.code)
    print(code)


def session_list(store: Store, args) -> None:
    rows = store.list_sessions()
    print(f"{'CODE':<7} {'STATE':<7} {'DONE':>6} {'ACTIVE':>6}  TITLE")
    for s in rows:
        state = "open" if s["is_open"] else "closed"
        print(f"{s['code']:<7} {state:<7} {s['complete']:>6} {s['in_progress']:>6}  {s['title']}")


def session_open(is_open: bool):
    def run(store: Store, args) -> None:
        code = _find_session(store, args.code)["code"]
        store.set_open(code, is_open)
        print(f"{code} is now {'open' if is_open else 'closed'}")

    return run


def session_delete(store: Store, args) -> None:
    code = _find_session(store, args.code)["code"]
    if not args.yes:
        raise CliError(f"deleting {code} removes all its answers; add --yes to confirm")
    n = store.delete_session(code)
    print(f"deleted {code} and {n} responses")


def purge_responses(store: Store, args) -> None:
    keep = args.days if args.days is not None else retention.days()
    if keep is None:
        raise CliError(
            f"say how many days to keep: --days N, or set {retention.SETTING}; nothing was deleted"
        )
    before = retention.cutoff(keep, datetime.now(UTC))
    stamp, day = iso(before), f"{before:%Y-%m-%d %H:%M} UTC"
    if not args.yes:
        n = store.count_begun_before(stamp)
        were = "1 response was" if n == 1 else f"{n} responses were"
        raise CliError(f"{were} begun before {day}; add --yes to delete them")
    n = store.purge(stamp)
    print(f"deleted {'1 response' if n == 1 else f'{n} responses'} begun before {day}")


def session_show(store: Store, args) -> None:
    session = _find_session(store, args.code)
    code = session["code"]
    counts = next(s for s in store.list_sessions() if s["code"] == code)
    base, warning = _phones_base(args.port)
    state = "open" if session["is_open"] else "closed"
    shown = "shown" if session["revealed"] else "hidden"
    print(session["title"])
    print(f"state: {state}, results {shown}")
    if store.stage(code)["hold_comparison"]:
        print("participants' room comparisons: held until the results are shown")
    print(f"complete: {counts['complete']}, in progress: {counts['in_progress']}")
    print(f"join: {stage.join_link(base, code)}")
    print(f"stage: {stage.stage_link(base, code, store.stage(code)['token'])}")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def _phones_base(port: int) -> tuple[str, str | None]:
    """The base of the links phones open, as the app and the start banner give it:
    SURVEY_PUBLIC_URL if set, else this machine's LAN address on `port`; and a warning
    when phones cannot open it (no LAN address at all).

    Whether the server accepts connections from the LAN is not asked: before an event
    it is usually not running yet, and the app warns about that once it is."""
    choice = lan.discover()
    public = os.environ.get("SURVEY_PUBLIC_URL")
    try:
        base = lan.join_base(f"http://localhost:{port}", choice, public)
        return base, lan.link_warning(base, choice, reachable_from_lan=True)
    except ValueError as exc:  # e.g. "http://[::1": urllib cannot read it
        raise SettingError(f"SURVEY_PUBLIC_URL is not a web address ({exc}): {public!r}") from None


def session_reveal(revealed: bool):
    def run(store: Store, args) -> None:
        code = _find_session(store, args.code)["code"]
        store.set_revealed(code, revealed)
        print(f"{code}: results are now {'shown' if revealed else 'hidden'} on the stage")

    return run


def session_hold(held: bool):
    def run(store: Store, args) -> None:
        code = _find_session(store, args.code)["code"]
        store.set_stage(code, hold_comparison=int(held))
        if held:
            print(f"{code}: participants' room comparisons are held until the results are shown")
        else:
            print(f"{code}: participants see their room comparison")

    return run


def add_demo(store: Store, args) -> None:
    code = _find_session(store, args.code)["code"]
    if args.clear:
        print(f"removed {store.clear_demo(code)} demo responses from {code}")
        return
    if not 1 <= args.n <= 200_000:
        raise CliError("--n must be from 1 to 200000")
    n = store.insert_many(code, demo.responses(store.q, args.n, args.seed))
    print(f"added {n} demo responses to {code}")


def export_responses(store: Store, args) -> None:
    if args.all == bool(args.code):
        raise CliError("give a session CODE or --all")
    if args.format != "csv" and args.output is None and sys.stdout.isatty():
        raise CliError(f"a .{args.format} file is binary: give -o FILE or redirect the output")
    code = None if args.all else _find_session(store, args.code)["code"]
    data = formats.responses(
        store,
        args.format,
        code,
        include_incomplete=args.include_incomplete,
        include_demo=args.include_demo,
        bom=not args.plain_utf8,
    )
    _write(data, args.output)


def write_report(store: Store, args) -> None:
    if args.all == bool(args.codes):
        raise CliError("give one or more session CODEs, or --all")
    picked = list(dict.fromkeys(_find_session(store, c)["code"] for c in args.codes))
    if len(picked) == 1:
        data = report.session_html(store, picked[0], include_demo=args.include_demo)
    else:
        data = compare.compare_html(
            store, None if args.all else picked, include_demo=args.include_demo
        )
    _write(data, args.output)


def write_codebook(store: Store, args) -> None:
    _write(export.codebook_csv(store.q), args.output)


def backup_database(store: None, args) -> None:
    copied = backup.backup(default_target(), args.file)
    print(
        f"backed up {copied.sessions} sessions and {copied.responses} responses to "
        f"{copied.path} ({copied.size:,} bytes; integrity check ok)"
    )


def restore_backup(store: Store, args) -> None:
    done = backup.restore(store, args.file)
    print(
        f"restored {done.sessions} sessions and {done.responses} responses from {args.file}; "
        f"{done.kept} responses the database already had were kept as they are"
    )


def _write(data: bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        _write_private(Path(output), data)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from None
    print(f"wrote {output} ({len(data):,} bytes)", file=sys.stderr)


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` as a file only its owner may read (0600), whatever the umask:
    an export holds every participant's answers. A regular file is written beside its name
    and renamed into place, so a failed export never leaves half a file; anything else (a
    pipe, /dev/stdout) is written as it is."""
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:
            fh.write(data)
        return
    tmp = path.with_name(f".{path.name}.{new_public_id()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask only takes bits away; this says it outright
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
