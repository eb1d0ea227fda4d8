"""The console's glue: the facilitator's controls for the stage, kept off the projector.

Every control writes the session's stage settings to the database, never to this
browser only, so every open stage (any browser, any worker) follows within one poll.
The database is the one truth: the view on the stage and whether results show are
redrawn from it every VIEW_REFRESH_S (as text and buttons, which hold no value a timed
rerun could send back), and the slower widgets are set from it before they are drawn,
so a change made elsewhere (a clicker, another console, the CLI) shows here too.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import streamlit as st

from survey import aggregate, words
from survey import stage as core
from survey.i18n import N_, _, ngettext
from survey.store import VersionMix, iso, now_iso
from survey.ui import facilitator, facilitator_language, open_question, resources

# How often the console's live controls look at the database: a clicker's press on the
# stage shows here, and previous and next step from it, within this plus a redraw (the
# promise is 2 s; at 1.0 s one press in 20 took 2.1 s, bench/live.py).
VIEW_REFRESH_S = 0.75
NO_SEGMENT = ""  # the selectbox's "Everyone": None would show as "Choose an option"


def _key(name: str, code: str) -> str:
    return f"{name}_{code}"


def pick_session() -> tuple[str, dict]:
    """The session this console drives: the link's (?s=CODE) if it names one, else the
    one last created or chosen (facilitator.chosen_session); the choice is kept in the
    link, so a reload stays on it. The console speaks the session's language: a choice
    of a session in another one runs the page again, in it."""
    store = resources.get_store()
    listed = store.list_sessions()
    sessions = {s["code"]: s for s in listed}
    wanted = (st.query_params.get("s") or "").upper()
    index = facilitator.chosen_session(listed, wanted)
    spoken = facilitator_language.speak_session(store.get_session(listed[index]["code"]))
    code = st.selectbox(
        _("Session"),
        list(sessions),
        index=index,
        format_func=lambda c: f"{c} · {sessions[c]['title']}",
    )
    st.query_params["s"] = code
    facilitator.remember_session(code)
    if facilitator_language.speak_session(store.get_session(code)) != spoken:
        st.rerun()  # the picker's own label is in the language of the session before
    return code, sessions[code]


def sync_widgets(code: str) -> dict:
    """Put the database's settings into the console's slower widgets (hold, what-if,
    segment); returns the settings. The view and the reveal are drawn live, as text and
    buttons (see console_panels.live)."""
    s = resources.get_store()
    q = resources.get_questionnaire()
    settings = s.stage(code)
    threshold = settings["threshold"]
    st.session_state[_key("hold", code)] = bool(settings["hold_comparison"])
    st.session_state[_key("whatif", code)] = float(q.threshold if threshold is None else threshold)
    st.session_state[_key("seg", code)] = settings["segment_id"] or NO_SEGMENT
    if settings["segment_id"]:
        st.session_state[_key("segval", code)] = settings["segment_value"]
    return settings


def live_state(code: str) -> tuple[dict, dict]:
    """The stage settings and the session as the database has them now, a due countdown
    settled first; the live controls are drawn from these on every refresh."""
    s = resources.get_store()
    s.settle_countdown(code, now_iso())
    return s.stage(code), s.get_session(code)


# ---------------------------------------------------------------- callbacks


def move(code: str, direction: str, drawn: int) -> None:
    """One step from the view the stage shows now, which a clicker may have changed since
    these buttons were drawn (`drawn` is the view_seq they showed). A second click on the
    same drawing (a double click before the redraw) moves nothing: survey.stage.follow."""
    vs = core.views(resources.get_questionnaire())
    pressed = st.session_state.get(_key("pressed", code))
    moved: list[str] = []

    def decide(view: str, seq: int) -> str | None:
        target = core.follow(vs, view, direction, drawn, pressed)
        moved.extend([target] if target else [])
        return target

    resources.get_store().step_view(code, decide)
    if moved:
        st.session_state[_key("pressed", code)] = drawn


def jump(code: str) -> None:
    """Show the view chosen in the list (the list keeps it: see console_panels)."""
    chosen = st.session_state.get(_key("jump", code))
    if chosen:
        resources.get_store().set_stage(code, view=chosen)


def set_revealed(code: str, revealed: bool) -> None:
    resources.get_store().set_revealed(code, revealed)


def set_hold(code: str) -> None:
    held = int(bool(st.session_state[_key("hold", code)]))
    resources.get_store().set_stage(code, hold_comparison=held)


def set_threshold(code: str) -> None:
    q = resources.get_questionnaire()
    value = float(st.session_state[_key("whatif", code)])
    resources.get_store().set_stage(code, threshold=None if value == q.threshold else value)


def set_segment(code: str) -> None:
    q = resources.get_questionnaire()
    seg = st.session_state.get(_key("seg", code)) or None
    value = st.session_state.get(_key("segval", code)) if seg else None
    if seg and value not in q.profile_question(seg).options:
        value = q.profile_question(seg).options[0]  # a new question: its first answer
    resources.get_store().set_stage(code, segment_id=seg, segment_value=value)


def set_open(code: str, is_open: bool) -> None:
    s = resources.get_store()
    s.set_open(code, is_open)
    if not is_open:
        s.set_stage(code, closes_at=None)


def seconds_left(settings: dict) -> int | None:
    """Whole seconds until a running countdown closes the session; None if none runs."""
    closes = settings["closes_at"]
    at = datetime.fromisoformat(closes.replace("Z", "+00:00")) if closes else None
    return core.seconds_left(at, datetime.now(UTC))


def start_countdown(code: str) -> None:
    at = datetime.now(UTC) + timedelta(seconds=core.COUNTDOWN_S)
    resources.get_store().set_stage(code, closes_at=iso(at))


def cancel_countdown(code: str) -> None:
    resources.get_store().set_stage(code, closes_at=None)


def clear_demo(code: str) -> None:
    n = resources.get_store().clear_demo(code)
    resources.forget_room(code)
    st.toast(
        ngettext(
            "Removed {n} demo response from {code}.", "Removed {n} demo responses from {code}.", n
        ).format(n=n, code=code)
    )


def phrase_tag(phrase: str) -> str:
    """A phrase as part of a widget's key (a page class name): letters and digits only."""
    return hashlib.sha1(phrase.encode()).hexdigest()[:12]


