"""What a phone sees before Streamlit's JavaScript has run: every page's HTML, rewritten once.

Streamlit's index.html is an empty `<div id="root">` until its 2 MB of JavaScript has
arrived and run: on slow mobile data, several seconds of white screen. `page_html()`
puts the app's name and a "Loading the survey…" state inside that div, styled by a few
lines of inline CSS and needing no script, so the browser paints it as soon as the HTML
is in. React empties the div when the app mounts, which replaces the loading state with
the app. The same HTML serves every page (join link, console, stage), so the text is
neutral, constant, and never anything a visitor sent. It also gets the copy's preload
links (survey/serving/precompressed.py) in its head, and the app's own style sheet
before the root, so that the app is laid out by it from its first frame instead of
moving when the app's first run sends it (a layout shift on every phone), with the
small script that opens each page at its top (survey/ui/view.js).

For the browser to paint that before anything else, nothing may hold the paint back:
Streamlit's stylesheet comes inline instead of by a link, and Streamlit's scripts are
asked for by a small loader once the loading state is drawn (see LOADER), not by the
page's own tags, which a fast link would deliver, and run, before the first frame.

The colours are the app's own theme (.streamlit/config.toml: base "light"), set on the
loading state itself with `color-scheme: light`, so a browser in dark mode neither
darkens nor inverts half of it: readable either way, and no flash of dark before the
white app. The system font draws it: Streamlit's Source Sans is declared without
`font-display`, so text in it would stay invisible until the font has arrived.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

NAME = "Believer or Spectator?"
LOADING = "Loading the survey…"
ROOT_DIV = re.compile(rb'<div id="root">\s*</div>')
TITLE = re.compile(rb"<title>[^<]*</title>")
STYLESHEET = re.compile(r'<link rel="stylesheet"[^>]*href="\./(static/css/[^"]+\.css)"[^>]*>')
JS = rb"(\./static/js/[\w.-]+\.js)"
MAIN_SCRIPT = re.compile(rb'[ \t]*<script type="module" crossorigin src="%s"></script>\n?' % JS)
SCRIPT_HINT = re.compile(
    rb'[ \t]*<link rel="(modulepreload|preload)"(?: as="script")? crossorigin href="%s">\n?' % JS
)
# Streamlit's scripts, requested once the loading state is on screen: in the first frame
# after it (requestAnimationFrame). Requested with the page, as index.html does, they
# arrive with it on a fast link, and their work comes before the first paint. A page
# nobody looks at (a tab opened in the background, a prerender) draws no frames, so it
# asks at once; SAFETY_MS is there only should a frame never come.
LOADER = """<script>
(function () {
  var started = false;
  function start() {
    if (started) return;
    started = true;
    @HINTS@.forEach(function (hint) {
      var link = document.createElement("link");
      link.rel = hint[0];
      if (hint[0] === "preload") link.as = "script";
      link.crossOrigin = "";
      link.href = hint[1];
      document.head.appendChild(link);
    });
    var s = document.createElement("script");
    s.type = "module";
    s.crossOrigin = "";
    s.src="@MAIN@";
    document.head.appendChild(s);
  }
  if (document.visibilityState === "hidden") start();
  else requestAnimationFrame(function () { setTimeout(start, 0); });
  setTimeout(start, @SAFETY_MS@);
})();
</script>"""
SAFETY_MS = 3000

STYLE = """<style>
.first-paint{position:fixed;inset:0;box-sizing:border-box;display:flex;flex-direction:column;
align-items:center;justify-content:center;gap:1rem;padding:1.5rem;text-align:center;
background:#fff;color:#1f1933;color-scheme:light;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.first-paint h1{margin:0;font-size:clamp(1.75rem,2.5vw + 1rem,4rem);line-height:1.2;
font-weight:700;color:#1f1933}
.first-paint p{margin:0;display:flex;align-items:center;gap:.6em;
font-size:clamp(1.05rem,1vw + .8rem,2rem);color:#5c566b}
.first-paint-spinner{flex:none;width:1em;height:1em;box-sizing:border-box;border-radius:50%;
border:.15em solid #e4e1ec;border-top-color:#6c2bd9;animation:first-paint-spin 1s linear infinite}
@keyframes first-paint-spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.first-paint-spinner{animation:none}}
</style>
<noscript><style>.first-paint{display:none}</style></noscript>"""
# (Without JavaScript the app never comes: Streamlit's own <noscript> says so instead.)

# The app's own style sheet (survey/ui/app.css), before Streamlit's root: later than
# Streamlit's styles in the head, which it overrides as it does when the app sends it,
# and earlier than anything a page sends (the stage's look), which overrides it in turn.
_UI = Path(__file__).resolve().parents[1] / "ui"
APP_CSS = (_UI / "app.css").read_text(encoding="utf-8")
# Where a participant's page opens (survey/ui/browser.py): defined here once, so that each
# run sends only a call to it.
VIEW_JS = (_UI / "view.js").read_text(encoding="utf-8")
MARKUP = (
    f"<style>{APP_CSS}</style><script>{VIEW_JS}</script>"
    '<div id="root"><main class="first-paint">'
    f"<h1>{NAME}</h1>"
    '<p role="status"><span class="first-paint-spinner" aria-hidden="true"></span>'
    f"{LOADING}</p>"
    "</main></div>"
)


def carries_app_css(html: bytes) -> bool:
    """Whether `page_html` puts the app's style sheet (and view script) into this index.html."""
    return ROOT_DIV.search(html) is not None


def page_html(html: bytes, preloads: bytes = b"", css: bytes = b"") -> bytes:
    """Streamlit's index.html with the preload links and the loading state's style in its
    head, the app's name as its title, and the loading state inside `<div id="root">`.

    `css` (Streamlit's stylesheet, precompressed.page_css) replaces the page's link to
    that stylesheet: a link in the head holds back the first paint until the file has
    come, a round trip on slow mobile data, by when the scripts that replace the loading
    state have often come too. Only constants are added. An index.html without the
    empty root div (a Streamlit that renders elsewhere) keeps its body as it is."""
    if css:
        links = re.compile(STYLESHEET.pattern.encode())
        if links.search(html):
            html = links.sub(b"", html)
            preloads = b"<style>" + css + b"</style>\n" + preloads
    html, preloads, loader = _scripts_after_first_paint(html, preloads)
    head = (preloads + b"\n" if preloads else b"") + STYLE.encode() + b"\n</head>"
    html = html.replace(b"</head>", head, 1)
    html = TITLE.sub(f"<title>{NAME}</title>".encode(), html, count=1)
    html = ROOT_DIV.sub(MARKUP.encode(), html, count=1)
    # After the loading state, so that it is on the page when the loader runs.
    end = b"</body>" if b"</body>" in html else b"</head>"
    return html.replace(end, loader + b"\n" + end, 1) if loader else html


def _scripts_after_first_paint(html: bytes, preloads: bytes) -> tuple[bytes, bytes, bytes]:
    """The page without its main script and script hints, the hints left in `preloads`
    (fonts), and LOADER, which asks for the scripts instead."""
    main = MAIN_SCRIPT.search(html)
    if main is None:  # not the index.html this was written for: leave its scripts be
        return html, preloads, b""
    hints = [
        [m.group(1).decode(), m.group(2).decode()]
        for m in SCRIPT_HINT.finditer(html + b"\n" + preloads)
    ]
    loader = (
        LOADER.replace("@HINTS@", json.dumps(hints))
        .replace("@MAIN@", main.group(1).decode())
        .replace("@SAFETY_MS@", str(SAFETY_MS))
    )
    html = SCRIPT_HINT.sub(b"", MAIN_SCRIPT.sub(b"", html, count=1))
    return html, SCRIPT_HINT.sub(b"", preloads).strip(), loader.encode()
