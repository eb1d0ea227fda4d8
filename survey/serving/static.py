"""The ASGI middleware that serves the compressed copy of Streamlit's frontend
(survey/serving/precompressed.py builds it): /static/... from memory with a year of
immutable caching, and every page's HTML with the copy's preload links in its head and
a loading state painted before any script has run (survey/serving/first_paint.py)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from survey.serving.first_paint import page_html
from survey.serving.precompressed import PAGE_CSS, PRELOAD, compress

IMMUTABLE = b"public, max-age=31536000, immutable"


def accepted(accept_encoding: str) -> set[str]:
    """The encodings an Accept-Encoding header allows (those not given q=0)."""
    ok = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if name.strip():
            ok.add(name.strip())
    return ok


class PrecompressedStatic:
    """ASGI middleware: GET and HEAD for /static/... answered from the compressed copy,
    and every page's HTML given the copy's preload links and the loading state.

    Anything else, and any file not in the copy, goes to the wrapped app (Streamlit)
    unchanged. Each (file, encoding) is read from disk once and kept in memory: at
    most the size of the compressed copy, about 7 MB, and in practice the ~1 MB a
    page needs. The page's HTML (the same index.html for every page) is changed and
    compressed once per encoding, then sent from memory too.
    """

    def __init__(self, app, folder: Path, base_url_path: str = "") -> None:
        self.app = app
        self.folder = Path(folder).resolve()
        base = base_url_path.strip("/")
        self.prefix = f"/{base}/static/" if base else "/static/"
        self.internal = f"/{base}/_stcore/" if base else "/_stcore/"
        self._bodies: dict[tuple[str, str], tuple[bytes, bytes] | None] = {}
        try:
            self._preload = (self.folder / PRELOAD).read_bytes()
        except OSError:  # a copy made before preloads: pages get the loading state only
            self._preload = b""
        try:
            self._css = (self.folder / PAGE_CSS).read_bytes()
        except OSError:  # a copy made before it: the page links the stylesheet as shipped
            self._css = b""
        self._pages: dict[tuple[bytes, str], tuple[bytes, str]] = {}

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        header = b""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                header = value
                break
        ok = accepted(header.decode("latin-1"))
        if not path.startswith(self.prefix):
            page = scope["method"] == "GET" and _is_page(path, self.internal)
            if page:
                await self._page(scope, receive, send, ok)
            else:
                await self.app(scope, receive, send)
            return
        rel = "static/" + path[len(self.prefix) :]
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz"), ("", "")):
            if encoding and encoding not in ok:
                continue
            found = self._load(rel, suffix)
            if found is not None:
                await self._send(scope, send, found, encoding)
                return
        await self.app(scope, receive, send)

    async def _page(self, scope, receive, send, ok: set[str]) -> None:
        """Streamlit's answer for a page, its HTML rewritten on the way out (`page_html`).

        Streamlit is asked for the page uncompressed, so the HTML can be changed; the
        result is compressed here, once, as the browser accepts."""
        plain = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        start: dict | None = None
        parts: list[bytes] = []

        async def rewrite(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200 and _is_html(message.get("headers", [])):
                    start = message
                    return
            elif start is not None and message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body, encoding = self._rewritten(b"".join(parts), ok)
                headers = [
                    (k, v)
                    for k, v in start.get("headers", [])
                    if k.lower() not in (b"content-length", b"content-encoding", b"vary")
                ]
                headers += [
                    (b"content-length", str(len(body)).encode()),
                    (b"vary", b"Accept-Encoding"),
                ]
                if encoding:
                    headers.append((b"content-encoding", encoding.encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app({**scope, "headers": plain}, receive, rewrite)

    def _rewritten(self, html: bytes, ok: set[str]) -> tuple[bytes, str]:
        wanted = "br" if "br" in ok else "gzip" if "gzip" in ok else ""
        key = (html, wanted)
        if key not in self._pages:
            if len(self._pages) > 8:  # only ever one index.html; a bound all the same
                self._pages.clear()
            changed = page_html(html, self._preload, self._css)
            variants = compress(changed) if wanted else {}
            if wanted == "br" and ".br" in variants:
                self._pages[key] = variants[".br"], "br"
            elif "gzip" in ok:  # gzip, also where brotli is asked for but not installed
                self._pages[key] = variants[".gz"], "gzip"
            else:
                self._pages[key] = changed, ""
        return self._pages[key]

    def _load(self, rel: str, suffix: str) -> tuple[bytes, bytes] | None:
        key = (rel, suffix)
        if key not in self._bodies:  # a race only reads the same file twice
            self._bodies[key] = self._read(rel, suffix)
        return self._bodies[key]

    def _read(self, rel: str, suffix: str) -> tuple[bytes, bytes] | None:
        if ".." in rel.split("/") or "\\" in rel or "\0" in rel:
            return None
        path = self.folder / (rel + suffix)
        try:
            if not path.resolve().is_relative_to(self.folder) or not path.is_file():
                return None
            body = path.read_bytes()
        except (OSError, ValueError):
            return None
        ctype = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        return body, ctype.encode()

    @staticmethod
    async def _send(scope, send, found: tuple[bytes, bytes], encoding: str) -> None:
        body, ctype = found
        headers = [
            (b"content-type", ctype),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", IMMUTABLE),
            (b"vary", b"Accept-Encoding"),
        ]
        if encoding:
            headers.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        head = scope["method"] == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})


def _is_page(path: str, internal: str) -> bool:
    """A page's address (/, /console, /stage), not a file, media or Streamlit's own routes."""
    last = path.rsplit("/", 1)[-1]
    return "." not in last and not path.startswith(internal) and "/media/" not in path


def _is_html(headers) -> bool:
    for k, v in headers:
        if k.lower() == b"content-type":
            return v.startswith(b"text/html")
    return False