def pick_key(code: str, question_id: str, phrase: str) -> str:
    """The key of a queued phrase's checkbox ("many at once")."""
    return f"pick_{code}_{question_id}_{phrase_tag(phrase)}"


def moderate(code: str, question_id: str, phrases: list[str], state: str) -> None:
    """Approve or hide phrases, for every stage and worker; a picked phrase is unpicked."""
    n = resources.get_store().moderate(code, question_id, phrases, state)
    for phrase in phrases:
        st.session_state.pop(pick_key(code, question_id, phrase), None)
    if n > 1 and state == words.APPROVED:
        st.toast(_("Approved: {n} phrases.").format(n=n))
    elif n > 1:
        st.toast(_("Hidden: {n} phrases.").format(n=n))


def moderate_picked(code: str, question_id: str, queued: list[str], state: str) -> None:
    """Approve or hide the queued phrases whose box is ticked."""
    picked = [p for p in queued if st.session_state.get(pick_key(code, question_id, p))]
    if not picked:
        st.toast(_("Tick the phrases first."))
        return
    moderate(code, question_id, picked, state)


def set_auto_approve(code: str, on: bool) -> None:
    """Approve automatically, or stop: then what the room has seen meanwhile stays on the
    stage (it is approved), and new phrases wait in the queue again."""
    store = resources.get_store()
    if not on:
        for o in resources.get_questionnaire().open:
            seen = words.room(store, code, o.id, open_question.blocklist())
            queued = [p.text for p in seen if p.state == words.QUEUE]
            store.moderate(code, o.id, queued, words.APPROVED)
    store.set_auto_approve(code, on)


def new_link(code: str) -> None:
    resources.get_store().new_stage_token(code)
    st.toast(_("New stage link made: the old one no longer works."))


# ---------------------------------------------------------------- panels


