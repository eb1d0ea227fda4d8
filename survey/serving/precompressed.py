"""Streamlit's frontend files, compressed once and served with long-lived caching.

A phone's first visit downloads Streamlit's JavaScript (2.1 MB as shipped). The
server's own gzip middleware leaves static files out on purpose, for CPU, and the
package ships no compressed copies. So `build()` makes a copy of the static folder
with a gzip (and, where the brotli package is installed, a brotli) variant beside
every text file, once per Streamlit install, and `static.PrecompressedStatic` (ASGI
middleware, survey/serving/static.py) answers requests for /static/... from it. The
file names carry a content hash, so browsers may keep them for a year without asking
again. nginx (`make run-workers`) serves the same folder with
`gzip_static`.

Fonts are most of what is left (680 KB, and woff2 is compressed already), and Streamlit
loads both its text and icon fonts on every page. So the copy cuts them down:
- Source Sans (the text font, upright and italic: 300 KB as shipped, covering Cyrillic,
  Greek and Vietnamese too) keeps Latin and punctuation, 100 KB. Any other character is
  drawn by the phone's own sans-serif font, so no text is ever missing.
- Material Symbols (the icon font, 375 KB, 4,300 icons) keeps the icons whose name
  appears anywhere in Streamlit's JavaScript or as `:material/name:` in this project
  (about 650, 65 KB): every icon the frontend or the app can ask for.

A page's own widgets (the radio, the progress bar, st.html) load their scripts only
once the page has run, a round trip after the main bundle. On a slow network that is most
of a second, so the copy also lists them (`preload.html`) and the middleware adds the list
to the page's HTML head, where the browser fetches them together with the main bundle.
The icon font, which no first page shows, is left to the frontend, which asks for it as
it mounts, once the scripts are in. It also keeps
Streamlit's stylesheet as the page carries it inline (`page.css`, its url()s made relative
to the page), so that nothing holds back the page's loading state (first_paint.py).

This module never imports streamlit: `python -m survey.serving.precompressed` builds the
cache at install time.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from survey.serving import first_paint

ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "SURVEY_STATIC_CACHE"
# Text formats gain 3-4x; woff2, png and gif are compressed already.
COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".html", ".txt", ".map", ".ttf"}
MIN_SIZE = 1024  # below one packet, compression saves nothing
GZIP_LEVEL = 9  # once per install: the smallest gzip is worth 1.4 s of CPU
BROTLI_QUALITY = 6  # all 23 MB in ~2 s; quality 11 saves another 8% for a minute of CPU
STAMP = ".complete"
BUILD = "7"  # part of the cache's fingerprint: bump it when what build() makes changes
# Streamlit's text font, cut to Latin (with Latin Extended-A for European names) and
# punctuation: the questionnaire is English, and any other character falls back.
SUBSET_FONTS = ("SourceSansVF-Upright.", "SourceSansVF-Italic.")
ICON_FONT = "MaterialSymbols-Rounded."
# The participant's first page: the elements whose scripts Streamlit loads on demand.
FIRST_PAGE_CHUNKS = ("Radio", "Progress", "Html")
PRELOAD = "preload.html"
# Streamlit's stylesheet, for the page's HTML to carry inline (survey/serving/first_paint.py).
PAGE_CSS = "page.css"
CSS_URL = re.compile(r"""url\((['"]?)(?!data:|[a-z]+://|/|#)""")
JS_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*"\./([\w.-]+\.js)"')
APP_ICON = re.compile(r":material/([a-z0-9_]+):")
SUBSET_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x2010, 0x2027),
    *(0x2030, 0x2039, 0x203A, 0x20AC, 0x2122, 0x2212, 0xFFFD),
]


def streamlit_static_dir() -> Path:
    """Streamlit's built frontend (index.html, static/), found without importing streamlit."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("Streamlit is not installed in this Python; run `make run` once.")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def app_icons() -> set[str]:
    """The Material icon names this project's code asks for (`:material/name:`)."""
    found: set[str] = set()
    for folder in ("pages", "survey"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(APP_ICON.findall(path.read_text(errors="replace")))
    found |= set(APP_ICON.findall((ROOT / "app.py").read_text(errors="replace")))
    return found


def _fingerprint(src: Path) -> str:
    # Streamlit's version, the folder's listing and the app's icons: a reinstall, an
    # upgrade or a new `:material/...:` icon rebuilds.
    version = importlib.metadata.version("streamlit")
    h = hashlib.sha256(f"{BUILD}:{version}:{sorted(app_icons())}".encode())
    for p in sorted(src.rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(src)}:{p.stat().st_size}\n".encode())
    return h.hexdigest()[:16]


def default_cache_dir() -> Path:
    """Where the compressed copy lives: $SURVEY_STATIC_CACHE, else .cache/ in the project."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return ROOT / ".cache" / f"streamlit-{importlib.metadata.version('streamlit')}-static"


def build(src: Path | None = None, dest: Path | None = None) -> Path:
    """Make (or reuse) the compressed copy of Streamlit's static folder; returns its path.

    The copy holds every file as shipped, plus `name.gz` and `name.br` beside each
    text file of 1 KB or more. It is built in a temporary folder and renamed into
    place, so servers starting together never see half of it.
    """
    src = src or streamlit_static_dir()
    dest = dest or default_cache_dir()
    fingerprint = _fingerprint(src)
    stamp = dest / STAMP
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        for path in src.rglob("*"):
            if not path.is_file():
                continue
            out = tmp / path.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.name.startswith(SUBSET_FONTS) and path.suffix == ".woff2":
                _subset_font(path, out)
                continue
            if path.name.startswith(ICON_FONT) and path.suffix == ".woff2":
                _subset_icons(path, out, _icon_names_used(src))
                continue
            shutil.copyfile(path, out)
            data = path.read_bytes()
            if path.suffix in COMPRESSIBLE and len(data) >= MIN_SIZE:
                for suffix, packed in compress(data).items():
                    out.with_name(out.name + suffix).write_bytes(packed)
        (tmp / PRELOAD).write_text(preloads(src))
        (tmp / PAGE_CSS).write_text(page_css(src))
        (tmp / STAMP).write_text(fingerprint + "\n")
        _make_readable(tmp)
        if dest.exists():  # an older build: move it aside, then swap in the new one
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}-old-", dir=dest.parent))
            os.replace(dest, old / "x")
            shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(OSError):  # another server finished first: use its copy
            os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def preloads(src: Path) -> str:
    """The <link> tags that fetch the first page's on-demand scripts with the main bundle:
    each widget's script and everything it imports, less what index.html preloads
    already."""
    js = src / "static" / "js"
    index = (src / "index.html").read_text()
    listed = set(re.findall(r'(?:href|src)="\./static/js/([^"]+)"', index))
    todo = [p.name for p in js.glob("*.js") if p.name.split(".", 1)[0] in FIRST_PAGE_CHUNKS]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        path = js / name
        if name in found or not path.is_file():
            continue
        found.add(name)
        todo += JS_IMPORT.findall(path.read_text(errors="replace"))
    # Fetched early, compiled when the page asks for them: modulepreload would compile
    # them early too, which a slow phone's CPU pays for before the page can start.
    script = '<link rel="preload" as="script" crossorigin href="./static/js/{}">'
    links = [script.format(name) for name in sorted(found - listed)]
    # Not the icon font: no participant's first page shows an icon, and on a slow link its
    # 65 KB came before that page's scripts. The frontend asks for it as it mounts, after
    # the scripts, and later pages find it in the cache.
    return "\n".join(links)


def page_css(src: Path) -> str:
    """The stylesheet(s) index.html links, as one text to inline in the page's head, its
    url()s made relative to the page (as index.html's own links are) instead of to
    static/css/. Empty when there is none, or when it could not sit in a <style>."""
    index = (src / "index.html").read_text()
    texts = [(src / rel).read_text() for rel in first_paint.STYLESHEET.findall(index)]
    css = "\n".join(CSS_URL.sub(r"url(\1./static/css/", t) for t in texts)
    return "" if "</style" in css.lower() else css


def compress(data: bytes) -> dict[str, bytes]:
    variants = {".gz": gzip.compress(data, GZIP_LEVEL, mtime=0)}
    try:
        import brotli
    except ImportError:  # gzip alone still brings the download to about a third
        return variants
    variants[".br"] = brotli.compress(data, quality=BROTLI_QUALITY)
    return variants


def _subset_font(src: Path, out: Path) -> None:
    try:
        from fontTools import subset
    except ImportError:  # the whole font, as shipped
        shutil.copyfile(src, out)
        return
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]  # kerning and ligatures stay
    opts.notdef_outline = True
    font = subset.load_font(str(src), opts)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=SUBSET_UNICODES)
    subsetter.subset(font)
    subset.save_font(font, str(out), opts)


def _icon_names_used(src: Path) -> set[str]:
    # Every lower-case word in the frontend's code: a superset of the icon names in it.
    words: set[str] = set()
    for js in src.rglob("*.js"):
        words |= set(re.findall(r"[a-z0-9_]{2,}", js.read_text(errors="replace")))
    return words | app_icons()


def _subset_icons(src: Path, out: Path, wanted: set[str]) -> None:
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        shutil.copyfile(src, out)
        return
    # Each icon is a ligature of its name's letters; keep the ligatures of the wanted names.
    font = TTFont(str(src))
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    keep: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)  # lookup type 7 wraps the others
            for first, ligatures in getattr(table, "ligatures", {}).items():
                for lig in ligatures:
                    parts = [first, *lig.Component]
                    known = all(p in letters for p in parts)
                    if known and "".join(letters[p] for p in parts) in wanted:
                        keep.add(lig.LigGlyph)
    if not keep:  # not the font this was written for: keep it whole rather than break it
        shutil.copyfile(src, out)
        return
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]
    opts.layout_closure = False  # else every ligature of the kept letters comes back
    opts.notdef_outline = True
    font = subset.load_font(str(src), opts)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(glyphs=sorted(keep), unicodes=_letter_codes(letters))
    subsetter.subset(font)
    subset.save_font(font, str(out), opts)


def _letter_codes(letters: dict[str, str]) -> list[int]:
    return sorted({ord(c) for c in letters.values() if c.isascii() and c.isprintable()})


def _make_readable(folder: Path) -> None:
    # mkdtemp makes a 0700 folder; nginx's worker (another user) must read the copy.
    for p in (folder, *folder.rglob("*")):
        p.chmod(0o755 if p.is_dir() else 0o644)


def main() -> int:
    """`python -m survey.serving.precompressed`: build the cache now (make does it at install)."""
    folder = build()
    print(f"Compressed copy of Streamlit's frontend: {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
