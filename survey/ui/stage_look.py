"""The projector stage's look, sent to the browser ourselves: its constant style sheet
(no Streamlit chrome, type for the back of a hall), the full-screen offer, the event's
accent, the countdown that counts on the screen's own clock, and the bars drawn in HTML.

Nothing here ever contains text from a user: the style sheet and scripts are constants,
and the only values put into them are numbers, checked colours and words of this file
(in the reader's language from our own catalogues, escaped all the same).
The pages' own style sheet and scripts are `survey.ui.browser`'s.
"""

from __future__ import annotations

import html
import json
import re

import streamlit as st

from survey.i18n import _, ngettext

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")  # the only values put into the stage's style

# A fixed stylesheet of ours: no user text ever goes in here. Sizes in vh, so a view
# keeps its proportions on any projector; at 1080p the code is 1080 * 0.17 = 184 px.
# The event's accent arrives as two custom properties (stage_accent), checked colours.
STAGE_STYLE = """<style>
[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
.stAppDeployButton { display: none !important; }
/* Nothing on the stage takes input: a click then a key press drew a focus frame
   through the title. */
.stApp *:focus, .stApp *:focus-visible { outline: none !important; box-shadow: none !important; }
.stMain .stMainBlockContainer { padding: 2vh 2.5vw; max-width: none; }
.stMain .stVerticalBlock:has(.st-key-stage) { gap: 0; }
.stMain [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > style:only-child) {
  display: none; }
.st-key-stage-keys { position: fixed; left: -10000px; top: 0; width: 1px; height: 1px;
  overflow: hidden; }
div.stVerticalBlock.st-key-stage { flex: 0 0 96vh; height: 96vh; overflow: hidden; gap: 2vh;
  flex-wrap: nowrap; }
.st-key-stage p, .st-key-stage [data-testid="stText"] { font-size: 3.4vh; line-height: 1.3; }
.st-key-stage [data-testid="stText"] { font-family: inherit; white-space: normal; }
.st-key-stage [data-testid="stCaptionContainer"] p { font-size: 2.6vh; }

/* The heading row: the view's title, marked in the accent; the event on the right. */
.st-key-stage-top { flex: 0 0 auto; gap: 2vw; }
.st-key-stage-top [data-testid="stElementContainer"]:has(h2) { flex: 1 1 0; min-width: 0; }
.stMain .st-key-stage-top h2 { font-size: 6vh; line-height: 1.15; padding: 0 0 0 1.6vw;
  border-left: 1.1vh solid var(--stage-accent, #6C2BD9); }
.st-key-stage-top [data-testid="stMarkdown"] span { font-size: 2.6vh !important; }
.st-key-stage-event { gap: 1vw; align-items: center; flex: 0 0 auto; }
.st-key-stage-event [data-testid="stText"] { font-size: 3.4vh; font-weight: 700;
  color: var(--stage-accent, #6C2BD9); white-space: nowrap; }
.st-key-stage-event img { height: 7vh; width: auto; max-width: 20vw; object-fit: contain; }
.st-key-stage-event [data-testid="stImage"], .st-key-stage-event [data-testid="stImage"] > div {
  width: auto !important; }

/* The body takes what the heading row and the strip leave. */
.st-key-stage > [data-testid="stLayoutWrapper"] { flex: 0 0 auto; }
.st-key-stage > [data-testid="stLayoutWrapper"]:has(> [class*="st-key-stage-body-"]) {
  flex: 1 1 0; min-height: 0; }
[class*="st-key-stage-body-"] { height: 100%; flex-wrap: nowrap; gap: 1.5vh; }
.st-key-stage [class*="st-key-fill-"] { flex: 1 1 0; min-height: 0; }
.st-key-stage [data-testid="stFullScreenFrame"]:has([data-testid="stPlotlyChart"]),
.st-key-stage [data-testid="stPlotlyChart"] { height: 100%; }
.st-key-stage h3 { font-size: 5vh; font-weight: 600; padding: 0; text-align: center; }
.st-key-stage [data-testid="stLayoutWrapper"]:has(> .st-key-stage-middle) {
  flex: 1 1 0; min-height: 0; }
.st-key-stage-middle { height: 100%; justify-content: center; align-items: center; gap: 5vh; }
.st-key-stage-middle h1 { font-size: 11vh; line-height: 1.1; max-width: 80vw;
  text-align: center; text-wrap: balance; }

/* Numbers: finished and answering, the split. */
.st-key-stage [data-testid="stMetricLabel"] p { font-size: 3.6vh; }
.st-key-stage [data-testid="stMetricValue"] p { font-size: 10vh; line-height: 1.1; }
.st-key-stage-counts { gap: 8vw; flex: 0 0 auto; width: auto; }
.st-key-stage-middle .st-key-stage-counts { justify-content: center; }
.st-key-stage-middle .st-key-stage-counts [data-testid="stMetricValue"] p { font-size: 20vh; }
.st-key-stage-middle .st-key-stage-counts [data-testid="stMetricLabel"] p { font-size: 4.5vh; }
.st-key-stage-counts [data-testid="stMetric"] { width: auto; flex: 0 0 auto; }
.st-key-stage-split { justify-content: space-around; width: 100%; }
.st-key-stage-split [data-testid="stMetric"] { width: auto; flex: 0 0 auto; }
.st-key-stage-split [data-testid="stMetricValue"] p { font-size: 30vh; font-weight: 700;
  line-height: 1; animation: stage-rise 0.9s ease-out both; }
.st-key-stage-split [data-testid="stMetricLabel"] p { font-size: 6vh; }
.st-key-stage-split [data-testid="stElementContainer"]:first-child [data-testid="stMetricValue"] p {
  color: #6C2BD9; }
.st-key-stage-split [data-testid="stElementContainer"]:last-child [data-testid="stMetricValue"] p {
  color: #6B7078; }
.stage-bar { display: flex; width: 90vw; height: 5vh; border-radius: 2.5vh; overflow: hidden;
  background: #E4E1EC; }
.stage-bar > div { height: 100%; animation: stage-grow-right 1.2s ease-out both; }
.stage-bar .believers { background: #6C2BD9; }
.stage-bar .spectators { background: #9AA0A6; flex: 1 1 0; animation: none; }
.stage-bar .done { background: var(--stage-accent, #6C2BD9); }
.stage-progress { display: flex; flex-direction: column; align-items: center; gap: 1.5vh; }
.stage-progress p { margin: 0; font-size: 3.6vh; }

/* The reveal: the first figures grow in (clip-path animates in Chromium's SVG too). */
@keyframes stage-rise { from { opacity: 0; transform: translateY(6vh); } to { opacity: 1; } }
@keyframes stage-grow-right { from { clip-path: inset(0 100% 0 0); } to { clip-path: inset(0); } }
@keyframes stage-grow-up { from { clip-path: inset(100% 0 0 0); } to { clip-path: inset(0); } }
@keyframes stage-grow-out { from { clip-path: inset(0 50% 0 50%); } to { clip-path: inset(0); } }
.st-key-fill-hist .cartesianlayer .plot { animation: stage-grow-up 1.2s ease-out both; }
.st-key-fill-dims .cartesianlayer .plot, .st-key-fill-timeline .cartesianlayer .plot {
  animation: stage-grow-right 1.2s ease-out both; }
[class*="st-key-fill-items-"] .cartesianlayer .plot {
  animation: stage-grow-out 1.2s ease-out both; }

/* The join view: the code for the back of the hall, the QR code beside it. */
.st-key-stage [data-testid="stLayoutWrapper"]:has(> .st-key-stage-join) {
  flex: 1 1 0; min-height: 0; }
.st-key-stage-join { height: 100%; gap: 4vw; }
.st-key-stage-join-text { flex: 1 1 0; min-width: 0; gap: 2vh; }
.st-key-stage-join-text p { font-size: 4.2vh; }
.st-key-stage-middle [data-testid="stText"] { font-size: 5vh; font-weight: 700;
  text-align: center; }
.st-key-stage-join-text strong { color: var(--stage-accent, #6C2BD9); white-space: nowrap; }
.st-key-stage-join h1 { font-size: 17vh; line-height: 1; letter-spacing: 0.08em;
  font-weight: 800; padding: 0; }
.st-key-stage-join [data-testid="stText"] { font-size: 5vh; font-weight: 700;
  line-height: 1.15; }
.st-key-stage-qr img { height: min(72vh, 44vw); width: auto; max-width: none; }
/* The same line in the session's second join language: smaller, under the first. */
.st-key-stage [class*="st-key-stage-join-also-"] { margin-top: -1.6vh; }
.st-key-stage [class*="st-key-stage-join-also-"] p { font-size: 3.4vh; font-style: italic;
  opacity: 0.8; line-height: 1.2; }
.st-key-stage-middle [class*="st-key-stage-join-also-"] { margin-top: -3vh; width: auto; }
.st-key-stage-middle [class*="st-key-stage-join-also-"] p { font-size: 5vh; text-align: center; }

/* The strip along the bottom: how to join, or that the session is closed; the countdown. */
.st-key-stage-strip { flex: 0 0 auto; gap: 3vw; padding: 0.8vh 2vw; border-radius: 1.6vh;
  background: var(--stage-accent, #6C2BD9); color: var(--stage-ink, #fff); }
.st-key-stage-strip p, .st-key-stage-strip strong { color: var(--stage-ink, #fff); }
/* Streamlit pulls a paragraph's container up by its 1rem margin, which is 0 here. */
.st-key-stage-strip [data-testid="stMarkdownContainer"]:has(> p) { margin-bottom: 0; }
.st-key-stage-strip { min-height: 9vh; }
.st-key-stage-strip-join, .st-key-stage-strip-closed { flex: 1 1 0; min-width: 0; gap: 0.3vh; }
.st-key-stage-strip-join p, .st-key-stage-strip-closed p { font-size: 3.6vh; margin: 0;
  line-height: 1.15; }
.st-key-stage-strip-closed p { font-size: 4.5vh; }
.st-key-stage-strip-join p:first-child, .st-key-stage-strip-code p:first-child { opacity: 0.85; }
.st-key-stage-strip-join [data-testid="stElementContainer"]:last-child p { font-size: 4vh; }
.st-key-stage-strip-code { gap: 0.3vh; }
.st-key-stage-strip-code p { font-size: 3.6vh; margin: 0; line-height: 1.15; }
.st-key-stage-strip-code [data-testid="stElementContainer"]:last-child p { font-size: 7vh;
  letter-spacing: 0.06em; line-height: 1; }
.st-key-stage-strip-qr img { height: 9vh; width: auto; max-width: none; background: #fff;
  padding: 0.6vh; border-radius: 0.8vh; }
.stage-countdown { display: flex; align-items: baseline; gap: 1.2vw; white-space: nowrap; }
.stage-countdown-label { font-size: 3.6vh; }
.stage-countdown-digits { font-size: 14vh; line-height: 1; font-weight: 800;
  font-variant-numeric: tabular-nums; }
.stage-countdown-done .stage-countdown-label { display: none; }
</style>"""

