"""Two app hosts on one PostgreSQL database behind a front nginx
(`survey.serving.cluster --hosts 2`): nothing lost, every worker of both hosts used, each
browser kept on its host.

Needs nginx and PostgreSQL's server binaries (`python -m tests.system_deps`).
"""

from __future__ import annotations

import os
import urllib.request

import psutil
import pytest
from playwright.sync_api import expect

from survey import export, questionnaire
from survey.serving.nginx import NGINX_HINT, find_nginx
from survey.store import Store
from tests.load import Load, check_db, run_load
from tests.server import HostsServer

from .helpers import PASSCODE, PHONE, ROOT, visit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOSTS = 2
WORKERS = 2 if (os.cpu_count() or 1) >= 2 else 1  # per host; one each on a one-core machine
PARTICIPANTS = 200


@pytest.fixture(scope="module")
def database(pg_cluster) -> str:
    return pg_cluster.new_database()


@pytest.fixture(scope="module")
def hosts(database):
    if find_nginx() is None:
        pytest.fail(NGINX_HINT)
    with HostsServer(database, HOSTS, WORKERS, env={"SURVEY_ADMIN_PASSWORD": PASSCODE}) as h:
        yield h


@pytest.fixture(scope="module")
def store(database):
    s = Store(questionnaire.load(ROOT / "data" / "questionnaire.toml"), database)
    yield s
    s.close()


def worker_cpu_seconds(h: HostsServer) -> list[float]:
    return [sum(psutil.Process(w.pid).cpu_times()[:2]) for w in h.workers]


def test_a_room_through_the_front_nginx_is_stored_once_and_every_worker_of_both_hosts_serves_it(
    hosts, store
):
    before = worker_cpu_seconds(hosts)
    records, _ = run_load(hosts.port, Load(PARTICIPANTS, window_s=20, seed=16, time_limit_s=600))

    assert [r.error for r in records if r.error] == []
    db = check_db(hosts.db, records)
    assert (db["acknowledged"], db["lost"], db["class_mismatch"]) == (PARTICIPANTS, 0, 0)
    assert db["complete_rows"] == PARTICIPANTS
    # What the facilitator takes away holds exactly the results the phones were shown.
    lines = export.responses_csv(store, "SHARE").decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == db["acknowledged"]
    # Each tab got its own routing cookies, so the room is shared between the hosts and,
    # on each host, between its workers: none of the four sat idle.
    used = [after - b for after, b in zip(worker_cpu_seconds(hosts), before, strict=True)]
    fair = sum(used) / len(used)
    assert min(used) > 0.3 * fair, used


def test_the_first_response_through_the_front_sets_a_host_and_a_worker_cookie(hosts):
    with urllib.request.urlopen(f"http://127.0.0.1:{hosts.port}/?s=SHARE", timeout=30) as r:
        page = r.read().decode()
        cookies = [c.split("=", 1)[0] for c in r.headers.get_all("Set-Cookie")]
    assert r.status == 200 and '<div id="root">' in page
    assert sorted(cookies) == ["survey_host", "survey_worker"]


def test_the_stage_and_its_qr_image_load_through_the_front_nginx(hosts, store, new_page):
    # The QR image is a media file held by the worker that drew the page, on one host.
    # A browser sent to the other host would miss it, so fetch it again a few times with
    # the browser's cookies: each fetch is routed afresh by the front and the host.
    token = store.stage("SHARE")["token"]
    for _ in range(4):
        page = new_page()
        visit(page, f"http://127.0.0.1:{hosts.port}/stage?s=SHARE&t={token}")
        qr = page.locator('[data-testid="stImage"] img')
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
        src = qr.get_attribute("src")
        assert [page.request.get(src).status for _ in range(8)] == [200] * 8


def test_a_phone_joins_through_the_front_nginx_and_gets_the_app_compressed(hosts, new_page):
    phone = new_page(PHONE)
    main_script: list[str | None] = []

    def on_response(r) -> None:
        if "/static/js/index." in r.url:
            main_script.append(r.headers.get("content-encoding"))

    phone.on("response", on_response)
    visit(phone, f"http://127.0.0.1:{hosts.port}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    assert main_script and set(main_script) == {"gzip"}