def status(code: str) -> None:
    """The live strip: counts, state, countdown (and the close it triggers)."""
    s = resources.get_store()
    s.settle_countdown(code, now_iso())
    session = s.get_session(code)
    facilitator_language.speak_session(session)  # a timed fragment runs without the page's top
    with resources.room(code) as r:
        counts = aggregate.live_counts(r, bool(session["is_open"]))
    row = st.container(horizontal=True)
    # Real participants, as every export and the report count them; demo rows apart.
    row.metric(_("Answers complete"), counts.complete)
    if session["is_open"]:
        window = int(aggregate.ANSWERING_WINDOW.total_seconds() // 60)
        row.metric(
            _("Answering now"),
            counts.answering,
            help=_answering_help(window, counts.idle),
        )
    else:
        row.metric(
            _("Did not finish"),
            counts.did_not_finish,
            help=_("Had begun but not finished when the session closed"),
        )
    if counts.demo:
        row.metric(
            _("Demo responses"), counts.demo, help=_("Synthetic rehearsal data, not counted")
        )
    st.caption(_(SESSION_STATES[bool(session["is_open"]), bool(session["revealed"])]))
    if note := version_note(s.version_mix(code)):
        st.info(note)


SESSION_STATES = {  # (open, revealed): the line under the live counts
    (True, True): N_("The session is open to new answers; results shown on the stage."),
    (True, False): N_("The session is open to new answers; results hidden."),
    (False, True): N_("The session is closed to new answers; results shown on the stage."),
    (False, False): N_("The session is closed to new answers; results hidden."),
}


def _answering_help(window: int, idle: int) -> str:
    if idle:
        return ngettext(
            "Begun, with a page stored in the last {window} minutes; {n} more begun earlier "
            "has stopped",
            "Begun, with a page stored in the last {window} minutes; {n} more begun earlier "
            "have stopped",
            idle,
        ).format(window=window, n=idle)
    return _("Begun, with a page stored in the last {window} minutes").format(window=window)


def version_note(mix: VersionMix) -> str:
    """What the console says when the questionnaire file changed during the session."""
    if not mix.changed:
        return ""
    at = ""
    if mix.current_since:
        local = datetime.fromisoformat(mix.current_since.replace("Z", "+00:00")).astimezone()
        at = f"{local:%H:%M}"
    n = mix.finishing_earlier
    if at and n:
        text = ngettext(
            "The questionnaire file changed at {time}: new participants get the new version; "
            "{n} person is still finishing the earlier one.",
            "The questionnaire file changed at {time}: new participants get the new version; "
            "{n} people are still finishing the earlier one.",
            n,
        )
    elif n:
        text = ngettext(
            "The questionnaire file changed: new participants get the new version; "
            "{n} person is still finishing the earlier one.",
            "The questionnaire file changed: new participants get the new version; "
            "{n} people are still finishing the earlier one.",
            n,
        )
    elif at:
        text = _("The questionnaire file changed at {time}: new participants get the new version.")
    else:
        text = _("The questionnaire file changed: new participants get the new version.")
    text = text.format(time=at, n=n)
    if done := mix.complete_earlier:
        earlier = ngettext(
            "In this session, {n} finished answer was given to an earlier version.",
            "In this session, {n} finished answers were given to an earlier version.",
            done,
        )
        text += " " + earlier.format(n=done)
    return text


def hold_toggle(code: str) -> None:
    """The switch that keeps participants' room comparisons back until results are shown."""
    st.toggle(
        _("Hold participants' room comparisons until the results are shown"),
        key=_key("hold", code),
        on_change=set_hold,
        args=(code,),
        help=_(
            "Their own score and profile still show; the comparison with the room "
            "appears once you show the results."
        ),
    )


def view_title(code: str):
    """The views' ids and their numbered titles in the language spoken now (a dict's
    lookup, so the titles stay those of the run that drew them)."""
    vs = core.views(resources.get_questionnaire())
    titles = {v.id: f"{n}. {v.title}" for n, v in enumerate(vs, 1)}
    return list(titles), titles.__getitem__


def preview(code: str) -> None:
    """The stage itself, shrunk: a 16:9 frame the stylesheet scales down. Its link is
    relative, so the preview works whatever SURVEY_PUBLIC_URL says."""
    token = resources.get_store().stage(code)["token"]
    st.html(PREVIEW_STYLE)
    with st.container(key="stage-preview"):
        st.iframe(core.stage_link("", code, token), height=400)


# The preview frame holds a 1920x1080 stage drawn at a third of its size.
PREVIEW_STYLE = """<style>
.st-key-stage-preview { aspect-ratio: 16 / 9; position: relative; overflow: hidden;
  border: 1px solid #C9C5D6; border-radius: 6px; }
.st-key-stage-preview iframe { position: absolute; top: 0; left: 0; width: 300%;
  height: 300% !important; transform: scale(0.3333); transform-origin: 0 0; border: 0; }
</style>"""
