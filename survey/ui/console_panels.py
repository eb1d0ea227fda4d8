"""The console's panels: its widgets, grouped as the page lays them out.

Every widget's value goes through the callbacks in `survey.ui.console`, which write
the session's stage settings to the database; nothing here decides anything.
"""

from __future__ import annotations

import streamlit as st

from survey import aggregate, report, words
from survey import stage as core
from survey.i18n import _
from survey.ui import console, facilitator, facilitator_language, open_question, resources, stage


def top(code: str) -> None:
    """Beside the session picker: the stage link to open on the projector."""
    st.link_button(_("Open the stage"), stage.link(code, "console"), type="primary")


def live(code: str) -> None:
    """What the facilitator reaches for during the talk, redrawn from the database every
    console.VIEW_REFRESH_S: the view the stage shows now, with previous and next (which
    step from it), the reveal, and closing. Drawn at the top, to fit a laptop's screen."""
    settings, session = console.live_state(code)
    facilitator_language.speak_session(session)  # a timed fragment runs without the page's top
    view_col, session_col = st.columns([3, 2], gap="large")
    with view_col:
        ids, title = console.view_title(code)
        drawn = settings["view_seq"]  # tells a double click from a second press
        shown = core.find(core.views(resources.get_questionnaire()), settings["view"]).id
        # Text, not a widget: the clicker changes it, and a timed rerun could send a
        # widget's earlier value back as if it were chosen.
        with st.container(key="console-now"):
            st.caption(_("On the stage now"))
            st.subheader(title(shown), anchor=False)
        nav = st.container(horizontal=True)
        # Keyed by the drawing: a callback runs with the arguments of the button's latest
        # drawing, so the second click of a double click, sent before the redraw reached
        # the browser, would carry the new view_seq and move again. Under its own key it
        # is still a press of the old drawing (or of none), which `console.move` ignores.
        for label, move in ((_("← Previous"), core.PREVIOUS), (_("Next →"), core.NEXT)):
            nav.button(
                label,
                on_click=console.move,
                args=(code, move, drawn),
                key=f"console-{move}-{drawn}",
                width="stretch",
            )
    with session_col:
        # Buttons, not a switch, for the same reason as the view: they carry no value.
        if session["revealed"]:
            st.caption(_("Results are shown on the stage"))
            hide = (code, False)
            st.button(_("Hide results on the stage"), on_click=console.set_revealed, args=hide)
        else:
            st.caption(_("Results are hidden on the stage"))
            st.button(
                _("Show results on the stage"),
                on_click=console.set_revealed,
                args=(code, True),
                type="primary",
            )
        session_actions(code, session, settings)


def session_actions(code: str, session: dict, settings: dict) -> None:
    """Open and close: now, or after the countdown."""
    acts = st.container(horizontal=True)
    if session["is_open"]:
        acts.button(_("Close now"), on_click=console.set_open, args=(code, False))
        if settings["closes_at"]:
            acts.button(_("Cancel countdown"), on_click=console.cancel_countdown, args=(code,))
        else:
            acts.button(
                _("Close in {seconds} s").format(seconds=core.COUNTDOWN_S),
                on_click=console.start_countdown,
                args=(code,),
                help=_("Counts down on the stage, then closes and reveals."),
            )
    else:
        acts.button(_("Reopen"), on_click=console.set_open, args=(code, True))
    left = console.seconds_left(settings)
    if left is not None:
        st.warning(_("Closing in {seconds} s, then the results are revealed.").format(seconds=left))