FULLSCREEN = """<button id="stage-fullscreen" type="button" hidden
  style="position:fixed;right:1.2vw;top:1.2vh;z-index:1000;font:inherit;font-size:2vh;
  padding:.6vh 1vw;border:1px solid #C9C5D6;border-radius:.6vh;background:#fff;
  color:#5F5A70;cursor:pointer">%(label)s</button>
<script>
(() => {
  // Offered while the mouse moves (as a video player does), never in full screen.
  if (window.__stageFullscreen || !document.fullscreenEnabled) return;
  window.__stageFullscreen = true;
  const button = () => document.getElementById("stage-fullscreen");
  const toggle = () => document.fullscreenElement
    ? document.exitFullscreen() : document.documentElement.requestFullscreen();
  let timer;
  document.addEventListener("mousemove", () => {
    const b = button();
    if (!b || document.fullscreenElement) return;
    b.hidden = false;
    b.onclick = toggle;
    clearTimeout(timer);
    timer = setTimeout(() => { b.hidden = true; }, 3000);
  });
  document.addEventListener("fullscreenchange", () => {
    const b = button();
    if (b && document.fullscreenElement) b.hidden = true;
  });
  document.addEventListener("keydown", (e) => {
    if ((e.key === "f" || e.key === "F") && !e.ctrlKey && !e.metaKey && !e.altKey) toggle();
  });
})();
</script>"""


