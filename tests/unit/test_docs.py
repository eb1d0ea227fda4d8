"""Docs as tests: the README names every command and setting, and the layout rule holds."""

import argparse
import ast
import re
from pathlib import Path

import pytest

from survey import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
# Where streamlit may be imported: the glue, the server launcher, the pages, the entry point.
STREAMLIT_ALLOWED = ("survey/ui/", "survey/serve.py")


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
        f"{module} imports streamlit; only survey/ui/, survey/serve.py, pages/ and app.py may"
    )


def test_the_layout_rule_covers_the_modules_it_is_about():
    assert "survey/flow.py" in CORE and "survey/store.py" in CORE
    assert not any(m.startswith("survey/ui/") for m in CORE)


def _layout_block() -> str:
    return README.split("## How the code is laid out", 1)[1].split("```")[1]


MODULES = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("survey/**/*.py"), *ROOT.glob("pages/*.py")]
    if p.name not in ("__init__.py", "__main__.py")
)


@pytest.mark.parametrize("module", MODULES)
def test_the_readme_layout_names_every_module(module):
    # A newcomer finds where a change belongs from this block, so it must match the tree.
    assert re.search(rf"(^|[\s,]){re.escape(Path(module).name)}\b", _layout_block()), (
        f"README's layout section does not name {module}"
    )
