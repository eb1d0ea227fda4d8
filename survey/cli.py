"""Command line: prepare sessions before an event, rehearse with demo data, export after.

    python -m survey session create "TITLE" [--code CODE]
    python -m survey session list
    python -m survey session close CODE | open CODE
    python -m survey session delete CODE --yes
    python -m survey session show CODE [--port PORT]
    python -m survey session reveal CODE | hide CODE
    python -m survey session hold CODE | release CODE
    python -m survey demo CODE --n 500 [--seed N]
    python -m survey demo CODE --clear
    python -m survey export CODE|--all [-o FILE] [--format csv|xlsx|sav] [--include-incomplete]
                                       [--include-demo] [--plain-utf8]
    python -m survey report CODE [CODE ...] | --all [-o FILE] [--include-demo]
    python -m survey codebook [-o FILE]
    python -m survey backup FILE
    python -m survey restore FILE
    python -m survey purge [--days N] --yes

Every command uses SURVEY_DB (default data/survey.db; a postgresql:// URL for a
PostgreSQL server) and SURVEY_QUESTIONNAIRE.
Bad input, a bad setting or a closed stdout exits with status 1 and one line on stderr.
Every file written (-o FILE, a backup) is readable only by its owner (0600): it holds answers.
"""

from __future__ import annotations

import argparse
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
    questionnaire,
    report,
    retention,
    stage,
)
from survey.engine.sqlite import FILE_MODE
from survey.errors import SettingError
from survey.serving import lan
from survey.store import Store, StoreError, Unavailable, default_target, iso, new_public_id


