"""The room as it is at a venue: the facilitator's laptop opens localhost, phones on the Wi-Fi.

The join link must work from a phone even though the facilitator's browser used
127.0.0.1, the server must say so when it cannot, and a phone must get the app's
scripts compressed and cacheable from `make run` alone.
"""

from __future__ import annotations

import gzip
import io
import re
import urllib.request
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from survey.serving import lan, precompressed

from .helpers import PHONE, sign_in, stage_link_on, visit, wait_ready

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}
CONSOLE_JOIN = re.compile(r"Join link for participants: (\S+)")


def console_join_link(console) -> str:
    text = console.get_by_text(CONSOLE_JOIN).inner_text()
    return CONSOLE_JOIN.search(text).group(1)


def decoded_qr(page) -> str:
    qr = page.locator(".st-key-stage-qr img")
    expect(qr).to_be_visible()
    # Sent as drawn: a lossless PNG, not re-encoded as a JPEG that blurs the modules.
    assert page.request.get(qr.evaluate("img => img.src")).headers["content-type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(found) == 1
    return found[0].text


def test_the_stage_opened_through_127_0_0_1_shows_a_join_link_phones_can_open(app_server, new_page):
    assert urlsplit(app_server.url).hostname == "127.0.0.1"
    console = new_page()
    sign_in(console, f"{app_server.url}/console?s=SHARE")
    link = console_join_link(console)
    choice = lan.discover()
    if choice.host is None:  # a machine with no network at all: it must say so
        expect(console.get_by_text("this computer has no network address")).to_be_visible()
        return

    assert not lan.is_loopback(urlsplit(link).hostname), link
    assert urlsplit(link).hostname == choice.host
    warnings = console.locator('[data-testid="stAlert"]').filter(has_text="Phones cannot open")
    expect(warnings).to_have_count(0)

    # The projector opens the stage link from 127.0.0.1 too; its QR is what phones read.
    projector = new_page(PROJECTOR)
    stage = stage_link_on(console)
    visit(projector, app_server.url + stage[stage.index("/stage?") :])
    assert decoded_qr(projector) == link

    phone = new_page(PHONE)
    visit(phone, link)  # the phone opens the LAN address, not 127.0.0.1
    expect(phone.get_by_text("Page 1 of")).to_be_visible()


def test_a_server_that_only_listens_on_127_0_0_1_warns_that_phones_cannot_join(
    loopback_server, new_page
):
    if lan.discover().host is None:
        pytest.skip("this machine has no non-loopback address to point phones at")
    page = new_page()
    sign_in(page, f"{loopback_server.url}/sessions")
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="Phones cannot open")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("make run ADDRESS=0.0.0.0")
    # The console says it too, at start.
    assert "Phones cannot join: the server listens only on 127.0.0.1" in (
        loopback_server.log_path.read_text()
    )


def test_make_run_sends_the_main_script_compressed_and_cacheable_for_a_year(app_server, new_page):
    phone = new_page(PHONE)
    main: list[dict] = []
    shipped_js = precompressed.streamlit_static_dir() / "static" / "js"

    def on_response(r) -> None:
        if re.search(r"/static/js/index\.[^./]+\.js$", r.url):
            main.append({**r.headers, "file": shipped_js / r.url.rsplit("/", 1)[1]})

    phone.on("response", on_response)
    visit(phone, f"{app_server.url}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    assert main, "the page loaded no main script bundle"
    assert main[0].get("content-encoding") in ("br", "gzip")
    assert main[0].get("cache-control") == "public, max-age=31536000, immutable"

    # A phone on the venue's Wi-Fi speaks plain http to a LAN address, where browsers
    # offer gzip only: that variant must be the very file Streamlit ships.
    shipped = main[0]["file"]
    req = urllib.request.Request(
        f"{app_server.url}/static/js/{shipped.name}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        body = r.read()
    assert len(body) < shipped.stat().st_size / 2.5
    assert gzip.decompress(body) == shipped.read_bytes()


def test_the_first_pages_widget_scripts_are_fetched_with_the_main_bundle(app_server, new_page):
    # On slow Wi-Fi the radio's script, asked for only once the page has run, cost a
    # round trip at the end; the page's head now lists it with the main bundle.
    phone = new_page(PHONE)
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(urlsplit(r.url).path))
    visit(phone, f"{app_server.url}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    radio = [i for i, path in enumerate(asked) if re.search(r"/static/js/Radio\.[^/]+\.js$", path)]
    assert len(radio) == 1, asked  # fetched once, from the preload
    assert radio[0] < asked.index("/_stcore/health"), asked  # before the app even starts


def test_the_server_starts_quietly_and_prints_the_link_phones_use(app_server):
    log = app_server.log_path.read_text()
    assert "WARNING" not in log, log
    assert "No runtime found" not in log
    host = lan.discover().host
    if host:
        assert re.search(rf"Phones join at http://{re.escape(lan.url_host(host))}:\d+/", log)


def test_the_console_and_stage_wait_for_no_internet_host(app_server, new_page):
    # An offline venue: any request to another host would hang until it times out.
    elsewhere: list[str] = []

    def on_request(r) -> None:
        url = urlsplit(r.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            elsewhere.append(r.url)

    page, projector, phone = new_page(), new_page(PROJECTOR), new_page(PHONE)
    for p in (page, projector, phone):
        p.on("request", on_request)
    sign_in(page, f"{app_server.url}/console?s=SHARE")
    stage = stage_link_on(page)
    wait_ready(page)
    visit(projector, app_server.url + stage[stage.index("/stage?") :])
    expect(projector.locator(".st-key-stage-qr img")).to_be_visible()
    visit(phone, f"{app_server.url}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    assert elsewhere == []
