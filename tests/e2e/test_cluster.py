"""Several workers behind a real nginx (`make run-workers`): nothing lost, sessions stay put.

Needs nginx installed (CI's .ci/run installs it, as it does Chromium).
"""

from __future__ import annotations

import psutil
import pytest
from playwright.sync_api import expect

from bench.loadgen import Load, check_db, run_load
from bench.server import ClusterServer
from survey import questionnaire
from survey.cluster import NGINX_HINT, find_nginx
from survey.store import Store

from .conftest import PASSCODE, PHONE, visit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster():
    if find_nginx() is None:
        pytest.fail(NGINX_HINT)
    with ClusterServer(2, env={"SURVEY_ADMIN_PASSWORD": PASSCODE}) as c:
        yield c


def worker_cpu_seconds(c: ClusterServer) -> list[float]:
    return [sum(psutil.Process(w.pid).cpu_times()[:2]) for w in c.cluster.workers]


def test_participants_through_nginx_all_finish_once_and_both_workers_serve_them(cluster):
    before = worker_cpu_seconds(cluster)
    records, _ = run_load(cluster.port, Load(30, window_s=2, seed=11, time_limit_s=120))

    assert [r.error for r in records if r.error] == []
    db = check_db(cluster.db, records)
    assert (db["lost"], db["class_mismatch"], db["integrity_check"]) == (0, 0, "ok")
    assert db["complete_rows"] == 30
    # Each tab got its own routing cookie, so the room is shared between the workers.
    used = [after - b for after, b in zip(worker_cpu_seconds(cluster), before, strict=True)]
    assert min(used) > 0.15 * sum(used), used


def test_the_stage_and_its_qr_image_load_through_nginx(cluster, new_page):
    # The QR image is a media file held by the worker that drew the page: every fresh
    # browser must be kept on that worker, or the image is missing half of the time.
    s = Store(questionnaire.load(), cluster.db)
    token = s.stage("SHARE")["token"]
    s.close()
    for _ in range(4):
        page = new_page()
        visit(page, f"http://127.0.0.1:{cluster.port}/stage?s=SHARE&t={token}")
        qr = page.locator('[data-testid="stImage"] img')
        expect(qr).to_be_visible()
        # decode() waits for the image and fails if it could not be loaded.
        assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0


def test_a_phone_joins_through_nginx_and_gets_the_app_compressed(cluster, new_page):
    phone = new_page(PHONE)
    main_script: list[str | None] = []  # Streamlit's main bundles, the biggest downloads

    def on_response(r) -> None:
        if "/static/js/index." in r.url:
            main_script.append(r.headers.get("content-encoding"))

    phone.on("response", on_response)
    visit(phone, f"http://127.0.0.1:{cluster.port}/?s=SHARE")
    expect(phone.get_by_text("Page 1 of")).to_be_visible()
    assert main_script and set(main_script) == {"gzip"}
