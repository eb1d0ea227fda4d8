"""The session report's page of the room's own words: for each open question, the
phrases the stage may show (approved, or given by enough people), with how many people
gave each, and their word cloud as a picture. What the facilitator hid and what the
blocklist caught are only counted. Every phrase is escaped: text, never markup."""

from __future__ import annotations

import base64
import html

from survey import cloud, htmldoc, words
from survey.questionnaire import Questionnaire
from survey.store import Store

INK = "#262730"


def sections(store: Store, code: str, include_demo: bool = False) -> list[str]:
    """One report page per open question of the session, from what the store holds now."""
    blocklist = words.Blocklist.load(*words.blocklist_paths())
    return [
        page(
            store.q,
            o.id,
            words.room(store, code, o.id, blocklist, include_demo=include_demo),
        )
        for o in store.q.open
    ]


def page(q: Questionnaire, question_id: str, phrases: list[words.Phrase]) -> str:
    """The page for one open question, from its tallied phrases (see `words.tally`)."""
    asked = q.open_question(question_id).text
    shown = [p for p in phrases if p.shown]
    left = len(phrases) - len(shown)
    body = f"<p>{html.escape(asked)}</p>"
    if not shown:
        body += '<p class="few">No phrase of the room was approved for showing.</p>'
    else:
        drawn = cloud.draw({p.text: p.people for p in shown}, INK, q.theme.accent)
        data = base64.b64encode(drawn.png).decode("ascii")
        body += (
            f'<img class="cloud" src="data:image/png;base64,{data}"'
            f' alt="{html.escape(drawn.alt, quote=True)}" style="width: 100%">'
        )
        rows = [
            [html.escape(p.text), htmldoc.stat(f"said_{i}", p.people)] for i, p in enumerate(shown)
        ]
        body += htmldoc.table(["Phrase (normalised)", "People"], rows, small=True)
    if left:
        body += (
            f'<p class="note">{left} more phrases are left out: hidden by the facilitator, '
            "caught by the blocklist, or waiting for approval. The export holds every answer "
            "as written.</p>"
        )
    return htmldoc.page(f"words-{question_id}", "In the room's words", body)
