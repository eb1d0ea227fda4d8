"""Streamlit glue shared by the pages: cached resources, the passcode gate, presenter style.

The only module under survey/ that imports streamlit. The core modules never
import it, and caches live here rather than in the core (they would leak
between AppTest runs).
"""

from __future__ import annotations

import asyncio.base_events
import contextlib
import gc
import os
import resource
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from survey import aggregate, auth, charts, codes, export, participant, qr
from survey import questionnaire as qmod
from survey import store as smod

REFRESH_S = float(os.environ.get("SURVEY_REFRESH_S", "2.5"))  # dashboard live refresh
MIN_GROUP = int(os.environ.get("SURVEY_MIN_GROUP", "5"))  # k: smallest group shown


class _Latest:
    """The value made for the most recent key; a new key replaces it.

    Every rerun asks for the questionnaire and the store several times. This
    costs one tuple comparison, where st.cache_resource hashes its arguments
    and takes locks on each call (about 5% of a participant's rerun).
    """

    def __init__(self) -> None:
        self._entry: tuple | None = None
        self._lock = threading.Lock()

    def get(self, key: tuple, make):
        entry = self._entry  # one read: another thread may replace it meanwhile
        if entry is not None and entry[0] == key:
            return entry[1]
        with self._lock:
            if self._entry is None or self._entry[0] != key:
                self._entry = (key, make())
            return self._entry[1]


_questionnaire = _Latest()  # keyed on the file's path, mtime and size
_store = _Latest()  # keyed on the database path and the questionnaire's fingerprint


def questionnaire() -> qmod.Questionnaire:
    """The questionnaire in force. A malformed file stops the page with a plain message."""
    path = qmod.default_path()
    try:
        stat = path.stat()
        return _questionnaire.get(
            (str(path), stat.st_mtime_ns, stat.st_size), lambda: qmod.load(path)
        )
    except FileNotFoundError:
        st.error(f"The questionnaire file {path} does not exist.")
    except qmod.QuestionnaireError as exc:
        st.error(f"The questionnaire file has a problem, so the survey cannot start.\n\n{exc}")
    st.stop()


def store() -> smod.Store:
    q = questionnaire()
    path = smod.default_path()
    return _store.get((str(path), q.fingerprint), lambda: smod.Store(q, path))


# ---------------------------------------------------------------- room data


@st.cache_resource(show_spinner=False)
def _rooms() -> dict:
    # session code -> aggregate.Room, shared by every browser session of this process.
    return {}


_room_lock = threading.Lock()


@contextlib.contextmanager
def room(code: str) -> Iterator[aggregate.Room]:
    """A session's responses, brought up to date incrementally and held locked while used.

    Keyed on the session's change counter: an idle refresh costs one indexed
    lookup, and a change reads only the rows written since the last look.
    """
    s = store()
    q = questionnaire()
    with _room_lock:
        rooms = _rooms()
        version = s.session_version(code) or 0
        r = rooms.get(code)
        if r is None or r.q is not q or r.version > version:  # new, edited, or re-created
            r = rooms[code] = aggregate.Room(q)
        if r.version < version:
            cols = aggregate.room_columns(q)
            r.add(*s.rows(code, since_version=r.version, columns=cols), version)
        yield r


@dataclass(frozen=True)
class DashboardView:
    everyone: aggregate.Summary
    view: aggregate.Summary  # the chosen segment (everyone if none)
    figures: dict[str, go.Figure]


def dashboard_view(
    code: str, threshold: float, seg: tuple = (None, None), big: bool = True
) -> DashboardView:
    """Numbers and figures for the live panels, memoised on (session, change counter,
    view settings): an idle refresh rebuilds nothing."""
    memo = _summaries()
    with room(code) as r:
        key = (code, r.version, threshold, seg, big)
        if key not in memo:
            if len(memo) > 64:
                memo.clear()
            everyone = aggregate.summarise(r, threshold)
            view = aggregate.summarise(r, threshold, seg) if seg != (None, None) else everyone
            memo[key] = DashboardView(everyone, view, _figures(view, threshold, big))
        return memo[key]


