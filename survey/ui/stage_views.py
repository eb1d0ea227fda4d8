"""The body of each stage view that shows results: the split, the distribution, the
profile, the items and the answers over time, or what stands in for them (results
coming, a group under k), with the counts of who finished and who is answering.

What a view may show is `survey.stage.screen`'s rule; the figures are `survey.charts`'.
A new view kind gets one drawing here (a static method of `_VIEWS` named as the kind).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from survey import aggregate, charts, i18n
from survey import stage as core
from survey import stage_text as words
from survey.i18n import _, ngettext
from survey.questionnaire import Questionnaire
from survey.scoring import BELIEVER, SPECTATOR
from survey.ui import resources, stage_look
from survey.ui.stage_numbers import Numbers

CHART_FONT = 24  # px: chart text read from the back of a hall (Plotly's type is fixed)
LABEL_WRAP = 40  # characters per line of an item on the stage: 24 px labels leave the bars
# half of a 1024-wide screen

# The charts drawn, by what they were built from: an idle poll sends the same figure
# again without building it (a Plotly figure of the histogram takes tens of ms to build,
# its JSON a few). Module-level for the reason stage_numbers' memo is.
_charts: dict[tuple, go.Figure] = {}
_charts_lock = threading.Lock()


def questionnaire() -> Questionnaire:
    """The questionnaire in the stage's language: its dimensions, items, scale and open
    questions as the room reads them (the ids and scores are the same in every language)."""
    return resources.get_questionnaire().in_language(i18n.current())


def body(view: core.View, session: dict, n: Numbers) -> None:
    """A results view's body: its figures once revealed and allowed, else what stands in."""
    k = aggregate.min_group()
    status = core.screen(view, bool(session["revealed"]), n.groups)
    if status == core.COMING:
        _coming(session, n)
        return
    if status == core.FEW:
        _placeholder(view, n, k)
        return
    if n.segmented:
        people = n.shown.n_complete  # the segment's value is on the console, not here
        st.caption(ngettext("Segment: {n} person", "Segment: {n} people", people).format(n=people))
    elif n.everyone.n_complete < n.everyone.n_finished:
        st.caption(words.published_note(n.everyone.n_complete, n.everyone.n_finished, k))
    getattr(_VIEWS, view.kind)(view, n, k)


def counts(session: dict, n: Numbers) -> None:
    """Finished, and while the session is open, how many are still answering (once it
    is closed, nobody is: those who had not finished can no longer). Both exact: a count
    gives nobody's answers away, so it need not wait for k more like the figures."""
    row = st.container(horizontal=True, key="stage-counts")
    row.metric(_("Finished"), n.everyone.n_finished, width="content")
    if session["is_open"]:
        row.metric(_("Answering now"), n.answering, width="content")


def _coming(session: dict, n: Numbers) -> None:
    """Before the reveal: the room filling up, live, in place of the figures."""
    with st.container(key="stage-middle", vertical_alignment="center"):
        counts(session, n)
        if session["is_open"]:
            stage_look.stage_progress(n.everyone.n_finished, n.answering)
        st.markdown("### " + _("Results coming…"))


def _placeholder(view: core.View, n: Numbers, k: int) -> None:
    with st.container(key="stage-middle", vertical_alignment="center"):
        st.markdown(f"### {words.few_message(view, n.shown, n.groups, n.segmented, k)}")
        if n.shown.n_complete < k and not n.segmented:  # a segment's count would tell who
            st.markdown(words.more_needed(n.more_needed))
        row = st.container(horizontal=True, key="stage-counts")
        row.metric(_("Finished"), n.everyone.n_finished, width="content")


def _chart(n: Numbers, key: str, build: Callable[[], go.Figure], fill: bool = True) -> None:
    """Draw the figure `build` makes for these numbers, built once per change of them or
    of the stage's language (its words are in the figure).
    "fill-" keys: the stylesheet lets these charts take the rest of the screen."""
    memo = (n.key, key, resources.get_questionnaire().fingerprint, i18n.current())
    with _charts_lock:
        fig = _charts.get(memo)
        if fig is None:
            if len(_charts) > 64:
                _charts.clear()
            fig = _charts[memo] = build()
    if fill:
        st.plotly_chart(fig, key=f"fill-{key}", theme=None, config=charts.CONFIG, height="stretch")
    else:
        st.plotly_chart(fig, key=key, theme=None, config=charts.CONFIG)


class _VIEWS:
    """One drawing per view kind (called as _VIEWS.<kind>)."""

    @staticmethod
    def split(view: core.View, n: Numbers, k: int) -> None:
        # The numbers once, as large as the screen allows, over a bar of their shares
        # (the bar carries no numbers of its own).
        s = n.shown
        with st.container(key="stage-middle", vertical_alignment="center"):
            row = st.container(horizontal=True, key="stage-split")
            for klass, count in ((BELIEVER, s.believers), (SPECTATOR, s.spectators)):
                row.metric(f"{charts.class_name(klass)} · {count}", f"{s.share(count):.0f}%")
            stage_look.stage_split_bar(s.share(s.believers))
            _threshold_note(n)

    @staticmethod
    def distribution(view: core.View, n: Numbers, k: int) -> None:
        q = questionnaire()
        hypothetical = n.threshold != q.threshold
        _chart(
            n,
            "hist",
            lambda: charts.histogram(n.shown, n.threshold, True, hypothetical, CHART_FONT, None),
        )

    @staticmethod
    def profile(view: core.View, n: Numbers, k: int) -> None:
        q = questionnaire()
        shown = [c for c, ok in n.groups.classes.items() if ok]
        for klass, ok in n.groups.classes.items():
            if not ok:
                st.markdown(words.fewer_than(k, klass))
        _chart(n, "dims", lambda: charts.dimension_bars(n.shown, q, True, shown, CHART_FONT, None))

    @staticmethod
    def items(view: core.View, n: Numbers, k: int) -> None:
        q = questionnaire()
        _chart(n, "scale", lambda: charts.likert_legend(q, CHART_FONT), fill=False)
        _chart(
            n,
            view.id,
            lambda: charts.likert_bars(
                n.shown,
                q,
                True,
                view.items,
                CHART_FONT,
                None,
                legend=False,
                wrap=charts.label_wrap([i.text for i in q.items], least=LABEL_WRAP),
                mark_reverse=False,  # "(R)" is for analysts; the room needs no key to it
            ),
        )

    @staticmethod
    def time(view: core.View, n: Numbers, k: int) -> None:
        _chart(n, "timeline", lambda: charts.timeline(n.shown, True, CHART_FONT, None))


def _threshold_note(n: Numbers) -> None:
    q = resources.get_questionnaire()
    if n.threshold != q.threshold:
        st.caption(
            _("What-if: believer from {new} instead of {old}.").format(
                new=f"{n.threshold:g}", old=f"{q.threshold:g}"
            )
        )
