"""The facilitator's languages in real Chromium: a German browser gets the sign-in and the
sessions page in German (from its Accept-Language header) and makes a German session;
a console speaks its session's language, and a change of it on the console turns the
console (its timed panels too) at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import PASSCODE, select, visit, wait_ready

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def leave_no_foreign_session(server_store):
    """The server is shared: a later test opening a console on the newest session
    expects it in English, so the sessions made here go."""
    yield
    for code in ("MESSE", "SALNF"):
        if server_store.get_session(code):
            server_store.delete_session(code)


def test_a_german_browser_gets_the_facilitator_pages_in_german(app_server, new_page, server_store):
    page = new_page(locale="de-DE")  # Chromium sends Accept-Language: de-DE
    visit(page, f"{app_server.url}/sessions")

    expect(page.get_by_role("heading", name="Anmeldung für die Moderation")).to_be_visible()
    page.get_by_label("Zugangscode").fill(PASSCODE)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Neue Session")).to_be_visible()
    wait_ready(page)

    page.get_by_role("textbox", name="Titel").fill("Messe Halle 3")
    page.get_by_role("textbox", name="Code (optional)").fill("MESSE")
    page.get_by_role("button", name="Session anlegen").click()
    expect(page.get_by_text("Session MESSE angelegt.")).to_be_visible()
    assert server_store.get_session("MESSE")["language"] == "de"


def test_the_console_speaks_its_sessions_language_and_follows_a_change(
    app_server, new_page, server_store
):
    code = server_store.create_session("Salon", "SALNF")
    server_store.set_languages(code, "fr")
    page = new_page(locale="en-GB")
    visit(page, f"{app_server.url}/console?s={code}")
    page.get_by_label("Passcode").fill(PASSCODE)  # the sign-in speaks the browser's language
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("button", name="Suivant →")).to_be_visible()
    expect(page.get_by_text("Réponses complètes", exact=True)).to_be_visible()  # a timed panel

    select(
        page,
        "Langue de la scène et de la console",
        "Español",
        then=page.get_by_role("button", name="Siguiente →"),
    )
    chosen = page.get_by_role("combobox", name="Idioma del escenario y de la consola")
    expect(chosen).to_have_value("Español")
    expect(page.get_by_text("Respuestas completas", exact=True)).to_be_visible()
    assert server_store.get_session(code)["language"] == "es"
