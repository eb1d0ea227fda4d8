"""The participant's address read: what ?s=CODE&p=TOKEN&l=LANGUAGE asks of a browser
session's place (`flow.link` is the address that brings a place back), and which
language a link or a browser asks for.

Pure, like `survey.flow`: the glue (`survey/ui/participant.py`) reads the address and
writes `flow.link(place)` back; the service (`survey.participant.open_link`) acts on
`action`.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey import flow
from survey.flow import Place

RESUME, RESTORE_LINK, JOIN = "resume", "restore_link", "join"


def action(
    place: Place, url_code: str | None, url_token: str | None, url_language: str | None = None
) -> str | None:
    """What a rerun must do to match the address the browser holds (a link opened, a
    page switch that dropped the query string), or None if they agree."""
    if url_token and not (place.stored and url_token == place.token):
        return RESUME
    if place.stored and not url_token:
        return RESTORE_LINK
    if url_code and not url_token and url_code.strip().upper() != place.code:
        return JOIN
    if flow.link(place).get("l") not in (None, url_language):
        return RESTORE_LINK  # the language settled differs from the link's (or it had none)
    return None


def spoken(languages: Sequence[str], *wanted: str | None) -> str:
    """The first of the `wanted` languages (a link's, a browser's) that the questionnaire
    has, else its main language (the first): an unknown code is never an error."""
    return next((w for w in wanted if w and w in languages), languages[0])
