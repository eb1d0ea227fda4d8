"""The open question's glue for participants: its field on the last page, and "what the
room said" on the result page. The words' rules are survey/words.py's; the field's value
travels with the profile answers (`participant.profile_key`), so a refresh or Back keeps
what was typed, and the store tidies or refuses it."""

from __future__ import annotations

import re

import streamlit as st

from survey import flow, words
from survey.i18n import N_, _
from survey.questionnaire import Questionnaire
from survey.store import Store
from survey.ui import participant

ON_STAGE = N_(
    "Optional. The room's answers appear on the projector as a word cloud once the "
    "facilitator approves them, so please leave out names."
)
# Every character Markdown could read as syntax is escaped: the phrases are plain words
# already (survey/words.py), and stay plain text however the normaliser changes.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def plain(text: str) -> str:
    """`text` with every Markdown character escaped, for a label or a line of Markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


def fields(q: Questionnaire, here: flow.Place) -> None:
    """The open questions' text fields, inside the last page's form, with their limit
    counted as one types."""
    for o in q.open:
        typed = here.profile.get(o.id)
        st.text_input(
            o.text,
            value=typed if isinstance(typed, str) else "",
            max_chars=o.max_chars,
            placeholder=_("A few words"),
            key=participant.profile_key(o.id),
        )
    if q.open:
        st.caption(_(ON_STAGE))


_blocklists: dict[tuple, words.Blocklist] = {}  # by the files' stamp: the newest only


def blocklist() -> words.Blocklist:
    """The shipped and the event's blocklist, read again whenever either file changes.
    Held here, not in st.cache_resource: no browser's `clear_cache` can drop it."""
    stamp = words.blocklist_stamp()
    held = _blocklists.get(stamp)
    if held is None:
        held = words.Blocklist.load(*words.blocklist_paths())
        _blocklists.clear()
        _blocklists[stamp] = held
    return held


# The room's tally of phrases by everything it depends on: (database, session, question,
# the session's words_key, the blocklists' stamp). Module-level, not st.cache_data: that
# hashed its arguments and unpickled a copy of the list on every result page, and any
# browser's `clear_cache` message emptied it. A new key replaces the old ones in time.
_tallies: dict[tuple, tuple[words.Phrase, ...]] = {}
_TALLIES = 256


def room(store: Store, code: str, question_id: str) -> tuple[words.Phrase, ...]:
    """The session's phrases for one open question as of now: every result page of the
    room shares one tally until an answer, a decision or a blocklist changes."""
    key = store.words_key(code)
    if not key:
        return ()
    held = (store.path, code, question_id, key, words.blocklist_stamp())
    tally = _tallies.get(held)
    if tally is None:
        tally = tuple(words.room(store, code, question_id, blocklist()))
        if len(_tallies) >= _TALLIES:
            _tallies.clear()
        _tallies[held] = tally
    return tally


def room_said(q: Questionnaire, store: Store, here: flow.Place) -> None:
    """On the result page: the phrases the stage shows, most given first, as plain text."""
    for o in q.open:
        shown = [p for p in room(store, here.code, o.id) if p.shown]
        if not shown:
            continue
        with st.container(key=f"room-said-{o.id}"):
            st.subheader(_("What the room said"), anchor=False)
            st.caption(o.text)
            st.markdown(
                " · ".join(
                    f"**{plain(p.text)}**" + (f" ×{p.people}" if p.people > 1 else "")
                    for p in shown[:30]
                )
            )
