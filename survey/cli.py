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

This module reads the arguments and reports failures; the commands themselves are in
`survey.commands`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from survey import backup, codes, commands, questionnaire, retention
from survey.commands import CliError
from survey.errors import SettingError
from survey.store import Store, StoreError, Unavailable


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
    c.set_defaults(run=commands.session_create)
    ss.add_parser("list", help="list sessions with response counts").set_defaults(
        run=commands.session_list
    )
    for name, is_open in (("open", True), ("close", False)):
        a = ss.add_parser(name, help=f"{name} a session to new answers")
        a.add_argument("code", help=_CODE_HELP)
        a.set_defaults(run=commands.session_open(is_open))
    d = ss.add_parser("delete", help="delete a session and all its answers")
    d.add_argument("code", help=_CODE_HELP)
    d.add_argument("--yes", action="store_true", help="confirm the deletion")
    d.set_defaults(run=commands.session_delete)
    sh = ss.add_parser("show", help="a session's state, counts, join link and stage link")
    sh.add_argument("code", help=_CODE_HELP)
    sh.add_argument(
        "--port",
        type=_port,
        default=8501,
        help="the port the app's server listens on, for the links (default: %(default)s; "
        "SURVEY_PUBLIC_URL, when set, is used as it is)",
    )
    sh.set_defaults(run=commands.session_show)
    for name, revealed in (("reveal", True), ("hide", False)):
        r = ss.add_parser(name, help=f"{name} the results on the stage")
        r.add_argument("code", help=_CODE_HELP)
        r.set_defaults(run=commands.session_reveal(revealed))
    for name, held, text in (
        ("hold", True, "hold participants' room comparisons until the results are shown"),
        ("release", False, "let participants see their room comparison at once"),
    ):
        h = ss.add_parser(name, help=text)
        h.add_argument("code", help=_CODE_HELP)
        h.set_defaults(run=commands.session_hold(held))

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
    dm.set_defaults(run=commands.add_demo)

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
    e.set_defaults(run=commands.export_responses)

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
    r.set_defaults(run=commands.write_report)

    cb = sub.add_parser("codebook", help="write the codebook CSV (stdout unless -o)")
    cb.add_argument("-o", "--output", metavar="FILE", help=_OUTPUT_HELP)
    cb.set_defaults(run=commands.write_codebook)

    b = sub.add_parser(
        "backup", help="copy the database to FILE while the server runs (SQLite; 0600)"
    )
    b.add_argument(
        "file",
        metavar="FILE",
        help="the backup file to write (replaced only once the new copy is complete and checked)",
    )
    b.set_defaults(run=commands.backup_database, needs_store=False)

    rs = sub.add_parser(
        "restore",
        help="add back what a backup holds and the database lacks (safe while the server runs)",
    )
    rs.add_argument("file", metavar="FILE", help="a backup made by `python -m survey backup`")
    rs.set_defaults(run=commands.restore_backup)

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
    pg.set_defaults(run=commands.purge_responses)
    p.set_defaults(needs_store=True)
    return p
