"""The Streamlit glue: the only package under survey/ that imports streamlit (with
serving/serve.py).

- `resources`: the questionnaire, the store and the live room, cached per process.
- `gate`: the facilitator passcode form.
- `participant`: widgets and the URL mapped to and from `survey.flow`, and the result;
  `language` (the participant's language), `widgets` (the page's widget values),
  `unavailable` (the page while the database cannot be used).
- `browser`: our own constant style sheet and scripts (scroll to top, focus, share sheet).
- `facilitator`: session actions, join link and QR code.
- `stage`: the projector's page, drawn from `survey.stage`'s rules.
- `console`: the facilitator's controls for the stage; `facilitator_language`: the
  facilitator's pages' language and a session's stage and console language.

Importing it makes `survey.i18n` speak each browser session's language (`LANGUAGE`).

The core modules never import streamlit, and caches live here rather than in the core
(they would leak between AppTest runs).
"""

from streamlit import session_state
from streamlit.runtime.scriptrunner import get_script_run_ctx

from survey import i18n

LANGUAGE = "language"  # the browser session's language (st.session_state), see survey/i18n.py


def _session_language() -> str | None:
    """The language this browser session chose: read on every `_()` of a page run, a widget
    callback or a timed fragment, which all run where the session's state is."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None  # not a page run (a plain test, a worker's start)
    return session_state.get(LANGUAGE)


i18n.register_reader(_session_language)
