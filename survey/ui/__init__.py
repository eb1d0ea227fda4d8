"""The Streamlit glue: the only package under survey/ that imports streamlit (with
serving/serve.py).

- `resources`: the questionnaire, the store and the live room, cached per process.
- `gate`: the facilitator passcode form.
- `participant`: widgets and the URL mapped to and from `survey.flow`, and the result.
- `browser`: our own constant style sheet and scripts (scroll to top, focus, share sheet).
- `facilitator`: session actions, join link and QR code.
- `stage`: the projector's page, drawn from `survey.stage`'s rules.
- `console`: the facilitator's controls for the stage.

The core modules never import streamlit, and caches live here rather than in the core
(they would leak between AppTest runs).
"""