def settings_panel(code: str) -> None:
    """The rarer settings: a view by name, hold, what-if and segment, and clearing the
    demo rows."""
    q, k = facilitator_language.spoken_questionnaire(), aggregate.min_group()
    st.subheader(_("More for the stage"))
    ids, title = console.view_title(code)
    # A form: the list's value goes only with the button, and nothing ever sets it from
    # here, so a timed refresh can't send an old choice back as a new one.
    with st.form(f"jump_{code}", border=False, enter_to_submit=False):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        with row:
            st.selectbox(
                _("Go to a view"),
                ids,
                index=None,
                placeholder=_("Choose a view"),
                format_func=title,
                key=f"jump_{code}",
            )
            st.form_submit_button(_("Show it"), on_click=console.jump, args=(code,))
    console.hold_toggle(code)
    st.slider(
        _("What-if threshold (hypothetical)"),
        0.0,
        100.0,
        step=0.5,
        format="%g",
        key=f"whatif_{code}",
        on_change=console.set_threshold,
        args=(code,),
        help=_("Re-draws the split for another threshold. Stored classes never change."),
    )
    segments = {console.NO_SEGMENT: _("Everyone"), **{p.id: p.text for p in q.profile}}
    seg = st.selectbox(
        _("Segment"),
        list(segments),
        key=f"seg_{code}",
        format_func=segments.__getitem__,
        on_change=console.set_segment,
        args=(code,),
    )
    if seg:
        shown = q.profile_question(seg)
        st.selectbox(
            _("Segment value"),
            shown.options,
            format_func=dict(zip(shown.options, shown.labels, strict=True)).__getitem__,
            key=f"segval_{code}",
            on_change=console.set_segment,
            args=(code,),
        )
    st.caption(_("Every group on the stage needs at least {k} complete responses.").format(k=k))
    st.button(
        _("Clear demo responses"),
        on_click=console.clear_demo,
        args=(code,),
        help=_("Removes the synthetic rehearsal rows of this session, nothing else."),
    )
    facilitator_language.settings(code)


def stage_links(code: str) -> None:
    """The preview, the stage link for the projector, and the participants' join link."""
    stage_url = stage.link(code, "console")
    st.subheader(_("Preview of the stage"))
    console.preview(code)
    st.markdown(_("**Stage link** (read-only; open it on the projector, full screen)"))
    st.code(stage_url, language=None, wrap_lines=True)
    st.button(
        _("New stage link"),
        on_click=console.new_link,
        args=(code,),
        help=_("Ends the old link: use it if the link was shared by mistake."),
    )
    join = facilitator.join_url(code, "console")
    st.caption(_("Join link for participants: {url}").format(url=join))
    facilitator.join_notes(join)


def report_download(code: str) -> None:
    store = resources.get_store()
    st.download_button(
        _("Download the session report (HTML)"),
        data=lambda: report.session_html(store, code),
        file_name=report.filename(code),
        mime="text/html",
        on_click="ignore",  # a rerun racing the lazy download can drop the file (Streamlit 1.67)
        help=_("One file that opens offline and prints to PDF; it works during the session too."),
    )


def reliability(code: str) -> None:
    """The analyst's tables, out of the way in an expander: each dimension and the whole
    scale, then each question. An undefined number shows as a dash."""
    k = aggregate.min_group()
    with st.expander(_("Reliability (for the analyst)")):
        found = facilitator.reliability_table(code)
        if found is None:
            st.write(_("Needs at least {k} complete responses of real participants.").format(k=k))
            return
        st.dataframe(
            found.scales,
            hide_index=True,
            width="stretch",
            column_config=facilitator.reliability_scale_columns(),
            placeholder="–",
        )
        st.write(
            _("Straight-lined responses (same answer everywhere): {n}").format(
                n=found.straightlined
            )
        )
        st.dataframe(
            found.items,
            hide_index=True,
            width="stretch",
            column_config=facilitator.reliability_columns(),
            placeholder="–",
        )


# At most this many phrases of each list are drawn at once; the rest wait their turn.
SHOWN_AT_ONCE = 40


