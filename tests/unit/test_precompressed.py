"""The compressed copy of Streamlit's frontend that `make run` and nginx serve to phones."""

import asyncio
import concurrent.futures
import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from survey.serving import precompressed, static
from survey.ui import browser


@pytest.fixture(scope="module")
def copy():
    return precompressed.build()


def test_every_script_has_a_gzip_copy_that_unpacks_to_the_shipped_file(copy):
    shipped = precompressed.streamlit_static_dir() / "static" / "js"
    scripts = [p for p in shipped.glob("*.js") if p.stat().st_size >= precompressed.MIN_SIZE]
    for js in scripts:
        packed = copy / "static" / "js" / (js.name + ".gz")
        assert gzip.decompress(packed.read_bytes()) == js.read_bytes(), js.name


def _ligatures(path) -> set[str]:
    font = TTFont(str(path))
    letters = {g: chr(c) for c, g in font.getBestCmap().items()}
    names = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligs in getattr(table, "ligatures", {}).items():
                for lig in ligs:
                    parts = [first, *lig.Component]
                    if all(p in letters for p in parts):
                        names.add("".join(letters[p] for p in parts))
    return names


def test_the_cut_icon_font_still_draws_the_icons_streamlit_shows(copy):
    # A missing icon would show its name ("keyboard_double_arrow_right") instead.
    (font,) = (copy / "static" / "media").glob("MaterialSymbols-Rounded.*.woff2")
    kept = _ligatures(font)
    for icon in (
        "keyboard_double_arrow_right",
        "keyboard_double_arrow_left",
        "expand_more",
        "close",
        "check",
        "content_copy",
        "fullscreen",
        "download",
        "search",
    ):
        assert icon in kept, icon
    assert font.stat().st_size < 120_000  # from 375 KB: what every phone downloads


def test_the_text_font_keeps_latin_and_the_questionnaires_punctuation(copy):
    (font,) = (copy / "static" / "media").glob("SourceSansVF-Upright.*.woff2")
    cmap = TTFont(str(font)).getBestCmap()
    for ch in "Aaz09é€“”‘’–—…ñüßŁ":
        assert ord(ch) in cmap, ch


# ---------------------------------------------------------------- preloads on the page

PAGE = (
    b'<!doctype html><html><head><title>x</title></head><body><div id="root"></div></body></html>'
)


def _fake_frontend(root):
    js, media = root / "static" / "js", root / "static" / "media"
    js.mkdir(parents=True)
    media.mkdir()
    (root / "index.html").write_text(
        '<script type="module" crossorigin src="./static/js/index.A1.js"></script>'
        '<link rel="modulepreload" crossorigin href="./static/js/shared.B2.js">'
    )
    (js / "index.A1.js").write_text('import"./shared.B2.js";')
    (js / "shared.B2.js").write_text("export const a=1;")
    (js / "Radio.C3.js").write_text(
        'import{a}from"./shared.B2.js";import{b}from"./useField.D4.js";'
    )
    (js / "useField.D4.js").write_text('import{a}from"./index.A1.js";export const b=2;')
    (js / "Chart.E5.js").write_text('import{c}from"./vega.F6.js";')  # not on the first page
    (media / "MaterialSymbols-Rounded.G7.woff2").write_bytes(b"wOF2")
    return root


def test_the_first_pages_scripts_are_preloaded_once_and_the_icon_font_left_for_later(tmp_path):
    links = precompressed.preloads(_fake_frontend(tmp_path)).splitlines()
    assert links == [
        '<link rel="preload" as="script" crossorigin href="./static/js/Radio.C3.js">',
        '<link rel="preload" as="script" crossorigin href="./static/js/useField.D4.js">',
    ]  # not the main bundle or what index.html lists already, not other pages' charts,
    # not the icon font (no first page shows an icon)


def _get(app, path: str, accept: str = "gzip, deflate") -> tuple[int, dict, bytes]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept-encoding", accept.encode())] if accept else [],
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    # In a thread of its own: the browser tests' Playwright keeps an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def _streamlit_like(seen: list):
    """Answers every page with index.html in two parts, and anything else as text."""

    async def app(scope, receive, send):
        seen.append(dict(scope["headers"]))
        if scope["path"].startswith("/_stcore/") or "." in scope["path"].rsplit("/", 1)[-1]:
            body, ctype = b"ok", b"text/plain"
        else:
            body, ctype = PAGE, b"text/html"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    return app


def test_every_page_gets_the_preloads_in_its_head_compressed_as_the_browser_accepts(tmp_path):
    (tmp_path / precompressed.PRELOAD).write_text('<link rel="preload" as="font" href="x.woff2">')
    seen: list = []
    app = static.PrecompressedStatic(_streamlit_like(seen), tmp_path)

    for path in ("/", "/console"):
        status, headers, body = _get(app, path)
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert int(headers["content-length"]) == len(body)
        head, _, rest = gzip.decompress(body).partition(b"</head>")
        assert b'<link rel="preload" as="font" href="x.woff2">' in head
        assert b"<h1>Believer or Spectator?</h1>" in rest
    assert b"accept-encoding" not in seen[0]  # Streamlit sends it plain, to be changed

    _, headers, body = _get(app, "/", accept="")
    assert "content-encoding" not in headers and b'href="x.woff2"' in body

    for path in ("/_stcore/health", "/media/abc.png"):  # not pages: passed on untouched
        _, headers, body = _get(app, path)
        assert body == b"ok" and "content-encoding" not in headers