def stage_style() -> None:
    """The stage: no Streamlit chrome, type sized for the back of a hall."""
    st.html(STAGE_STYLE)


def fullscreen_offer() -> None:
    """A small "Full screen" button while the mouse moves (and the F key), where the
    browser allows it; never shown in full screen."""
    label = html.escape(_("Full screen (F)"))
    st.html(FULLSCREEN % {"label": label}, unsafe_allow_javascript=True)


# The countdown counts on the screen's own clock from the milliseconds left when the
# server drew it: no round trip a second, and a projector whose clock is off still
# shows the server's time. One timer for the page; each redraw resets where it ends.
_COUNTDOWN = """<div class="stage-countdown" role="timer">
<span class="stage-countdown-label">%(label)s</span>
<span class="stage-countdown-digits">%(seconds)d</span></div>
<script>
(function (ms) {
  window.__stageCountdownEnd = performance.now() + ms;
  function tick() {
    var left = Math.max(0, Math.ceil((window.__stageCountdownEnd - performance.now()) / 1000));
    var boxes = document.querySelectorAll(".stage-countdown");
    for (var i = 0; i < boxes.length; i++) {
      var digits = boxes[i].querySelector(".stage-countdown-digits");
      var text = left > 0 ? String(left) : %(closed)s;
      if (digits.textContent !== text) { digits.textContent = text; }
      boxes[i].classList.toggle("stage-countdown-done", left === 0);
    }
  }
  tick();
  if (!window.__stageCountdownTimer) { window.__stageCountdownTimer = setInterval(tick, 100); }
})(%(ms)d);
</script>"""


