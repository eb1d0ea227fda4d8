"""Staying signed in across a reload (survey.auth): a one-use ticket after the right
passcode, exchanged for a cookie's secret; only digests kept, in the database, with an
expiry. Every store test runs on SQLite and PostgreSQL."""

import pytest

from survey import auth

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
