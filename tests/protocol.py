"""Streamlit's websocket protocol, spoken as one browser tab does (Streamlit 1.67).

`Browser` connects to /_stcore/stream, runs a page with a query string, reads the
widgets off the deltas the server sends (`Screen`), and submits a form the way the
frontend does: every value held in the form plus trigger_value for the submit button.
It waits for script_finished and carries the query string the app sets into the next
rerun, as the browser's URL bar would. The protocol-level tests, the load runner
(tests/load.py) and the benchmarks drive the app through it.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ButtonGroup_pb2 import ButtonGroup
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

STEP_TIMEOUT_S = 60.0  # one rerun taking longer than this counts the participant as failed
ADVANCE_LABELS = ("Next", "See my result")  # the survey's forward buttons
# Headings an st.html element draws (the result's headline and sections, survey/section.py).
HTML_HEADING = re.compile(r"<(h[1-6])>(.*?)</\1>", re.S)


class JourneyError(Exception):
    """The participant could not go on: the app said no, or the connection broke."""


# ---------------------------------------------------------------- one browser tab


@dataclass(frozen=True)
class Widget:
    id: str
    kind: str  # "radio" | "pills" | "submit"
    label: str
    form_id: str
    options: tuple[str, ...] = ()
    multi: bool = False
    disabled: bool = False
    primary: bool = False

    @property
    def key(self) -> str:
        """The key given in the script: Streamlit ends generated ids with it."""
        return self.id.split("-", 2)[2] if self.id.startswith("$$ID-") else self.id


@dataclass
class Screen:
    """What one script run put on the screen."""

    widgets: list[Widget] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    errors: list[str] = field(default_factory=list)  # st.error and exceptions
    progress: str = ""

    @property
    def title(self) -> str:
        return next((text for tag, text in self.headings if tag == "h1"), "")

    def advance_form(self) -> tuple[list[Widget], Widget]:
        """The form with a forward button: its fields and that button."""
        for button in self.widgets:
            if button.kind == "submit" and not button.disabled and button.label in ADVANCE_LABELS:
                fields = [
                    w for w in self.widgets if w.form_id == button.form_id and w.kind != "submit"
                ]
                return fields, button
        raise JourneyError(f"no form to submit on the screen (title {self.title!r})")


class Browser:
    """One tab: a websocket to /_stcore/stream plus the URL and page a browser would keep."""

    def __init__(self, port: int, query_string: str, deadline: float | None = None):
        self.port = port
        self.query_string = query_string
        self.page_hash = ""  # the browser starts at "/" and learns the page from `navigation`
        self.deadline = deadline
        self.ws: websocket.WebSocket | None = None

    @property
    def params(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.query_string))

    def open(self) -> Screen:
        """Load the page, then open its websocket and run the script, as a browser does.

        The page's HTML comes first: behind nginx (survey.serving.cluster) its response
        carries the routing cookie that keeps this tab on one worker.
        """
        try:
            cookie = self._load_html()
            self.ws = websocket.create_connection(
                f"ws://127.0.0.1:{self.port}/_stcore/stream",
                subprotocols=["streamlit"],
                origin=f"http://127.0.0.1:{self.port}",
                cookie=cookie,
                timeout=self._timeout(),
                skip_utf8_validation=True,
            )
        except (websocket.WebSocketException, OSError, http.client.HTTPException) as exc:
            raise JourneyError(f"connect failed ({type(exc).__name__})") from exc
        return self.rerun([])

    def _load_html(self) -> str | None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self._timeout())
        try:
            conn.request("GET", f"/?{self.query_string}")
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise JourneyError(f"the page answered HTTP {resp.status}")
            cookies = [c.split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or []]
            return "; ".join(cookies) or None
        finally:
            conn.close()

    def idle(self, stop: threading.Event) -> None:
        """Stay connected like an open tab: keep reading, so server pings get their pongs."""
        self.ws.settimeout(1)
        while not stop.is_set():
            try:
                self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError) as exc:
                raise JourneyError(f"connection lost while idle ({type(exc).__name__})") from exc

    def submit(self, values: dict[Widget, object], button: Widget, repeat: int = 1) -> Screen:
        """A form submit: one rerun with every value held in the form, plus the trigger.
        With `repeat`, the same submit is sent that many times back to back, as a
        double (or triple) click sends it before the first answer arrives."""
        states = [_state(w, v) for w, v in values.items() if v is not None]
        states.append(WidgetState(id=button.id, trigger_value=True))
        return self.rerun(states, repeat)

    def rerun(self, states: list[WidgetState], repeat: int = 1) -> Screen:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = self.page_hash
        cs.widget_states.widgets.extend(states)
        ctx = cs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url = f"http://127.0.0.1:{self.port}/"  # as a browser sends it: no query string
        ctx.color_scheme = "light"
        self.ws.settimeout(self._timeout())
        for _ in range(repeat):
            self.ws.send_binary(msg.SerializeToString())
        return self._read_run()

    def _timeout(self) -> float:
        if self.deadline is None:
            return STEP_TIMEOUT_S
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise JourneyError("time limit")
        return min(STEP_TIMEOUT_S, left)

    def _read_run(self) -> Screen:
        screen = Screen()
        while True:
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException as exc:
                raise JourneyError("timeout waiting for script_finished") from exc
            except (websocket.WebSocketException, OSError) as exc:
                raise JourneyError(f"connection lost ({type(exc).__name__})") from exc
            if not data:
                raise JourneyError("connection closed by the server")
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # every script run starts with one
                screen = Screen()
            elif kind == "delta":
                _read_delta(msg, screen)
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                raise JourneyError("page not found")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun / st.switch_page: the next run follows at once
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise JourneyError("script failed to compile")
                return screen

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(websocket.WebSocketException, OSError):
                self.ws.close(timeout=1)
            self.ws = None


def _read_delta(msg: ForwardMsg, screen: Screen) -> None:
    if msg.delta.WhichOneof("type") != "new_element":
        return
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind == "radio":
        r = el.radio
        screen.widgets.append(
            Widget(r.id, "radio", r.label, r.form_id, tuple(r.options), disabled=r.disabled)
        )
    elif kind == "button_group":
        g = el.button_group
        screen.widgets.append(
            Widget(
                g.id,
                "pills",
                g.label,
                g.form_id,
                tuple(o.content for o in g.options),
                multi=g.click_mode == ButtonGroup.MULTI_SELECT,
                disabled=g.disabled,
            )
        )
    elif kind == "button" and el.button.is_form_submitter:
        b = el.button
        screen.widgets.append(
            Widget(
                b.id, "submit", b.label, b.form_id, disabled=b.disabled, primary=b.type == "primary"
            )
        )
    elif kind == "heading":
        screen.headings.append((el.heading.tag, el.heading.body))
    elif kind == "html":
        screen.headings += [(t, html.unescape(b)) for t, b in HTML_HEADING.findall(el.html.body)]
    elif kind == "alert" and el.alert.format == el.alert.ERROR:
        screen.errors.append(el.alert.body)
    elif kind == "exception":
        screen.errors.append(f"{el.exception.type}: {el.exception.message}")
    elif kind == "progress":
        screen.progress = el.progress.text


def _state(widget: Widget, value: object) -> WidgetState:
    # Radios travel as the displayed option text; pills as a list of option texts.
    if widget.kind == "radio":
        return WidgetState(id=widget.id, string_value=str(value))
    if widget.kind == "pills":
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(value)
        return state
    raise ValueError(f"cannot fill a {widget.kind}")
