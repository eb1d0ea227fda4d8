"""An edit of data/questionnaire.toml of the kind made during an event: an item renamed,
another reworded, a dimension added (with an item of its own). Shared by the unit, the
AppTest and the browser tests of a questionnaire changed while people answer it."""

from __future__ import annotations

from pathlib import Path

ORIGINAL = Path(__file__).resolve().parents[1] / "data" / "questionnaire.toml"

RENAMED = ("live_chat", "live_chat_online")  # an item on the second page gets a new id
REWORDED = (
    "I scroll through my feeds without posting, liking or commenting.",
    "I scroll through my feeds without ever posting, liking or commenting.",
)
NEW_DIMENSION = "community"
NEW_ITEM = "comm_host"
ADDED = f'''
[[dimensions]]
id = "{NEW_DIMENSION}"
name = "Community building"
description = "Bringing people together around what you care about."
tips = ["Start a small group for people who share one of your interests."]

[[items]]
id = "{NEW_ITEM}"
dimension = "{NEW_DIMENSION}"
text = "I host or moderate an online group, chat or event."
'''


def edited(text: str) -> str:
    """The questionnaire's text with the three edits made."""
    old_id, new_id = RENAMED
    for before, after in ((f'id = "{old_id}"', f'id = "{new_id}"'), REWORDED):
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text + ADDED


def edit_file(path: Path) -> None:
    """Edit the questionnaire file at `path` in place, as an organiser's editor would."""
    path.write_text(edited(path.read_text("utf-8")), "utf-8")