class CliError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure is one line on stderr and exit status 1: a person
    preparing an event reads it, and a traceback only hides the one line that matters."""
    args = _parser().parse_args(argv)
    if sys.stdout is None:  # started with stdout closed (`>&-`): Python leaves it None
        return _fail("standard output is closed; nothing was done")
    store = None
    try:
        if args.needs_store:
            store = Store(questionnaire.load())
        status = args.run(store, args) or 0
        sys.stdout.flush()  # here, not at exit, where a failure prints a traceback-like note
        return status
    except Unavailable as exc:
        return _fail(f"the database can't be used: {exc.reason} ({exc.path})")
    except (
        CliError,
        StoreError,
        codes.CodeError,
        questionnaire.QuestionnaireError,
        SettingError,
        backup.BackupError,
    ) as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # e.g. `export ... | head`
        _drop_stdout()
        return 0
    except OSError as exc:  # stdout on a full disk (`> /dev/full`), or gone
        _drop_stdout()
        return _fail(f"cannot write the output: {exc.strerror or exc}")
    finally:
        if store is not None:
            # Closing the last connection checkpoints and removes the -wal file; a
            # failure there has nothing left to lose.
            with contextlib.suppress(Exception):
                store.close()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's own flush at exit has nowhere to fail."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _session(store: Store, raw: str) -> dict:
    code = codes.normalise(raw)
    session = store.get_session(code)
    if session is None:
        raise CliError(f"there is no session with the code {code}")
    return session


def _create(store: Store, args) -> None:
    code = store.create_session(args.title, args.code)
    print(code)


def _list(store: Store, args) -> None:
    rows = store.list_sessions()
    print(f"{'CODE':<7} {'STATE':<7} {'DONE':>6} {'ACTIVE':>6}  TITLE")
    for s in rows:
        state = "open" if s["is_open"] else "closed"
        print(f"{s['code']:<7} {state:<7} {s['complete']:>6} {s['in_progress']:>6}  {s['title']}")


def _set_open(is_open: bool):
    def run(store: Store, args) -> None:
        code = _session(store, args.code)["code"]
        store.set_open(code, is_open)
        print(f"{code} is now {'open' if is_open else 'closed'}")

    return run


def _delete(store: Store, args) -> None:
    code = _session(store, args.code)["code"]
    if not args.yes:
        raise CliError(f"deleting {code} removes all its answers; add --yes to confirm")
    n = store.delete_session(code)
    print(f"deleted {code} and {n} responses")


def _purge(store: Store, args) -> None:
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


def _show(store: Store, args) -> None:
    session = _session(store, args.code)
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


def _set_revealed(revealed: bool):
    def run(store: Store, args) -> None:
        code = _session(store, args.code)["code"]
        store.set_revealed(code, revealed)
        print(f"{code}: results are now {'shown' if revealed else 'hidden'} on the stage")

    return run


def _set_held(held: bool):
    def run(store: Store, args) -> None:
        code = _session(store, args.code)["code"]
        store.set_stage(code, hold_comparison=int(held))
        if held:
            print(f"{code}: participants' room comparisons are held until the results are shown")
        else:
            print(f"{code}: participants see their room comparison")

    return run


def _demo(store: Store, args) -> None:
    code = _session(store, args.code)["code"]
    if args.clear:
        print(f"removed {store.clear_demo(code)} demo responses from {code}")
        return
    if not 1 <= args.n <= 200_000:
        raise CliError("--n must be from 1 to 200000")
    n = store.insert_many(code, demo.responses(store.q, args.n, args.seed))
    print(f"added {n} demo responses to {code}")


def _export(store: Store, args) -> None:
    if args.all == bool(args.code):
        raise CliError("give a session CODE or --all")
    if args.format != "csv" and args.output is None and sys.stdout.isatty():
        raise CliError(f"a .{args.format} file is binary: give -o FILE or redirect the output")
    code = None if args.all else _session(store, args.code)["code"]
    data = formats.responses(
        store,
        args.format,
        code,
        include_incomplete=args.include_incomplete,
        include_demo=args.include_demo,
        bom=not args.plain_utf8,
    )
    _write(data, args.output)


def _report(store: Store, args) -> None:
    if args.all == bool(args.codes):
        raise CliError("give one or more session CODEs, or --all")
    picked = list(dict.fromkeys(_session(store, c)["code"] for c in args.codes))
    if len(picked) == 1:
        data = report.session_html(store, picked[0], include_demo=args.include_demo)
    else:
        data = compare.compare_html(
            store, None if args.all else picked, include_demo=args.include_demo
        )
    _write(data, args.output)


def _codebook(store: Store, args) -> None:
    _write(export.codebook_csv(store.q), args.output)


def _backup(store: None, args) -> None:
    copied = backup.backup(default_target(), args.file)
    print(
        f"backed up {copied.sessions} sessions and {copied.responses} responses to "
        f"{copied.path} ({copied.size:,} bytes; integrity check ok)"
    )


def _restore(store: Store, args) -> None:
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


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, dash_values: bool = False, **kwargs):
        # dash_values: a word starting with a single dash that is none of this command's
        # options is a value, so `session create "-1+1"` makes a session titled -1+1.
        super().__init__(*args, **kwargs)
        self.dash_values = dash_values

    def error(self, message: str):  # one line, status 1, like every other bad input
        print(f"error: {message} (see --help)", file=sys.stderr)
        sys.exit(1)

    def _parse_optional(self, arg_string: str):
        if (
            self.dash_values
            and arg_string.startswith("-")
            and not arg_string.startswith("--")
            and arg_string not in self._option_string_actions
        ):
            return None  # argparse's way of saying "a positional value"
        return super()._parse_optional(arg_string)


def _days(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of days, at least 1, not {raw!r}")
    return value


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a port (1 to 65535)")
    return port


_CODE_HELP = "the session's code, e.g. HALLB (case does not matter)"
_OUTPUT_HELP = "write to FILE instead of standard output"


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m survey", description="Believer or Spectator: sessions and data.")
    sub = p.add_subparsers(required=True, metavar="COMMAND", parser_class=_Parser)

    session = sub.add_parser(
        "session", help="create, list, show, open, close or delete sessions; reveal or hold results"
    )
    ss = session.add_subparsers(required=True, metavar="ACTION", parser_class=_Parser)
    c = ss.add_parser("create", help="create a session and print its code", dash_values=True)
    c.add_argument("title", help='the session\'s title, e.g. "Hall B, 10:30"')
    c.add_argument("--code", help="your own code: 4-6 letters/digits, no 0/O/1/I")
    c.set_defaults(run=_create)
    ss.add_parser("list", help="list sessions with response counts").set_defaults(run=_list)
    for name, is_open in (("open", True), ("close", False)):
        a = ss.add_parser(name, help=f"{name} a session to new answers")
        a.add_argument("code", help=_CODE_HELP)
        a.set_defaults(run=_set_open(is_open))
    d = ss.add_parser("delete", help="delete a session and all its answers")
    d.add_argument("code", help=_CODE_HELP)
    d.add_argument("--yes", action="store_true", help="confirm the deletion")
    d.set_defaults(run=_delete)
    sh = ss.add_parser("show", help="a session's state, counts, join link and stage link")
    sh.add_argument("code", help=_CODE_HELP)
    sh.add_argument(
        "--port",
        type=_port,
        default=8501,
        help="the port the app's server listens on, for the links (default: %(default)s; "
        "SURVEY_PUBLIC_URL, when set, is used as it is)",
    )
    sh.set_defaults(run=_show)
    for name, revealed in (("reveal", True), ("hide", False)):
        r = ss.add_parser(name, help=f"{name} the results on the stage")
        r.add_argument("code", help=_CODE_HELP)
        r.set_defaults(run=_set_revealed(revealed))
    for name, held, text in (
        ("hold", True, "hold participants' room comparisons until the results are shown"),
        ("release", False, "let participants see their room comparison at once"),
    ):
        h = ss.add_parser(name, help=text)
        h.add_argument("code", help=_CODE_HELP)
        h.set_defaults(run=_set_held(held))

    dm = sub.add_parser("demo", help="add synthetic complete responses for rehearsing")
    dm.add_argument("code", help=_CODE_HELP)
    dm.add_argument(
        "--n",
        type=int,
        default=500,
        help="how many responses to add, 1 to 200000 (default: %(default)s)",
    )
    dm.add_argument(
        "--seed",
        type=int,
        help="any whole number: the same seed adds the same answers again "
        "(default: new answers each run)",
    )
    dm.add_argument("--clear", action="store_true", help="remove the demo responses instead")
    dm.set_defaults(run=_demo)

    e = sub.add_parser("export", help="write the responses as CSV, XLSX or SPSS (stdout unless -o)")
    e.add_argument("code", nargs="?", help="the session's code (or --all)")
    e.add_argument("--all", action="store_true", help="every session")
    e.add_argument("-o", "--output", metavar="FILE", help=_OUTPUT_HELP)
    e.add_argument(
        "--format",
        choices=["csv", "xlsx", "sav"],
        default="csv",
        help="csv, xlsx (Excel) or sav (SPSS) (default: %(default)s)",
    )
    e.add_argument(
        "--include-incomplete",
        action="store_true",
        help="keep unfinished responses (left out by default): status in_progress, or "
        "did_not_finish once the session is closed",
    )
    e.add_argument(
        "--include-demo", action="store_true", help="keep demo rows (left out by default)"
    )
    e.add_argument(
        "--plain-utf8",
        action="store_true",
        help="CSV without the byte-order mark Excel needs, for other tools",
    )
    e.set_defaults(run=_export)

    r = sub.add_parser(
        "report",
        help="write a session report, or rooms compared for several CODEs or --all (HTML)",
    )
    r.add_argument(
        "codes",
        nargs="*",
        metavar="CODE",
        help="one session's code for its report; several to compare those rooms",
    )
    r.add_argument("--all", action="store_true", help="every session, compared")
    r.add_argument(
        "--include-demo",
        action="store_true",
        help="count demo rows (left out by default, as in the export)",
    )
    r.add_argument("-o", "--output", metavar="FILE", help=_OUTPUT_HELP)
    r.set_defaults(run=_report)

    cb = sub.add_parser("codebook", help="write the codebook CSV (stdout unless -o)")
    cb.add_argument("-o", "--output", metavar="FILE", help=_OUTPUT_HELP)
    cb.set_defaults(run=_codebook)

    b = sub.add_parser(
        "backup", help="copy the database to FILE while the server runs (SQLite; 0600)"
    )
    b.add_argument(
        "file",
        metavar="FILE",
        help="the backup file to write (replaced only once the new copy is complete and checked)",
    )
    b.set_defaults(run=_backup, needs_store=False)

    rs = sub.add_parser(
        "restore",
        help="add back what a backup holds and the database lacks (safe while the server runs)",
    )
    rs.add_argument("file", metavar="FILE", help="a backup made by `python -m survey backup`")
    rs.set_defaults(run=_restore)

    pg = sub.add_parser(
        "purge",
        help=f"delete every response begun more than N days ago ({retention.SETTING})",
    )
    pg.add_argument(
        "--days",
        type=_days,
        help=f"how many days to keep (default: {retention.SETTING})",
    )
    pg.add_argument("--yes", action="store_true", help="confirm the deletion")
    pg.set_defaults(run=_purge)
    p.set_defaults(needs_store=True)
    return p