def _figures(s: aggregate.Summary, threshold: float, big: bool) -> dict[str, go.Figure]:
    q = questionnaire()
    if s.n_complete == 0:
        return {}
    hypothetical = threshold != q.threshold
    return {
        "split": charts.split_bar(s, big),
        "hist": charts.histogram(s, threshold, big, hypothetical),
        "dims": charts.dimension_bars(s, q, big),
        "likert": charts.likert_bars(s, q, big),
        "timeline": charts.timeline(s, big),
    }


@st.cache_resource(show_spinner=False)
def _summaries() -> dict:
    return {}


# ---------------------------------------------------------------- facilitator gate


def _passcode() -> str:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml at all: that is the normal case
        secrets = {}
    return auth.resolve_password(os.environ, secrets, data_dir())[0]


@st.cache_resource(show_spinner=False)
def announce_passcode() -> None:
    """Make (and log) the generated passcode as soon as the app is first opened."""
    _passcode()


def require_facilitator() -> None:
    """Show the passcode form and stop the page unless this browser session is signed in."""
    gate: auth.Gate = st.session_state.setdefault("facilitator_gate", auth.Gate())
    if gate.ok:
        return
    st.title("Facilitator sign-in")
    st.write("This page shows the room's answers, so it needs the facilitator passcode.")
    locked = gate.seconds_locked(time.time())
    with st.form("signin"):
        given = st.text_input("Passcode", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted and not locked:
        outcome = gate.attempt(given, _passcode(), time.time())
        if outcome == "ok":
            st.rerun()
        if outcome == "wrong":
            left = auth.MAX_TRIES - gate.failures
            tries = "1 try" if left == 1 else f"{left} tries"
            st.error(f"That passcode is not right. {tries} left before a short pause.")
        locked = gate.seconds_locked(time.time())
    if locked:
        st.error(f"Too many wrong tries. Wait {locked} seconds, then try again.")
    st.caption(
        "The passcode is printed in the server log on first start, or set with "
        "SURVEY_ADMIN_PASSWORD. See the README."
    )
    st.stop()


def presenter_style() -> None:
    """Bigger type for the projector. A fixed stylesheet of ours: no user text goes in here."""
    st.html(
        """<style>
        [data-testid="stMetricValue"] { font-size: 4rem; }
        [data-testid="stMetricLabel"] p { font-size: 1.5rem; }
        .stApp h1 { font-size: 4.5rem; }
        [data-testid="stText"], .stApp p { font-size: 1.4rem; }
        .stApp [data-testid="stMetricValue"] p { font-size: 4rem; }
        </style>"""
    )


def join_url(code: str, page_path: str = "") -> str:
    """The link participants open: SURVEY_PUBLIC_URL if set, else what this browser used."""
    base = os.environ.get("SURVEY_PUBLIC_URL") or _browser_base_url(page_path)
    return f"{base.rstrip('/')}/?s={code}"


def _browser_base_url(page_path: str) -> str:
    url = None
    # The address this browser used, without the query string. Outside a browser
    # session (AppTest) there is none: fall back to the Host header.
    with contextlib.suppress(Exception):
        url = st.context.url
    if not url:
        return f"http://{st.context.headers.get('Host') or 'localhost:8501'}"
    url = url.rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url


def data_dir() -> Path:
    return smod.default_path().parent


# ---------------------------------------------------------------- participant flow
# The participant's place lives in st.session_state["participant"] and in the
# URL (?s=CODE&p=TOKEN), so a refresh or a reconnect resumes where they were.


def participant_state(q: qmod.Questionnaire, s: smod.Store) -> dict:
    """This browser session's place in the survey, synced with the URL and the database."""
    state = st.session_state.setdefault("participant", {})
    token = st.query_params.get("p")
    code = st.query_params.get("s")
    if token and token != state.get("token"):
        _resume(state, q, s, token)
    elif state.get("token") and not token:
        # A page switch dropped the query string: put the participant's link back.
        st.query_params.update({"s": state["code"], "p": state["token"]})
    elif code and not token and code.strip().upper() != state.get("code"):
        join_session(code)
    return state


def _resume(state: dict, q: qmod.Questionnaire, s: smod.Store, token: str) -> None:
    row = s.get_response(token)
    state.clear()
    if row is None:
        state["notice"] = "We could not find answers for that link. You can start afresh below."
        del st.query_params["p"]
        return
    if row["fingerprint"] != q.fingerprint and row["status"] != smod.COMPLETE:
        state["notice"] = "The questionnaire changed since you started, so please start again."
        del st.query_params["p"]
        _enter(state, s.get_session(row["session_code"]))
        return
    _enter(state, s.get_session(row["session_code"]))
    state.update(
        token=token,
        page=min(row["page"], q.page_count - 1),
        answers=participant.answers_from_row(q, row),
        profile=participant.profile_from_row(q, row),
        complete=row["status"] == smod.COMPLETE,
    )
    st.query_params.update({"s": row["session_code"], "p": token})


def _enter(state: dict, session: dict) -> None:
    state.update(
        code=session["code"],
        title=session["title"],
        token=None,
        page=0,
        answers={},
        profile={},
        complete=False,
    )


def join_session(raw_code: str) -> None:
    state = st.session_state.setdefault("participant", {})
    joined = participant.join(store(), raw_code)
    state.clear()
    if joined.session is None:
        state["notice"] = joined.message
        st.query_params.clear()
        return
    _enter(state, joined.session)
    st.query_params.clear()
    st.query_params["s"] = joined.session["code"]


def join_from_form() -> None:
    join_session(st.session_state.get("join_code", ""))


def start_over() -> None:
    code = st.session_state["participant"]["code"]
    join_session(code)


def submit_page(page: int, direction: int) -> None:
    """Form callback: save this page's answers, then move on, back, or to the result."""
    q, s = questionnaire(), store()
    state = st.session_state["participant"]
    if page != state.get("page") or state.get("complete"):
        return  # a second click on a form that has already moved on
    pages, k = q.pages(), page
    if k < len(pages):
        given = {it.id: st.session_state.get(f"q_{it.id}") for it in pages[k]}
        state["answers"].update({i: v for i, v in given.items() if v is not None})
        missing = participant.missing(pages[k], state["answers"]) if direction > 0 else []
    else:
        state["profile"] = {p.id: st.session_state.get(f"pr_{p.id}") for p in q.profile}
        missing = []
    state["missing"] = [it.text for it in missing]
    target = k if missing else k + direction
    if not state["answers"] and not state["token"]:
        state["page"] = max(target, 0) if not missing else k
        return
    if target >= q.page_count:
        saved = participant.finish(
            s, state["code"], state["token"], state["answers"], state["profile"], k
        )
    else:
        profile = participant.profile_to_row(q, state["profile"])
        saved = s.save_page(state["code"], state["token"], state["answers"], profile, target)
    if saved.outcome == "closed":
        state["notice"] = "This session has closed, so your answers were not saved."
        return
    if saved.outcome == "unknown_session":
        state["notice"] = "This session no longer exists, so your answers were not saved."
        return
    state["token"] = saved.token
    st.query_params.update({"s": state["code"], "p": saved.token})
    if target >= q.page_count or saved.outcome == "already_complete":
        state["complete"] = True
    else:
        state["page"] = target


# ---------------------------------------------------------------- facilitator actions


def create_session(title: str, code: str = "") -> str | None:
    """Create a session from the form; show a plain message and return None on bad input."""
    try:
        return store().create_session(title, code.strip() or None)
    except (smod.StoreError, codes.CodeError) as exc:
        st.error(str(exc))
        return None


def set_open(code: str, is_open: bool) -> None:
    store().set_open(code, is_open)


def set_revealed(code: str, revealed: bool) -> None:
    store().set_revealed(code, revealed)


def delete_session(code: str) -> None:
    n = store().delete_session(code)
    _rooms().pop(code, None)
    st.toast(f"Deleted session {code} and its {n} responses.")


@st.cache_data(show_spinner=False, max_entries=100)
def qr_png(url: str) -> bytes:
    return qr.png(url)


RELIABILITY_COLUMNS = {
    "dimension": "Dimension",
    "alpha": st.column_config.NumberColumn("Cronbach's α", format="%.2f"),
    "n": st.column_config.NumberColumn("n"),
    "item": "Item",
    "reverse": st.column_config.CheckboxColumn("Reverse-keyed"),
    "item_total_r": st.column_config.NumberColumn("Item-total r (corrected)", format="%.2f"),
    "flag": st.column_config.TextColumn("Below 0.2"),
}


def export_preview(scope: str | None, include_incomplete: bool) -> pd.DataFrame:
    """The first rows of the export, parsed back from the real CSV bytes."""
    return export.preview(store(), scope, include_incomplete)


# ---------------------------------------------------------------- serving
# `python -m survey.serve` (what `make run` does) is `streamlit run app.py` plus two
# fixes for Streamlit 1.67.
#
# Navigation. Because the project has a `pages/` folder, Streamlit starts in its old
# folder-based mode until app.py first calls `st.navigation`. On a fresh server whose
# first visitor opens /sessions or /dashboard directly (a facilitator after a restart),
# that page would run without app.py: folder-named links, no page config. We tell
# Streamlit up front that app.py's `st.navigation` rules.
#
# Latency. Streamlit 1.67 binds its listening socket without naming the TCP protocol,
# and asyncio only turns on TCP_NODELAY for sockets that do. Every connection then runs
# with Nagle's algorithm, so the tail of each rerun's messages waits for the client's
# delayed ACK: 40 ms added to every click and every dashboard refresh (BENCHMARKS.md).

APP = Path(__file__).resolve().parent.parent / "app.py"


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


OPEN_FILES = 65_536  # every connected phone holds a socket, and its reruns a database file


def raise_open_files_limit() -> int:
    """Raise this process's open-files limit towards OPEN_FILES; returns the limit in force.

    Debian's default soft limit is 1,024 and macOS's 256: a room of a thousand phones
    would run out of sockets. The hard limit, set by the administrator, is respected.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    for limit in (want, 10_240):  # macOS refuses more than OPEN_MAX (10,240) per process
        if soft >= limit:
            return soft
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
            return limit
        except (ValueError, OSError):
            continue
    return soft


def serve(argv: list[str] | None = None) -> None:
    """Run the Streamlit server on app.py with the two fixes above, a calmer GC and room
    for many connections."""
    asyncio.base_events._set_nodelay = _set_nodelay
    raise_open_files_limit()
    # Everything imported so far lives as long as the server: keep it out of every
    # collection, and collect the young generation every 10,000 allocations instead of
    # 700. 1,000 people joining over a minute made ~2,000 collections (~6% of the
    # server's CPU) with Python's defaults, ~420 (1.5%) with these (BENCHMARKS.md).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # what app.py's st.navigation sets anyway
    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(APP), *args]
    sys.exit(cli.main())


def show_result(q: qmod.Questionnaire, s: smod.Store, state: dict) -> None:
    """The participant's result: class, score, profile, the room, tips."""
    row = s.get_response(state["token"])
    result = participant.result_from_row(q, row)
    with room(state["code"]) as r:
        n, share_below = r.n, r.share_below(result.overall)
        means = r.dimension_means() if n >= participant.ROOM_MIN else None
    believer = result.klass == "believer"
    st.caption("Your result")
    st.title("You're a Believer" if believer else "You're a Spectator")
    scores = st.container(horizontal=True)
    scores.metric("Your score", f"{result.overall:.0f} / 100")
    scores.metric("Believer from", f"{q.threshold:g}")
    st.write(
        "You live social media: you post, share and join in, and it shows in how you see it."
        if believer
        else "You watch more than you take part. The essay's point: the *why* comes from living it."
    )
    st.subheader("Your profile")
    for bar in participant.profile_bars(q, result, means):
        st.progress(bar.you, text=bar.label)
    if means:
        st.success(
            f"You scored higher than {share_below:.0f}% of the {n} people in this session so far."
        )
    else:
        st.info(
            f"{aggregate.more_responses(participant.ROOM_MIN - n)} needed before you can "
            "compare yourself with the room."
        )
        st.button("Check again")
    st.subheader("Tips for you")
    for dim_id in result.weakest(2):
        dim = q.dimension(dim_id)
        st.markdown(
            f"**{dim.name}** ({result.dimension_scores[dim_id]:.0f}): {dim.description}\n\n"
            + "\n".join(f"- {tip}" for tip in dim.tips)
        )
    st.info("Want to be a better social media marketer? **Begin living it.**")
    st.button("Take it again", on_click=start_over)
