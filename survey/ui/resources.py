"""What every page shares in one server process: the questionnaire, the store, the room."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from survey import aggregate, questionnaire, roomstats, store, translation
from survey.i18n import _


class _Latest:
    """The value made for the most recent key; a new key replaces it.

    Every rerun asks for the questionnaire and the store several times. This
    costs one tuple comparison, where st.cache_resource hashes its arguments
    and takes locks on each call (about 5% of a participant's rerun).
    """

    def __init__(self) -> None:
        self._entry: tuple | None = None
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        entry = self._entry  # one read: another thread may replace it meanwhile
        if entry is not None and entry[0] == key:
            return entry[1]
        with self._lock:
            if self._entry is None or self._entry[0] != key:
                self._entry = (key, make())
            return self._entry[1]


_questionnaire = _Latest()  # keyed on the file's path, mtime and size, and its translations
_store = _Latest()  # keyed on the database path and the questionnaire's fingerprint
# Every questionnaire version this process has loaded, by fingerprint: a participant who
# began before the file was edited goes on with theirs (see questionnaire_version).
_versions: dict[str, questionnaire.Questionnaire] = {}


# A page run asks for the questionnaire (and the store, made from it) several times, and
# each look at the file and its translations is five stats: about half a millisecond of a
# page turn in all. The first look of a run stands for the rest of it: a script thread
# runs one page run after another, so its look is kept for RUN_LOOK_S at most.
_run_look = threading.local()
RUN_LOOK_S = 1.0


def get_questionnaire() -> questionnaire.Questionnaire:
    """The questionnaire in force. A malformed file stops the page with a plain message.
    Read again whenever the file or a translation beside it changes, as of each page run."""
    in_run = get_script_run_ctx(suppress_warning=True) is not None
    if in_run:
        looked = getattr(_run_look, "questionnaire", None)
        if looked is not None and time.monotonic() - looked[0] < RUN_LOOK_S:
            return looked[1]
    q = _looked_up()
    if in_run:
        _run_look.questionnaire = (time.monotonic(), q)
    return q


def _looked_up() -> questionnaire.Questionnaire:
    path = questionnaire.default_path()
    try:
        stat = path.stat()
        # A translation added, edited or removed beside the file reloads it too.
        key = (str(path), stat.st_mtime_ns, stat.st_size, translation.signature(path))
        return _questionnaire.get(key, lambda: _load(path))
    except FileNotFoundError:
        st.error(_("The questionnaire file {path} does not exist.").format(path=path))
    except questionnaire.QuestionnaireError as exc:
        # The problem itself stays in English: it quotes the file, for whoever edits it.
        st.error(
            _("The questionnaire file has a problem, so the survey cannot start.") + f"\n\n{exc}"
        )
    st.stop()


def _load(path: Path) -> questionnaire.Questionnaire:
    q = questionnaire.load(path)
    held = _versions.setdefault(q.fingerprint, q)
    if held is not q and held.open != q.open:
        # A translation's theme words changed: the themes are counted with the new ones.
        _versions[q.fingerprint] = held = q
    elif held is not q:  # the same questions (Rooms stay valid), translations as now on disk
        translation.refresh(held, q)
    return held


def questionnaire_version(fingerprint: str | None) -> questionnaire.Questionnaire | None:
    """The questionnaire version with this fingerprint: the one in force, one this process
    loaded earlier, or one the database kept (loaded by another worker or before a
    restart). None if none of them has it. An empty fingerprint means the one in force."""
    q = get_questionnaire()
    if not fingerprint or fingerprint == q.fingerprint:
        return q
    if fingerprint in _versions:
        return _versions[fingerprint]
    found = get_store().questionnaire(fingerprint)
    if found is not None:
        _versions.setdefault(fingerprint, found)
    return found


def store_for(q: questionnaire.Questionnaire) -> store.Store:
    """The store, reading and writing answers by the questionnaire version `q`."""
    return get_store().using(q)


def get_store() -> store.Store:
    q = get_questionnaire()
    target = store.default_target()
    return _store.get((target, q.fingerprint), lambda: store.Store(q, target))


def data_dir() -> Path:
    return store.data_dir()


# Module-level, not st.cache_resource: any browser tab can send Streamlit's `clear_cache`
# message, which empties every st.cache_* of the server at once. A room dropped that way
# was read again in full (on a 20,000-response room the p95 page turn went from 27 to
# 613 ms with one tab sending it every 0.5 s). Here nothing outside this module can drop
# a room; it is rebuilt only when its session's responses say so (see `room`).
# (database, session code) -> aggregate.Room, shared by every browser session of this process.
_rooms: dict[tuple[str, str], aggregate.Room] = {}
_room_lock = threading.Lock()


@contextlib.contextmanager
def room(code: str) -> Iterator[aggregate.Room]:
    """A survey session's responses, brought up to date incrementally and held locked
    while used.

    Keyed on the session's change counter: an idle refresh costs one indexed
    lookup, and a change reads only the rows written since the last look. A room
    rebuilt from scratch (a retake, a deletion, a restart, another worker) gives the
    same figures: they follow the order people finished in, not the order rows are read.
    """
    s = get_store()
    q = get_questionnaire()
    with _room_lock:
        version, removed = s.room_key(code) or (0, 0)
        epoch = s.room_epoch(code)  # goes up when rows are deleted (demo data cleared)
        key = (s.path, code)
        if any(path != s.path for path, _ in _rooms):  # SURVEY_DB changed (tests): let go
            for held in [k for k in _rooms if k[0] != s.path]:
                del _rooms[held]
        r = _rooms.get(key)
        # New, edited, re-created, or responses left it (a retake, a deletion, demo cleared).
        stale = r is None or r.q is not q or r.version > version
        if stale or r.removed != removed or r.epoch != epoch:
            r = _rooms[key] = aggregate.Room(q)
            r.removed, r.epoch = removed, epoch
            r.removals = s.removals(code) if removed else []
        if r.version < version:
            cols = aggregate.room_columns(q)
            r.add(*s.rows(code, since_version=r.version, columns=cols), version)
        yield r


def forget_room(code: str) -> None:
    with _room_lock:
        _rooms.pop((get_store().path, code), None)


NORM_TTL_S = 30  # "all rooms so far" reads every session: at most this often per process
_norms: dict[tuple[str, str], tuple[float, roomstats.Norm]] = {}
_norm_lock = threading.Lock()


def norm(q: questionnaire.Questionnaire) -> roomstats.Norm:
    """Every complete response under the questionnaire version `q` ("all rooms so far"),
    read at most every NORM_TTL_S per process. Module-level for the reason `_rooms` is:
    a browser's `clear_cache` must not make the server read every session again."""
    s = store_for(q)
    key = (s.path, q.fingerprint)
    with _norm_lock:
        held = _norms.get(key)
        if held is None or time.monotonic() - held[0] > NORM_TTL_S:
            if len(_norms) > 4:
                _norms.clear()
            held = _norms[key] = (time.monotonic(), roomstats.load_norm(s))
        return held[1]


def clear() -> None:
    """Drop every room and norm this process holds (tests: each uses its own database)."""
    with _room_lock:
        _rooms.clear()
    with _norm_lock:
        _norms.clear()
