"""The websocket protocol driver moved to tests/protocol.py (the tests drive the app with it,
and bench builds on the tests, never the reverse); its names stay importable from here."""

from tests.protocol import (  # noqa: F401 - re-exported
    ADVANCE_LABELS,
    STEP_TIMEOUT_S,
    Browser,
    JourneyError,
    Screen,
    Widget,
)
