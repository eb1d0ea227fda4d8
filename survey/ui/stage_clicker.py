"""The stage's clicker and keyboard: the view the database says is on show, and a key
press that moves every open stage and console to the next, previous or first view.

The rules of a press (where it moves, a press handled twice) are `survey.stage.follow`'s;
this module only moves widget and session values to and from them.
"""

from __future__ import annotations

import streamlit as st

from survey import stage as core
from survey.ui import resources

_POSITION = "stage_position"  # session_state: (view id, console move followed)
KEYS = {  # the clicker sends PageUp/PageDown; keyboards have arrows, Space and Home
    core.NEXT: ("Right", "PageDown", "Space"),
    core.PREVIOUS: ("Left", "PageUp"),
    core.HOME: ("Home",),
}


def position(settings: dict) -> core.View:
    """The view the database says the stage shows: every stage and console follows it.
    The view_seq drawn is remembered, to tell a key press from the same press twice."""
    vs = core.views(resources.get_questionnaire())
    st.session_state[_POSITION] = (settings["view"], settings["view_seq"])
    return core.find(vs, settings["view"])


def move(direction: str) -> None:
    """A key press on the stage (a clicker): writes the new view to the database, so the
    console and every other open stage follow. The link's token is checked on the write,
    and it may change which view shows, nothing else (`Store.step_view_by_link`).

    A press handled twice before the stage redrew moves one view (survey.stage.follow):
    Streamlit hands a button's press to the next run again when a second press cuts the
    first run short, and a clicker's contacts can bounce."""
    vs = core.views(resources.get_questionnaire())
    code = (st.query_params.get("s") or "").strip().upper()
    drawn = st.session_state.get(_POSITION, (None, None))[1]
    pressed = st.session_state.get("stage_pressed")
    moved: list[str] = []

    def decide(view: str, seq: int) -> str | None:
        target = core.follow(vs, view, direction, seq if drawn is None else drawn, pressed)
        moved.extend([target] if target else [])
        return target

    resources.get_store().step_view_by_link(code, st.query_params.get("t") or "", decide)
    if moved and drawn is not None:
        st.session_state["stage_pressed"] = drawn


def keys() -> None:
    """The keyboard and clicker: buttons with shortcuts, kept off screen by the stylesheet.

    Outside the polling fragment: a key pressed while a poll runs then reruns the page
    instead of racing the poll (a press inside the fragment was sometimes lost)."""
    with st.container(key="stage-keys"):
        for direction, shortcuts in KEYS.items():
            for shortcut in shortcuts:
                st.button(
                    f"{direction} ({shortcut})",
                    key=f"key-{shortcut}",
                    shortcut=shortcut,
                    on_click=move,
                    args=(direction,),
                )
