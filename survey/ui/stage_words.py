"""The stage's words views: the room's own words as a word cloud, live as the facilitator
approves them, and the same words counted by the questionnaire's themes.

Only what `survey.words` lets the stage show is drawn (approved, or vouched for by the
room, never hidden or blocked). The picture is `survey.cloud`'s, drawn once per set of
phrases shown, so an idle poll costs a dictionary look-up; its text alternative lists
every phrase drawn.
"""

from __future__ import annotations

import threading

import streamlit as st

from survey import charts, cloud, words
from survey import stage as core
from survey.i18n import N_, _, ngettext
from survey.ui import open_question, resources, stage_views

TEXT = "#262730"  # the stage's text colour; the most given phrases take the event's accent
WAITING = N_("The room's words appear here as the facilitator approves them.")

# The clouds drawn, by the phrases and colours they show: one per change of the approved
# set, shared by every stage of every session on this worker (a draw costs ~0.1-0.7 s).
_clouds: dict[tuple, cloud.Cloud] = {}
_lock = threading.Lock()

# Started with the stage's glue (a projector or a console opening): the first cloud of
# the session then costs no import.
threading.Thread(target=cloud.warm, name="cloud-warm", daemon=True).start()

# A fixed stylesheet of ours (no user text): the cloud takes the rest of the body and the
# picture shrinks to fit it whole, at any screen size.
STYLE = """<style>
.st-key-stage [data-testid="stLayoutWrapper"]:has(> .st-key-stage-words) {
  flex: 1 1 0; min-height: 0; }
.st-key-stage-words { height: 100%; flex-wrap: nowrap; gap: 1vh; }
.st-key-stage-words h3 { margin: 0; padding: 0; line-height: 1.2; }
.st-key-stage-words [data-testid="stMarkdownContainer"]:has(h3) { margin: 0; }
.st-key-stage-words > [data-testid="stLayoutWrapper"]:has(> .st-key-stage-cloud) {
  flex: 1 1 0; min-height: 0; }
.st-key-stage-cloud { height: 100%; min-height: 0; }
.st-key-stage-cloud [data-testid="stElementContainer"],
.st-key-stage-cloud [data-testid="stFullScreenFrame"],
.st-key-stage-cloud [data-testid="stFullScreenFrame"] > div,
.st-key-stage-cloud [data-testid="stImage"],
.st-key-stage-cloud [data-testid="stImageContainer"] { height: 100%; width: 100%; min-height: 0; }
.st-key-stage-cloud img { width: 100%; height: 100%; max-width: none; object-fit: contain; }
</style>"""


def draw(code: str, view: core.View) -> None:
    """The body of a words or themes view, for one open question of the session."""
    q = stage_views.questionnaire()  # the question as the stage's language asks it
    shown = words.on_stage(open_question.room(resources.get_store(), code, view.question))
    found = next((o for o in q.open if o.id == view.question), None)
    question = f"### {open_question.plain(found.text if found else '')}"  # the file's words
    if view.kind == "themes" and shown and found:
        _themes(question, words.by_theme(shown, found.themes), q.theme.accent)
        return
    if not shown:
        with st.container(key="stage-middle", vertical_alignment="center"):
            st.markdown(question)
            st.markdown(_(WAITING))
        return
    st.html(STYLE)
    with st.container(key="stage-words"):
        st.markdown(question)
        drawn = picture(shown, q.theme.accent)
        with st.container(key="stage-cloud", horizontal_alignment="center"):
            st.image(drawn.png, alt=drawn.alt, output_format="PNG", width="stretch")
        if drawn.left_out:
            more = drawn.left_out
            st.caption(
                ngettext(
                    "And {n} more, given by fewer people.",
                    "And {n} more, given by fewer people.",
                    more,
                ).format(n=more)
            )


def _themes(question: str, counts: dict[str, int], accent: str) -> None:
    st.html(STYLE)
    with st.container(key="stage-words"):
        st.markdown(question)
        fig = cloud.themes_figure(counts, accent, stage_views.CHART_FONT)
        st.plotly_chart(fig, key="fill-themes", theme=None, config=charts.CONFIG, height="stretch")


def picture(shown: dict[str, int], accent: str) -> cloud.Cloud:
    """The cloud of these phrases, drawn once per set and colour. Not per language: the
    picture holds only the room's own words, and its text alternative (`Cloud.alt`) is
    worded in the reader's language each time it is read."""
    key = (tuple(sorted(shown.items())), accent)
    with _lock:
        found = _clouds.get(key)
        if found is None:
            if len(_clouds) > 32:
                _clouds.clear()
            found = _clouds[key] = cloud.draw(shown, TEXT, accent)
    return found
