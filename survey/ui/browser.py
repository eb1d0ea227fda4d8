"""What we send the browser ourselves: constant style sheets and scripts.

The stage has its own look (survey/ui/stage_look.py: no Streamlit chrome, type for the
back of a hall, a full-screen offer); every other page shares the one below.

Streamlit keeps the scroll position across reruns, so on a phone a new survey page
opened at the bottom, at the Next button (TECH-NOTES). `st.container(autoscroll=...)`
does not help: it only scrolls a fixed-height container to its bottom, for chats.
So after a page change a small script of ours scrolls the page to its top and moves
keyboard focus to the page's heading; after a Next with a missing answer it scrolls
to the first unanswered question instead.

Nothing here ever contains text from a user: the style sheet and scripts are
constants, and the only values put into them are numbers, names from this file and
the app's own words in the reader's language, escaped.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Literal

import streamlit as st

from survey.ui.stage_look import fullscreen_offer, stage_style

__all__ = ["fullscreen_offer", "stage_style"]  # pages/stage.py opens the stage with these

TOP, MISSING = "top", "missing"
FIRST_MISSING_KEY = "missing-first"  # the first unanswered question's box (view.js looks for it)
# A survey page's title, by its id (st.title's anchor): smaller than other pages' titles,
# from its first frame (app.css; a class that came with a later element would move it).
PAGE_TITLE = "survey-page"
SHARE_CARD_IMAGE = "share-card-image"  # the key of the card image's container

APP_CSS = Path(__file__).with_name("app.css")  # also in every page's HTML (first_paint)
STYLE = "<style>\n" + APP_CSS.read_text(encoding="utf-8") + "</style>"

# The view script (where a page opens) is a file, in every page's HTML as the style sheet
# is (first_paint), so a run sends only the call: `surveyView("top", 3)`.
VIEW_JS = Path(__file__).with_name("view.js")
_VIEW = VIEW_JS.read_text(encoding="utf-8")

# The browser's share sheet, where there is one (phones): the card image, as a file.
_SHARE_SCRIPT = """<div class="st-key-share-button">
<button type="button" id="share-card" hidden>%(label)s</button></div>
<script>
(function () {
  var button = document.getElementById("share-card");
  if (!button || !navigator.share) { return; }
  button.hidden = false;
  button.addEventListener("click", async function () {
    var img = document.querySelector('.st-key-%(image)s [data-testid="stImage"] img');
    if (!img) { return; }
    var blob = await (await fetch(img.src)).blob();
    var file = new File([blob], "%(file)s", {type: "image/png"});
    var data = {files: [file], title: %(title)s, text: %(text)s};
    if (navigator.canShare && !navigator.canShare(data)) { data = {files: [file]}; }
    try { await navigator.share(data); } catch (e) { /* the person closed the sheet */ }
  });
})();
</script>"""


class _Ours(str):
    """HTML of ours, sent as it is: st.html dedents a plain string first, which cost
    more than the rest of the call for the style sheet sent on every rerun."""

    def _repr_html_(self) -> str:
        return str(self)


_STYLE = _Ours(STYLE)


# Set by the launcher (survey/serving/serve.py) when every page's HTML carries the style
# sheet and the view script already (survey/serving/first_paint.py): then no run needs to
# send them again.
IN_PAGE = "SURVEY_STYLE_IN_PAGE"


def _in_page() -> bool:
    return os.environ.get(IN_PAGE) == "1"


def style() -> None:
    """The app's own style sheet, on every page (captions' contrast, the scale), unless the
    page's HTML has it: 3 KB and a message less on every run."""
    if not _in_page():
        st.html(_STYLE)


def open_view(target: Literal["top", "missing"], seq: int) -> None:
    """Scroll to the page's top (and focus its heading) or to the first unanswered
    question. `seq` changes whenever the view should move: the browser re-runs the
    script only when this element's content changes."""
    if target not in (TOP, MISSING):
        raise ValueError(target)
    call = f'surveyView("{target}", {int(seq)});'
    # The page's HTML defines surveyView; a page served without it gets it with the call.
    st.html(
        _Ours(f"<script>{call if _in_page() else _VIEW + call}</script>"),
        unsafe_allow_javascript=True,
    )


def share_button(file_name: str, label: str, title: str, text: str) -> None:
    """A "Share my result" button (`label`) that opens the phone's share sheet with the
    card drawn in the SHARE_CARD_IMAGE container, and the sheet's `title` and `text`.
    The three are the app's own words in the reader's language: escaped all the same."""
    if not file_name.replace("-", "").replace(".", "").isalnum():
        raise ValueError(file_name)  # a constant of ours; never anything typed
    body = _SHARE_SCRIPT % {
        "label": html.escape(label),
        "image": SHARE_CARD_IMAGE,
        "file": file_name,
        # A JSON string is a JavaScript string; "</" escaped so it cannot end the script.
        "title": json.dumps(title).replace("</", "<\\/"),
        "text": json.dumps(text).replace("</", "<\\/"),
    }
    st.html(body, unsafe_allow_javascript=True)