def moderation(code: str) -> None:
    """The room's words, redrawn from the database every facilitator.REFRESH_S: the
    queue (approve or hide each, the ticked ones, or all), "approve automatically", and
    what is shown or hidden now. Buttons only, and boxes nothing here ever ticks: a timed
    refresh can't send an old value back."""
    store = resources.get_store()
    facilitator_language.speak_session(store.get_session(code))  # a fragment: no page top
    for o in facilitator_language.spoken_questionnaire().open:
        phrases = open_question.room(store, code, o.id)
        queued = [p for p in phrases if p.state == words.QUEUE]
        blocked = sum(p.state == words.BLOCKED for p in phrases)
        st.subheader(_("The room's words"), anchor=False)
        st.caption(
            _("{question} On the stage: the view 'In the room's words'.").format(question=o.text)
        )
        auto = bool(store.get_session(code)["auto_approve"])
        _auto_approve(code, auto)
        with st.container(key=f"queue-{o.id}", border=True):
            _queue(code, o.id, queued, auto)
        shown = [p for p in phrases if p.shown]
        hidden = [p for p in phrases if p.state == words.HIDDEN]
        st.caption(
            _(
                "On the stage: {shown} · hidden by you: {hidden} · hidden by the blocklist: "
                "{blocked}"
            ).format(shown=len(shown), hidden=len(hidden), blocked=blocked)
        )
        both = _("Shown on the stage ({shown}) and hidden ({hidden})")
        with st.expander(both.format(shown=len(shown), hidden=len(hidden))):
            for p in shown[:SHOWN_AT_ONCE]:
                _row(code, o.id, p, [(_("Hide"), "Hide", words.HIDDEN)])
            for p in hidden[:SHOWN_AT_ONCE]:
                again = [(_("Show again"), "Show again", words.APPROVED)]
                _row(code, o.id, p, again, note=_("hidden"))


def _auto_approve(code: str, auto: bool) -> None:
    if auto:
        st.caption(_("Approving automatically: every new phrase goes on the stage."))
        st.button(
            _("Stop approving automatically"),
            on_click=console.set_auto_approve,
            args=(code, False),
            key=f"auto-off-{code}",
        )
    else:
        st.button(
            _("Approve automatically"),
            on_click=console.set_auto_approve,
            args=(code, True),
            key=f"auto-on-{code}",
            help=_(
                "For a trusted room: new phrases go on the stage without waiting here. "
                "The blocklist still applies."
            ),
        )


def _queue(code: str, question_id: str, queued: list[words.Phrase], auto: bool) -> None:
    if not queued:
        st.caption(_("No new answers waiting."))
        return
    st.markdown("**" + _("Waiting: {n}").format(n=len(queued)) + "**")
    texts = [p.text for p in queued]
    many = st.container(horizontal=True)
    many.button(
        _("Approve ticked"),
        on_click=console.moderate_picked,
        args=(code, question_id, texts, words.APPROVED),
        key=f"approve-ticked-{code}-{question_id}",
        type="primary",
    )
    many.button(
        _("Hide ticked"),
        on_click=console.moderate_picked,
        args=(code, question_id, texts, words.HIDDEN),
        key=f"hide-ticked-{code}-{question_id}",
    )
    many.button(
        _("Approve all {n}").format(n=len(queued)),
        on_click=console.moderate,
        args=(code, question_id, texts, words.APPROVED),
        key=f"approve-all-{code}-{question_id}",
    )
    for p in queued[:SHOWN_AT_ONCE]:
        _row(
            code,
            question_id,
            p,
            [(_("Approve"), "Approve", words.APPROVED), (_("Hide"), "Hide", words.HIDDEN)],
            note=_queue_note(p, auto),
            pick=True,
        )
    if len(queued) > SHOWN_AT_ONCE:
        more = len(queued) - SHOWN_AT_ONCE
        st.caption(_("And {n} more after these.").format(n=more))


def _queue_note(p: words.Phrase, auto: bool) -> str:
    if p.people > 1 and p.shown:
        return _("on the stage: {n} people").format(n=p.people)
    if p.people > 1:
        return _("{n} people").format(n=p.people)
    return _("on the stage") if auto else ""


def _row(code, question_id, p: words.Phrase, actions, note: str = "", pick: bool = False):
    """One phrase as plain text, with its buttons (a list's keys start with `pick`'s: a
    phrase the room gave twice is in the queue and on the stage at once)."""
    tag = console.phrase_tag(p.text)
    where = "queue" if pick else "decided"
    row = st.container(horizontal=True, vertical_alignment="center", key=f"{where}-{tag}")
    if pick:
        row.checkbox(
            _("Tick {phrase}").format(phrase=open_question.plain(p.text)),
            key=console.pick_key(code, question_id, p.text),
            label_visibility="collapsed",
        )
    row.text(p.text + (f"  ({note})" if note else ""))
    for label, name, state in actions:
        row.button(
            label,
            on_click=console.moderate,
            args=(code, question_id, [p.text], state),
            key=f"{name}-{code}-{question_id}-{tag}" + ("" if pick else "-decided"),
        )