def stage_accent(accent: str, ink: str) -> None:
    """The event's accent colour (and the text colour that reads on it) for the stage."""
    for colour in (accent, ink):
        if not HEX_COLOUR.match(colour):
            raise ValueError(colour)  # checked by survey.theme; never anything else
    st.html(f"<style>.stApp {{ --stage-accent: {accent}; --stage-ink: {ink}; }}</style>")


def countdown(ms: int) -> None:
    """Big digits counting down to the close, once a second, on the screen's own clock."""
    ms = max(0, int(ms))
    said = {"label": html.escape(_("Closing in")), "closed": json.dumps(_("Closed"))}
    body = _COUNTDOWN % {"ms": ms, "seconds": -(-ms // 1000), **said}
    st.html(body, unsafe_allow_javascript=True)


def stage_split_bar(believer_share: float) -> None:
    """The believers' share as a bar across the screen (the numbers are above it)."""
    b = min(100.0, max(0.0, float(believer_share)))
    st.html(
        f'<div class="stage-bar" role="img" aria-hidden="true">'
        f'<div class="believers" style="width: {b:.1f}%"></div>'
        f'<div class="spectators"></div></div>'
    )


def stage_progress(finished: int, answering: int) -> None:
    """How many of those who began have finished, as a bar and a line of text."""
    finished, answering = max(0, int(finished)), max(0, int(answering))
    began = finished + answering
    share = 100 * finished / began if began else 0
    if began:
        words = ngettext(
            "{finished} of {began} who began has finished",
            "{finished} of {began} who began have finished",
            finished,
        ).format(finished=finished, began=began)
    else:
        words = _("Nobody has begun yet")
    st.html(
        f'<div class="stage-progress"><div class="stage-bar">'
        f'<div class="done" style="width: {share:.1f}%"></div></div>'
        f"<p>{html.escape(words)}</p></div>"
    )