def test_a_copy_without_a_preload_list_still_paints_the_loading_state(tmp_path):
    app = static.PrecompressedStatic(_streamlit_like([]), tmp_path)
    html = _get(app, "/", accept="")[2]
    assert b"Loading the survey" in html and b"<link" not in html


# ---------------------------------------------------------------- the first paint


class _Page(HTMLParser):
    """What a browser without JavaScript shows: the text inside #root, and the page's
    scripts, stylesheets and hints."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <div id="root"> when > 0
        self.shown: list[tuple[str, str]] = []  # (enclosing tag, text) inside #root
        self.tags: list[tuple[str, dict]] = []
        self.inline_scripts: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._tag = tag
        if self.depth or (tag == "div" and attrs.get("id") == "root"):
            self.depth += tag not in ("meta", "link", "br", "img")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.shown.append((self._tag, data.strip()))
        if self._tag == "script" and data.strip():
            self.inline_scripts.append(data)


def _served_page(copy, path="/", headers=()):
    """The app's real index.html as the middleware serves it from the real copy."""
    index = (precompressed.streamlit_static_dir() / "index.html").read_bytes()

    async def streamlit(scope, receive, send):
        start_headers = [(b"content-type", b"text/html; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": start_headers})
        await send({"type": "http.response.body", "body": index})

    app = static.PrecompressedStatic(streamlit, copy)
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": list(headers),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return b"".join(m.get("body", b"") for m in sent[1:])


def test_the_page_shows_the_apps_name_and_a_loading_state_without_any_script(copy):
    page = _Page()
    page.feed(_served_page(copy).decode())
    # Only these two constants: the name as the heading, then the loading state.
    assert [text for _, text in page.shown] == ["Believer or Spectator?", "Loading the survey…"]
    assert page.shown[0][0] == "h1"
    assert ("p", {"role": "status"}) in page.tags  # screen readers hear that it is loading


def test_streamlit_runs_from_the_page_as_before_its_scripts_named_after_the_first_paint(copy):
    html = _served_page(copy).decode()
    page = _Page()
    page.feed(html)
    shipped = (precompressed.streamlit_static_dir() / "index.html").read_text()
    main = re.search(r'<script type="module" crossorigin src="([^"]+)"', shipped).group(1)
    hinted = re.findall(r'<link rel="modulepreload" crossorigin href="([^"]+)"', shipped)
    # No script, module hint or stylesheet for the browser to wait for before painting...
    assert not [t for t in page.tags if t[0] == "script" and "src" in t[1]]
    assert not [t for t in page.tags if t[1].get("rel") in ("modulepreload", "stylesheet")]
    # ...and the loader asks for the same main script and hints once the page is drawn.
    (loader,) = [s for s in page.inline_scripts if "requestAnimationFrame" in s]
    assert f's.src="{main}"' in loader
    for href in hinted:
        assert f'["modulepreload", "{href}"]' in loader, href
    for href in re.findall(
        r'href="(\./static/js/[^"]+)"', (copy / precompressed.PRELOAD).read_text()
    ):
        assert f'["preload", "{href}"]' in loader, href
    # nginx's start check finds the main script the same way (survey/serving/nginx.py).
    assert re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', html)


def test_streamlits_stylesheet_comes_inline_its_fonts_still_found_from_every_page(copy):
    css = (copy / precompressed.PAGE_CSS).read_text()
    assert ".katex" in css and "Source Sans" in css  # Streamlit's own stylesheet
    urls = re.findall(r"url\(['\"]?(?!data:)([^)'\"]+)", css)
    assert urls
    for url in urls:  # relative to a page at / (and /console, /stage: the same folder)
        assert url.startswith("./static/"), url
        assert (copy / Path(url).as_posix()).resolve().is_file(), url
    assert css in _served_page(copy).decode()


@pytest.mark.parametrize(
    "path,headers",
    [
        ("/", []),
        ("/console", [(b"cookie", b"name=<b>Mallory</b>")]),
        ("/stage", [(b"x-forwarded-host", b"evil.example"), (b"user-agent", b"<i>x</i>")]),
        ("/%3Cscript%3Ealert(1)%3C/script%3E", [(b"referer", b"http://x/?s=<script>")]),
    ],
)
def test_the_page_is_the_same_constant_html_whoever_asks_and_however(copy, path, headers):
    # Nothing from the request (path, query, cookies, headers) ever reaches the page.
    assert _served_page(copy, path, headers) == _served_page(copy)
    assert b"Mallory" not in _served_page(copy, path, headers)


def test_every_page_knows_where_a_participants_page_opens_before_any_run(copy):
    """The scroll-to-top script comes with the page (survey/ui/view.js), so each run sends
    only a call to it; it holds no text anyone typed, only our constant script."""
    page = _Page()
    page.feed(_served_page(copy).decode())
    (view,) = [s for s in page.inline_scripts if "window.surveyView" in s]
    assert view.strip() == browser.VIEW_JS.read_text(encoding="utf-8").strip()
