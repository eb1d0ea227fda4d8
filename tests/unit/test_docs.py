"""Docs as tests: the README names every command, option and setting, every option has a
help text, and the layout rule holds."""

import argparse
import ast
import re
from pathlib import Path

import pytest

from survey import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
# Where streamlit may be imported: the glue, the server launcher, the pages, the entry point.
STREAMLIT_ALLOWED = ("survey/ui/", "survey/serving/serve.py")


def _commands(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = _commands(sub, f"{prefix} {name}")
                found += inner or [f"{prefix} {name}"]
    return found


CLI_COMMANDS = _commands(cli._parser(), "python -m survey")


@pytest.mark.parametrize("command", CLI_COMMANDS)
def test_every_command_line_command_is_shown_in_the_readme(command):
    assert command in README, f"README does not show `{command}`"


def _arguments(parser: argparse.ArgumentParser, prefix: str):
    """(where, action) for every option, positional argument and subcommand of every
    command, e.g. ("python -m survey export --format", <action>)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:  # what `--help` lists for each subcommand
                yield f"{prefix} {choice.dest}", choice
            for name, sub in action.choices.items():
                yield from _arguments(sub, f"{prefix} {name}")
        elif not isinstance(action, argparse._HelpAction):
            name = "/".join(action.option_strings) or action.metavar or action.dest
            yield f"{prefix} {name}", action


def _without_help(parser: argparse.ArgumentParser) -> list[str]:
    return [
        where
        for where, action in _arguments(parser, "python -m survey")
        if not (action.help or "").strip() or action.help == argparse.SUPPRESS
    ]


def test_every_command_line_option_and_argument_has_a_help_text():
    missing = _without_help(cli._parser())
    assert missing == [], "no help text (shown by --help) for: " + ", ".join(missing)


@pytest.mark.parametrize(
    "command,dest,where",
    [
        ("export", "format", "python -m survey export --format"),
        ("demo", "seed", "python -m survey demo --seed"),
        ("report", "codes", "python -m survey report CODE"),
        ("codebook", "output", "python -m survey codebook -o/--output"),
    ],
)
def test_the_help_check_names_an_argument_whose_help_was_removed(command, dest, where):
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices[command]._actions if a.dest == dest)
    action.help = None
    assert _without_help(parser) == [where]


def _readme_cli_block() -> str:
    section = README.split("### Rehearsing and preparing from the command line", 1)[1]
    return section.split("```sh", 1)[1].split("```", 1)[0]


def _options(parser: argparse.ArgumentParser, prefix: str) -> dict[str, list[list[str]]]:
    """Each command (as in CLI_COMMANDS) and its options' spellings, --help left out."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _options(sub, f"{prefix} {name}")
    if not found:
        found[prefix] = [
            a.option_strings
            for a in parser._actions
            if a.option_strings and not isinstance(a, argparse._HelpAction)
        ]
    return found


CLI_OPTIONS = _options(cli._parser(), "python -m survey")


def _readme_lines(command: str) -> list[str]:
    return [line for line in _readme_cli_block().splitlines() if f"{command} " in line + " "]


@pytest.mark.parametrize(
    "command,spellings",
    [(c, s) for c, options in CLI_OPTIONS.items() for s in options],
    ids=lambda v: "/".join(v) if isinstance(v, list) else v,
)
def test_every_command_line_option_is_shown_beside_its_command_in_the_readme(command, spellings):
    pattern = rf"(?<![\w-])({'|'.join(map(re.escape, spellings))})(?![\w-])"
    assert any(re.search(pattern, line) for line in _readme_lines(command)), (
        f"README's command-line section does not show {'/'.join(spellings)} for `{command}`"
    )


@pytest.mark.parametrize("command", CLI_COMMANDS)
def test_every_option_the_readme_shows_for_a_command_exists(command):
    known = {s for spellings in CLI_OPTIONS[command] for s in spellings}
    for line in _readme_lines(command):
        # What follows the command, comment included ("# or --all; --include-incomplete").
        shown = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line.split(command, 1)[1]))
        assert shown <= known, f"README shows {sorted(shown - known)} for `{command}`: {line}"


def _settings_in_code() -> set[str]:
    names = set()
    for path in [ROOT / "app.py", *ROOT.glob("survey/**/*.py"), *ROOT.glob("pages/*.py")]:
        names |= set(re.findall(r"\bSURVEY_[A-Z_]+\b", path.read_text()))
    return names


@pytest.mark.parametrize("name", sorted(_settings_in_code()))
def test_every_survey_setting_the_code_reads_is_documented_in_the_readme(name):
    assert f"`{name}`" in README, f"README's configuration does not explain {name}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE = sorted(
    str(p.relative_to(ROOT))
    for p in ROOT.glob("survey/**/*.py")
    if not str(p.relative_to(ROOT)).startswith(STREAMLIT_ALLOWED)
)


@pytest.mark.parametrize("module", CORE)
def test_the_core_never_imports_streamlit(module):
    assert "streamlit" not in _imports(ROOT / module), (
        f"{module} imports streamlit; only survey/ui/, survey/serving/serve.py, pages/ and "
        "app.py may"
    )


def test_the_layout_rule_covers_the_modules_it_is_about():
    assert "survey/flow.py" in CORE and "survey/store.py" in CORE
    assert not any(m.startswith("survey/ui/") for m in CORE)


def _layout_block() -> str:
    return README.split("## How the code is laid out", 1)[1].split("```")[1]


NAME_COLUMN = 20  # a line indented this far continues the description above it


def layout_paths(block: str) -> set[str]:
    """Every path the layout block names, folders and indentation resolved: "  engine/"
    under "survey/" then "    sqlite.py" is survey/engine/sqlite.py. A line may name
    several files ("codes.py, qr.py, demo.py")."""
    paths: set[str] = set()
    folders: list[tuple[int, str]] = []  # (indent, "survey/engine/")
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= NAME_COLUMN:
            continue
        names = re.match(r"([^\s,]+(?:, [^\s,]+)*)", line.strip()).group(1).split(", ")
        folders = [(i, f) for i, f in folders if i < indent]
        parent = folders[-1][1] if folders else ""
        paths |= {parent + name for name in names}
        if names[-1].endswith("/"):
            folders.append((indent, parent + names[-1]))
    return paths


def test_the_layout_block_reads_folders_and_indentation():
    more = " " * 22 + "more words\n"
    block = f"survey/   core\n  a.py    x\n{more}  sub/    y\n    b.py, c.py\nd.py\n"
    assert layout_paths(block) == {
        "survey/",
        "survey/a.py",
        "survey/sub/",
        "survey/sub/b.py",
        "survey/sub/c.py",
        "d.py",
    }


MODULES = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("survey/**/*.py"), *ROOT.glob("pages/*.py")]
    if p.name not in ("__init__.py", "__main__.py")
)


@pytest.mark.parametrize("module", MODULES)
def test_the_readme_layout_names_every_module(module):
    # A newcomer finds where a change belongs from this block, so it must match the tree:
    # each module under its own folder (three modules are called stage.py).
    assert module in layout_paths(_layout_block()), (
        f"README's layout section does not name {module} in its folder"
    )
