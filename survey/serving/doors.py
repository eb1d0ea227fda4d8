"""ASGI middleware in front of Streamlit: the doors the server shuts, and the two routes
that set and clear the facilitator's sign-in cookie (survey.serving.serve puts them in)."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookies
import logging
import time
from urllib.parse import urlsplit

log = logging.getLogger("survey.serving")


class Closed:
    """ASGI middleware: paths no visitor needs answer 404 before Streamlit sees them.

    `/_stcore/metrics` is Streamlit's metrics endpoint: the names and sizes of the
    server's caches, one entry per participant who saw a result, with no sign-in. Nothing
    in the app or the browser uses it. Closed here, so every worker behind nginx
    (survey.serving.cluster) closes it too."""

    PATHS = ("_stcore/metrics",)

    def __init__(self, app, base_url_path: str = "") -> None:
        self.app = app
        base = base_url_path.strip("/")
        self.closed = tuple(f"{base}/{p}" if base else p for p in self.PATHS)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            path = "/".join(part for part in scope.get("path", "").split("/") if part)
            if any(path == c or path.startswith(c + "/") for c in self.closed):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                await send(
                    {
                        "type": "http.response.start",
                        "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": b"Not found"})
                return
        await self.app(scope, receive, send)


class SignIn:
    """ASGI middleware: the facilitator's sign-in cookie (see survey.auth).

    Setting an HttpOnly cookie needs an HTTP response, which a Streamlit script never
    writes, so two small routes do it, on every worker (the secrets live in the database):
    `POST <base>/_survey/sign-in` with a one-use ticket as its body (the page got it after
    the right passcode) answers 204 and sets the cookie; `POST <base>/_survey/sign-out`
    forgets the cookie's sign-in and clears it. A request from another site's page (its
    Origin names another host) is refused. Nothing here logs a ticket or a cookie."""

    BODY_MAX = 1024

    def __init__(self, app, base_url_path: str = "") -> None:
        self.app = app
        base = base_url_path.strip("/")
        self.prefix = f"{base}/_survey/" if base else "_survey/"
        self.cookie_path = f"/{base}" if base else "/"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            path = "/".join(part for part in scope.get("path", "").split("/") if part)
            if path in (self.prefix + "sign-in", self.prefix + "sign-out"):
                await self._answer(scope, receive, send, path.endswith("sign-in"))
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope, receive, send, signing_in: bool) -> None:
        from survey import auth

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if scope.get("method") != "POST":
            return await self._reply(send, 405)
        # Host names, not ports: nginx's `Host $host` (deploy/nginx.conf.in) drops the port.
        if origin and urlsplit(origin).hostname != urlsplit(f"//{headers.get('host')}").hostname:
            return await self._reply(send, 403)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > self.BODY_MAX:
                return await self._reply(send, 413)
            if not message.get("more_body"):
                break
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"
        try:
            store = await asyncio.to_thread(_shared_store)
            if signing_in:
                ticket = body.decode("ascii", "replace").strip()
                secret = await asyncio.to_thread(auth.exchange_ticket, store, ticket, time.time())
                if secret is None:
                    return await self._reply(send, 403)
            else:
                cookies = http.cookies.SimpleCookie()
                with contextlib.suppress(http.cookies.CookieError):
                    cookies.load(headers.get("cookie", ""))
                found = cookies.get(auth.COOKIE)
                await asyncio.to_thread(auth.sign_out, store, found.value if found else None)
                secret = ""
        except Exception as exc:  # the database is away: the page keeps its own sign-in
            log.warning(
                "Facilitator sign-in cookie not %s: %s",
                "set" if signing_in else "cleared",
                type(exc).__name__,
            )
            return await self._reply(send, 503)
        cookie = auth.cookie_header(secret, self.cookie_path, secure)
        await self._reply(send, 204, [(b"set-cookie", cookie.encode("latin-1"))])

    @staticmethod
    async def _reply(send, status: int, headers: list | None = None) -> None:
        extra = [(b"cache-control", b"no-store"), *(headers or [])]
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})


def _shared_store():
    from survey.ui import resources  # the process's one store, the one the pages use

    return resources.get_store()
