"""The stage's numbers for one poll, memoised per process on the session's change
counter and the stage's settings, so an idle poll works nothing out again.

What the numbers may be is `survey.stage.figures`' rule; this module only keeps them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from survey import aggregate, publishing
from survey import stage as core
from survey.ui import resources


@dataclass(frozen=True)
class Numbers:
    everyone: aggregate.Summary  # the room's published responses, at the threshold in force
    shown: aggregate.Summary  # the segment (or the room again)
    segmented: bool
    groups: core.Groups
    threshold: float
    answering: int  # unfinished with a page stored within aggregate.ANSWERING_WINDOW
    more_needed: int  # finishers still needed before the room has a published group of k
    key: tuple  # what the figures were worked out for: same key, same figures (and charts)


# Module-level, not st.cache_resource: any browser tab can send Streamlit's `clear_cache`
# message, which empties every st.cache_* for the whole server. Kept here, the figures
# survive it: the message no longer makes the stage work its figures out again.
_memo: dict[tuple, tuple[core.Figures, int]] = {}  # key -> (figures, finishers needed)
_memo_lock = threading.Lock()


def numbers(code: str, settings: dict) -> Numbers:
    """The stage's numbers, memoised on the session's change counter and the settings:
    an idle poll rebuilds nothing."""
    q = resources.get_questionnaire()
    threshold = settings["threshold"] if settings["threshold"] is not None else q.threshold
    seg = (settings["segment_id"], settings["segment_value"])
    k = aggregate.min_group()
    with resources.room(code) as r:
        key = (resources.get_store().path, code, r.version, r.removed, r.epoch, threshold, seg, k)
        with _memo_lock:
            held = _memo.get(key)
            if held is None:
                if len(_memo) > 64:
                    _memo.clear()
                held = _memo[key] = (core.figures(r, threshold, seg, k), _more_needed(r, k))
        answering = r.n_answering()  # outside the memo: it changes as time passes
    f, more = held
    return Numbers(f.everyone, f.shown, f.segmented, f.groups, f.threshold, answering, more, key)


def _more_needed(r: aggregate.Room, k: int) -> int:
    """Finishers still needed before the room has a published group of k: a replay of
    every finish (publishing.publication), so it is worked out once per change, too."""
    more = publishing.publication(r, k).more_needed(k)  # real and demo rows step apart
    return min(more, max(k - r.n_demo, 0)) if r.n_demo else more
