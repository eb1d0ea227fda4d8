"""Staying signed in across a reload (survey.auth): a one-use ticket after the right
passcode, exchanged for a cookie's secret; only digests kept, in the database, with an
expiry. Every store test runs on SQLite and PostgreSQL."""

import asyncio
import concurrent.futures
import time

import pytest

from survey import auth
from survey.serving import doors

T0 = 1_800_000_000.0  # epoch seconds


def test_a_ticket_is_exchanged_once_for_a_secret_that_signs_the_browser_in(db):
    ticket = auth.issue_ticket(db, T0)

    secret = auth.exchange_ticket(db, ticket, T0 + 1)

    assert secret and secret != ticket
    assert auth.signed_in(db, secret, T0 + 2)
    assert auth.exchange_ticket(db, ticket, T0 + 2) is None, "a ticket works once"
    assert not auth.signed_in(db, ticket, T0 + 2), "a ticket is not a sign-in"


def test_a_ticket_not_handed_in_within_a_minute_is_refused(db):
    ticket = auth.issue_ticket(db, T0)

    assert auth.exchange_ticket(db, ticket, T0 + auth.TICKET_S + 1) is None


def test_a_sign_in_ends_after_its_day_and_on_signing_out(db):
    a = auth.exchange_ticket(db, auth.issue_ticket(db, T0), T0)
    b = auth.exchange_ticket(db, auth.issue_ticket(db, T0), T0)

    assert auth.signed_in(db, a, T0 + auth.SESSION_S - 1)
    assert not auth.signed_in(db, a, T0 + auth.SESSION_S + 1)
    auth.sign_out(db, b)
    assert not auth.signed_in(db, b, T0 + 1)
    assert auth.signed_in(db, a, T0 + 1), "signing out one browser leaves the other in"


@pytest.mark.parametrize("forged", [None, "", "x", "a" * 43, "é" * 43, "a" * 5000, 42])
def test_a_forged_cookie_or_ticket_signs_nobody_in(db, forged):
    auth.exchange_ticket(db, auth.issue_ticket(db, T0), T0)  # someone is signed in

    assert not auth.signed_in(db, forged, T0 + 1)
    assert auth.exchange_ticket(db, forged, T0 + 1) is None
    auth.sign_out(db, forged)  # harmless


def test_the_database_keeps_digests_only_and_drops_expired_ones(db):
    ticket = auth.issue_ticket(db, T0)
    secret = auth.exchange_ticket(db, ticket, T0)
    auth.issue_ticket(db, T0 + auth.SESSION_S + 1)  # a day later: the old ones go

    rows = db.engine.all("SELECT digest, kind, expires_at FROM facilitator_sign_ins")
    assert len(rows) == 1 and rows[0][1] == auth.TICKET
    everything = " ".join(str(v) for row in rows for v in row)
    assert secret not in everything and ticket not in everything


def test_the_cookie_is_http_only_same_site_strict_and_secure_over_https():
    plain = auth.cookie_header("s3cret")
    assert plain.split("; ") == [
        "survey_facilitator=s3cret",
        "Path=/",
        f"Max-Age={auth.SESSION_S}",
        "HttpOnly",
        "SameSite=Strict",
    ]
    assert auth.cookie_header("s3cret", "/talks", secure=True).endswith("; Secure")
    assert "Path=/talks" in auth.cookie_header("s3cret", "/talks")
    assert auth.cookie_header("").startswith("survey_facilitator=; Path=/; Max-Age=0")


# ---------------------------------------------------------------- the server's routes


def post(app, path: str, body: bytes = b"", **headers: str) -> tuple[int | None, dict]:
    """One request through `app` (survey.serving.doors.SignIn); its status and headers."""
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": body}

    scope = {
        "type": "http",
        "path": path,
        "method": headers.pop("method", "POST"),
        "scheme": headers.pop("scheme", "http"),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    # In a thread of its own: the browser tests' Playwright keeps an event loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None:
        return None, {}
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


async def streamlit(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"from Streamlit"})


@pytest.fixture
def routes(sqlite_db):
    return doors.SignIn(streamlit)


def test_the_sign_in_route_swaps_a_ticket_for_the_cookie_once(routes, sqlite_db):
    ticket = auth.issue_ticket(sqlite_db, time.time())

    status, headers = post(routes, "/_survey/sign-in", ticket.encode(), host="h:8501")
    again, _ = post(routes, "/_survey/sign-in", ticket.encode(), host="h:8501")

    assert status == 204 and again == 403
    name, secret = headers["set-cookie"].split(";")[0].split("=", 1)
    assert name == auth.COOKIE
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
    assert auth.signed_in(sqlite_db, secret, time.time())
    assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "why,headers",
    [
        ("another site's page", {"origin": "https://evil.example", "host": "h:8501"}),
        ("not a POST", {"method": "GET", "host": "h:8501"}),
    ],
)
def test_the_sign_in_route_refuses_other_sites_and_other_methods(routes, sqlite_db, why, headers):
    ticket = auth.issue_ticket(sqlite_db, time.time())

    status, sent = post(routes, "/_survey/sign-in", ticket.encode(), **headers)

    assert status in (403, 405), why
    assert "set-cookie" not in sent
    assert auth.exchange_ticket(sqlite_db, ticket, time.time()), "the ticket is still unused"


def test_over_https_the_cookie_is_secure_and_under_a_base_path_it_stays_there(sqlite_db):
    app = doors.SignIn(streamlit, "/talks/")
    ticket = auth.issue_ticket(sqlite_db, time.time())

    status, headers = post(
        app, "/talks/_survey/sign-in", ticket.encode(), host="h", x_forwarded_proto="https"
    )

    assert status == 204
    assert "; Path=/talks;" in headers["set-cookie"] and headers["set-cookie"].endswith("Secure")


def test_the_sign_out_route_forgets_the_sign_in_and_clears_the_cookie(routes, sqlite_db):
    now = time.time()
    secret = auth.exchange_ticket(sqlite_db, auth.issue_ticket(sqlite_db, now), now)

    status, headers = post(
        routes, "/_survey/sign-out", host="h", cookie=f"other=1; {auth.COOKIE}={secret}"
    )

    assert status == 204 and "Max-Age=0" in headers["set-cookie"]
    assert not auth.signed_in(sqlite_db, secret, time.time())


@pytest.mark.parametrize("path", ["/", "/console", "/_survey", "/_survey/other"])
def test_every_other_path_reaches_streamlit(routes, path):
    assert post(routes, path, host="h")[0] == 200


def test_behind_nginx_whose_host_header_has_no_port_the_sites_own_page_is_served(routes, sqlite_db):
    ticket = auth.issue_ticket(sqlite_db, time.time())

    status, _ = post(
        routes, "/_survey/sign-in", ticket.encode(), origin="http://10.0.0.5:8080", host="10.0.0.5"
    )

    assert status == 204
