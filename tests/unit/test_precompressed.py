"""The compressed copy of Streamlit's frontend that `make run` and nginx serve to phones."""

import asyncio
import concurrent.futures
import gzip

import pytest
from fontTools.ttLib import TTFont

from survey.serving import precompressed, static


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

PAGE = b"<!doctype html><html><head><title>x</title></head><body></body></html>"


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


def test_the_first_pages_widget_scripts_and_what_they_import_are_preloaded_once(tmp_path):
    links = precompressed.preloads(_fake_frontend(tmp_path)).splitlines()
    assert links == [
        '<link rel="preload" as="script" crossorigin href="./static/js/Radio.C3.js">',
        '<link rel="preload" as="script" crossorigin href="./static/js/useField.D4.js">',
        '<link rel="preload" as="font" type="font/woff2" crossorigin '
        'href="./static/media/MaterialSymbols-Rounded.G7.woff2">',
    ]  # not the main bundle or what index.html lists already, not other pages' charts


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
    (tmp_path / precompressed.PRELOAD).write_text('<link rel="modulepreload" href="x.js">')
    seen: list = []
    app = static.PrecompressedStatic(_streamlit_like(seen), tmp_path)

    for path in ("/", "/console"):
        status, headers, body = _get(app, path)
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert int(headers["content-length"]) == len(body)
        html = gzip.decompress(body)
        assert html == PAGE.replace(b"</head>", b'<link rel="modulepreload" href="x.js">\n</head>')
    assert b"accept-encoding" not in seen[0]  # Streamlit sends it plain, to be changed

    _, headers, body = _get(app, "/", accept="")
    assert "content-encoding" not in headers and b'href="x.js"' in body

    for path in ("/_stcore/health", "/media/abc.png"):  # not pages: passed on untouched
        _, headers, body = _get(app, path)
        assert body == b"ok" and "content-encoding" not in headers


def test_a_copy_without_a_preload_list_serves_pages_as_streamlit_made_them(tmp_path):
    app = static.PrecompressedStatic(_streamlit_like([]), tmp_path)
    assert _get(app, "/")[2] == PAGE
